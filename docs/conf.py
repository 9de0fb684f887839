"""Sphinx configuration for the offline docs site (no Quarto needed).

Built by `python docs/build_site.py`, which stages nbdev-processed notebooks (saved outputs, `show_doc` sections) into
`docs/_build/src` and runs Sphinx with this file as config (`-c docs`). Notebooks are never re-executed here.
"""
import tomllib
from pathlib import Path

_root = Path(__file__).resolve().parents[1]
_nbdev = tomllib.loads((_root/'pyproject.toml').read_text())['tool']['nbdev']

project = _nbdev.get('title', 'cns_tissue')
author = 'cns_tissue developers'
copyright = f'2026, {author}'
extensions = ['myst_nb']
root_doc = 'index'
exclude_patterns = ['_build', '**.ipynb_checkpoints']

# notebooks carry their saved outputs; the site shows exactly those (fresh clones need no data, GPU or training)
nb_execution_mode = 'off'
nb_merge_streams = True
nb_output_stderr = 'remove'            # fastai/torch warnings are noise on a docs page
myst_enable_extensions = ['colon_fence', 'dollarmath', 'html_image']
myst_heading_anchors = 4               # slug ids for links like page.ipynb#some-heading
suppress_warnings = ['myst.header']    # show_doc headings (###) may follow a # title directly, as in nbdev

html_theme = 'furo'
html_title = project
html_static_path = ['_static']
html_css_files = ['site.css']
html_copy_source = False
html_show_sourcelink = False
html_theme_options = {'navigation_with_keys': True}

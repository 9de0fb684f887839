"""Write README.md from nbs/index.ipynb without Quarto (nbdev-readme needs Quarto, which many machines cannot install).

Markdown cells are kept as they are; code cells without `#| hide` become ```python blocks (nbdev `#|` directive lines
removed), followed by their text output. Run from anywhere: `python tools/make_readme.py`.
"""
from pathlib import Path
import nbformat

root = Path(__file__).resolve().parents[1]

def cell_md(cell) -> str:
    "Markdown for one notebook cell, or '' for hidden cells"
    src = cell.source
    if cell.cell_type == 'markdown': return src.strip()
    if cell.cell_type != 'code': return ''
    lines = src.splitlines()
    if any(l.strip().replace(' ', '') in ('#|hide', '#|export', '#|exporti', '#|default_exp') or l.startswith('#| default_exp') for l in lines): return ''
    code = '\n'.join(l for l in lines if not l.startswith('#|')).strip()
    outs = [o.get('text', '') or o.get('data', {}).get('text/plain', '') for o in cell.get('outputs', [])]
    out = ''.join(outs).strip()
    return f"```python\n{code}\n```" + (f"\n\n```\n{out}\n```" if out else '') if code else ''

def make_readme(nb=root/'nbs'/'index.ipynb', dest=root/'README.md'):
    "Render `nb` to `dest` as GitHub markdown"
    cells = nbformat.read(nb, as_version=4).cells
    md = '\n\n'.join(m for m in map(cell_md, cells) if m) + '\n'
    md = md.replace('](0', '](nbs/0').replace('](index.ipynb', '](nbs/index.ipynb')
    header = '<!-- WARNING: generated from nbs/index.ipynb by tools/make_readme.py; edit the notebook, not this file -->\n\n'
    Path(dest).write_text(header + md)

if __name__ == '__main__': make_readme()

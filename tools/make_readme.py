"""Write README.md from nbs/index.ipynb without Quarto (nbdev-readme needs Quarto, which many machines cannot install).

Markdown cells are kept as they are. Code cells: `#| hide` ones are left out; `#| echo: false` ones show only their output;
others become ```python blocks followed by their text output. Markdown outputs (`IPython.display.Markdown`: the tables
generated from run records) are inserted as markdown. Links to notebooks and images are made relative to the repository root.
Run from anywhere: `python tools/make_readme.py`.
"""
import re
from pathlib import Path
import nbformat

root = Path(__file__).resolve().parents[1]

def _opts(src):
    "nbdev/Quarto `#|` options of a cell, and the code without them"
    opts, code = {}, []
    for l in src.splitlines():
        s = l.strip().replace(' ', '')
        if s.startswith('#|'):
            k, _, v = s[2:].partition(':'); opts[k] = v or True
        else: code.append(l)
    return opts, '\n'.join(code).strip()

def cell_md(cell) -> str:
    "Markdown for one notebook cell, or '' for hidden cells"
    if cell.cell_type == 'markdown': return cell.source.strip()
    if cell.cell_type != 'code': return ''
    opts, code = _opts(cell.source)
    if {'hide', 'export', 'exporti', 'default_exp'} & set(opts) or opts.get('include') == 'false': return ''
    outs = cell.get('outputs', [])
    md = ''.join(''.join(o.get('data', {}).get('text/markdown', '')) for o in outs).strip()
    txt = '' if md else ''.join(o.get('text', '') or o.get('data', {}).get('text/plain', '') for o in outs).strip()
    parts = ([f"```python\n{code}\n```"] if code and opts.get('echo') != 'false' else []) + ([md] if md else [f"```\n{txt}\n```"] if txt else [])
    return '\n\n'.join(parts)

def make_readme(nb=root/'nbs'/'index.ipynb', dest=root/'README.md'):
    "Render `nb` to `dest` as GitHub markdown"
    cells = nbformat.read(nb, as_version=4).cells
    md = '\n\n'.join(m for m in map(cell_md, cells) if m) + '\n'
    md = re.sub(r'\]\((\d+_\w+\.ipynb)', r'](nbs/\1', md)
    md = md.replace('](index.ipynb', '](nbs/index.ipynb').replace('](images/', '](nbs/images/')
    header = '<!-- WARNING: generated from nbs/index.ipynb by tools/make_readme.py; edit the notebook, not this file -->\n\n'
    Path(dest).write_text(header + md)

if __name__ == '__main__': make_readme()

"""Build the docs site offline, without Quarto: nbdev processing + Sphinx/myst-nb rendering of the saved outputs.

Usage (from the repo root): `python docs/build_site.py` -> docs/_build/html/index.html

Where Quarto exists, `nbdev-docs` (driven by nbs/_quarto.yml) stays the main way to build the site. This script builds the
same site from the same notebooks where Quarto cannot be installed:
1. nbdev's own doc processors (`nbdev.processors.FilterDefaults`: front matter, hidden/exported cells, `show_doc` cells
   executed) run on each notebook into `docs/_build/proc/`, as `nbdev-docs` does before handing them to Quarto;
2. a small adapter (below) translates the few Quarto-only conventions in those processed notebooks into MyST/myst-nb ones
   (no library does this: front matter -> title, `#| echo/output/include` -> cell tags, `show_doc` markdown -> sections
   with nbdev's anchors, `NN_name.ipynb` links -> nbdev page names, absolute doc links -> relative);
3. Sphinx + myst-nb (`docs/conf.py`, `nb_execution_mode='off'`) renders the staged notebooks with their saved outputs.
"""
import argparse, copy, json, re, shutil, sys, time
from pathlib import Path

import yaml
from docutils.nodes import make_id

DOCS = Path(__file__).resolve().parent

_re_showdoc_src = re.compile(r'^(\s*#\|.*\n)*\s*show_doc\(')
_re_opt = re.compile(r'^\s*#\|\s*([\w-]+)\s*:\s*(.*?)\s*$')
_re_nbdev_dir = re.compile(r'^\s*#\|')
_re_num = re.compile(r'^\d+[a-z]?_')
_callouts = {'note', 'tip', 'warning', 'important', 'caution'}


def page_name(src: Path, fm: dict | None = None) -> str:
    "nbdev's page name for notebook `src`: its front matter `output-file`, else the file name without a number prefix"
    if fm and fm.get('output-file'): return Path(fm['output-file']).stem
    return _re_num.sub('', src.stem)


def ordered_nbs(nbs: Path) -> list:
    "Notebooks in `nbs` in sidebar order: index first, then by file name (00_, 01_, ...); checkpoints and _files skipped"
    nbl = [p for p in nbs.glob('*.ipynb') if not p.name.startswith(('_', '.'))]
    return sorted(nbl, key=lambda p: (p.stem != 'index', p.name))


def _src(c): return ''.join(c['source']) if isinstance(c.get('source'), list) else c.get('source', '')


def _front_matter(cells):
    "Pop the raw YAML front-matter cell nbdev's FrontmatterProc puts first; return its dict"
    for i, c in enumerate(cells[:2]):
        s = _src(c).strip()
        if c['cell_type'] == 'raw' and s.startswith('---') and s.endswith('---'):
            cells.pop(i)
            return yaml.safe_load(s.strip('-')) or {}
    return {}


def _md_links(md: str, names: dict, site: str) -> str:
    "Point links at staged pages: `NN_x.ipynb` -> `x.ipynb`, absolute nbdev doc URLs -> relative"
    if site: md = md.replace(site.rstrip('/') + '/', '')
    # nbdev links every exported name in backticks, private ones too, but documents only public ones: keep those as code
    md = re.sub(r'\[(`_\w+`)\]\([^)\s]*#_\w+\)', r'\1', md)
    def sub(m):
        tgt, frag = m.group(2), m.group(3) or ''
        stem = Path(tgt).stem
        if tgt.endswith('.html') and stem in names.values(): tgt = stem + '.ipynb'
        elif stem in names: tgt = names[stem] + '.ipynb'
        return f'{m.group(1)}({tgt}{frag})'
    return re.sub(r'(\]|\]\s?)\(((?![a-z]+:)[^)#\s]+\.(?:ipynb|html))(#[^)\s]*)?\)', sub, md)


def _output_links(md: str) -> str:
    """In markdown *outputs* MyST does not turn page links into HTML pages, and repository files are not on the site:
    `x.ipynb#a` -> `x.html#a`; links to `results/...` records -> their path as code"""
    md = re.sub(r'\]\(([\w-]+)\.ipynb(#[^)\s]*)?\)', lambda m: f"]({m[1]}.html{m[2] or ''})", md)
    return re.sub(r'\[([^\]]+)\]\((results/[^)\s]+)\)', lambda m: f'`{m[2]}`', md)

def _report_links(md: str) -> str:
    "Links to a committed run's `results/.../report.html` -> that page, copied to the site's `reports/` by `build`"
    return re.sub(r'\[([^\]]+)\]\(results/([^)\s]+/report\.html)\)', r'<a href="reports/\2">\1</a>', md)

def copy_reports(root: Path, out: Path) -> list:
    "Copy every committed `results/**/report.html` (self-contained pages) into the site's `reports/`; their paths"
    done = []
    for f in sorted((root/'results').glob('**/report.html')):
        dest = out/'reports'/f.relative_to(root/'results')
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, dest)
        done.append(dest)
    return done

def _link_attrs(md: str) -> str:
    "Pandoc link attributes (`[source](url){target=\"_blank\" ...}`, as in nbdev's show_doc) -> an HTML link keeping them"
    def sub(m):
        attrs = ' '.join(f'{k}="{v}"' for k, v in re.findall(r'([\w-]+)="([^"]*)"', m.group(3)))
        return f'<a class="reference external" href="{m.group(2)}" {attrs}>{m.group(1)}</a>'
    return re.sub(r'\[([^\]\n]*)\]\(([^)\s]*)\)\{([^}\n]*)\}', sub, md)


def _callout_divs(md: str) -> str:
    "Quarto fenced divs `::: {.callout-note}` -> MyST admonitions; other fenced divs keep their content only"
    out, stack = [], []
    for line in md.splitlines():
        m = re.match(r'^(:{3,})\s*(\{.*\})?\s*$', line)
        if m and m.group(2):
            kind = re.search(r'\.callout-(\w+)', m.group(2))
            kind = kind.group(1) if kind and kind.group(1) in _callouts else None
            stack.append(kind)
            if kind: out.append(':::{' + kind + '}')
        elif m and stack:
            if stack.pop(): out.append(':::')
        else: out.append(line)
    return '\n'.join(out)


def _showdoc_md(md: str) -> tuple:
    "show_doc markdown -> (section text, nbdev anchor): drop the leading rule, give the heading nbdev's lower-cased anchor"
    md = re.sub(r'^\s*---\s*\n', '', md)
    m = re.search(r'^(#{2,6})\s+(.+?)\s*$', md, flags=re.MULTILINE)
    if not m: return md, None
    name = m.group(2).strip()
    anchor = re.sub(r'[^\w.\-]', '', name.split('(')[0].strip('` ')).lower() or None
    if anchor and make_id(name) != anchor:  # Sphinx's own section id differs (`_`, `.`): add nbdev's as a span id
        md = md[:m.end()] + f'\n<span id="{anchor}"></span>\n' + md[m.end():]
    return md, anchor


def adapt_nb(nb: dict, names: dict, site: str) -> tuple:
    "Translate one nbdev-processed notebook for myst-nb; returns (nb, title, show_doc anchors)"
    cells, api = nb['cells'], []
    fm = _front_matter(cells)
    title = fm.get('title')
    new = []
    if title:
        hdr = f"# {title}\n\n" + (f"> {fm['description']}\n" if fm.get('description') else '')
        new.append({'cell_type': 'markdown', 'metadata': {}, 'source': hdr})
    for c in cells:
        s = _src(c)
        if 'source' not in c or (not s.strip() and c['cell_type'] != 'code'): continue
        if c['cell_type'] == 'markdown':
            if s.strip().startswith('<!-- WARNING: THIS FILE WAS AUTOGENERATED'): continue
            c['source'] = _callout_divs(_link_attrs(_md_links(_report_links(s), names, site)))
            new.append(c)
            continue
        if c['cell_type'] != 'code': continue
        lines = s.splitlines()
        opts = {}
        while lines and _re_nbdev_dir.match(lines[0]):
            m = _re_opt.match(lines[0])
            if m: opts[m.group(1)] = m.group(2).strip('"\'').lower()
            lines.pop(0)
        body = '\n'.join(lines)
        outs = c.get('outputs', [])
        # show_doc cells become real sections (page TOC, anchors), rendered from their saved markdown output
        if body.lstrip().startswith('show_doc(') and outs and 'text/markdown' in outs[0].get('data', {}):
            md = ''.join(outs[0]['data']['text/markdown'])
            md, anchor = _showdoc_md(_link_attrs(_md_links(md, names, site)))
            new.append({'cell_type': 'markdown', 'metadata': {}, 'source': md})
            if anchor: api.append(anchor)
            continue
        if opts.get('include') == 'false': continue
        tags = set(c.get('metadata', {}).get('tags', []))
        if opts.get('echo') == 'false': tags.add('remove-input')
        if opts.get('output') == 'false': tags.add('remove-output')
        if opts.get('code-fold') in ('true', 'show'): tags.add('hide-input')
        for o in outs:  # markdown outputs (tables, links) get the same link rewriting as markdown cells
            if 'text/markdown' in o.get('data', {}):
                o['data']['text/markdown'] = _output_links(_md_links(''.join(o['data']['text/markdown']), names, site))
        c['source'] = body
        c.setdefault('metadata', {})['tags'] = sorted(tags)
        if not body.strip() and not outs: continue
        new.append(c)
    for i, c in enumerate(new):  # valid nbformat 4.5: string-only execution metadata dropped, every cell has an id
        c.setdefault('metadata', {}).pop('execution', None)
        c['id'] = c.get('id') or f'cell-{i}'
        if c['cell_type'] == 'code': c.setdefault('outputs', []); c.setdefault('execution_count', None)
    nb['cells'] = new
    md = nb.setdefault('metadata', {})
    md.setdefault('kernelspec', {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'})
    md.setdefault('language_info', {'name': 'python', 'pygments_lexer': 'ipython3'})
    nb['nbformat'], nb['nbformat_minor'] = 4, max(nb.get('nbformat_minor', 5), 5)
    nb.setdefault('metadata', {}).pop('widgets', None)
    return nb, title, api


def nbdev_process(src: Path, dst: Path) -> list:
    """Run nbdev's doc processors (the list `nbdev-docs` uses) on notebook `src`, writing `dst`; return the errors.

    Same as `nbdev.serve.proc_nbs`, except that (1) a cell failing in `exec_show_docs` is reported and skipped instead of
    aborting the whole site (nbdev-docs would stop there: the fix is in the notebook, usually imports mixed with code) and
    (2) cells re-run only to define names for `show_doc` keep their saved outputs (real runs, not IN_TEST ones)."""
    import os
    from fastcore.nbio import read_nb, write_nb
    from nbdev.process import NBProcessor
    from nbdev.processors import FilterDefaults, exec_show_docs
    errors = []
    class tolerant_exec_show_docs(exec_show_docs):
        def __call__(self, cell):
            saved = copy.deepcopy(cell.get('outputs'))
            try: super().__call__(cell)
            except Exception as e:
                errors.append(f'{src.name} cell {cell.idx_}: {str(e).strip().splitlines()[-1]}')
                self.k.exc = None
            # cells are only run to define what show_doc needs: the page keeps the notebook's saved outputs
            if saved is not None and not _re_showdoc_src.match(cell.source or ''): cell['outputs'] = saved
    procs = [tolerant_exec_show_docs if p is exec_show_docs else p for p in FilterDefaults().procs()]
    cwd, old = os.getcwd(), os.environ.get('IN_TEST')
    os.environ['IN_TEST'] = '1'  # as nbdev's docs driver: show_doc cells run in test mode
    try:
        os.chdir(src.parent)
        nb = read_nb(src)
        NBProcessor(nb=nb, procs=procs, rm_directives='quarto').process()
        write_nb(nb, dst)
    finally:
        os.chdir(cwd)
        if old is None: os.environ.pop('IN_TEST', None)
        else: os.environ['IN_TEST'] = old
    return errors


def stage(root: Path, dest: Path) -> tuple:
    "Process `root`'s notebooks with nbdev and write Sphinx sources into `dest`; returns ([{page,title,notebook}], errors)"
    from nbdev.config import get_config
    cfg = get_config(root)
    nbs = Path(cfg.nbs_path)
    srcs = ordered_nbs(nbs)
    if not srcs: sys.exit(f'No notebooks found in {nbs}')
    site = f"{cfg.get('doc_host', '')}{cfg.get('doc_baseurl', '')}"
    if dest.exists(): shutil.rmtree(dest)
    proc = dest.parent/'proc'
    proc.mkdir(parents=True, exist_ok=True)
    dest.mkdir(parents=True)
    errors = []
    for p in srcs:
        t0 = time.time()
        errs = nbdev_process(p, proc/p.name)
        errors += errs
        print(f'  nbdev-processed {p.name} in {time.time()-t0:.0f}s' + (f' ({len(errs)} show_doc-cell errors)' if errs else ''),
              flush=True)
    raw = {p: json.loads((proc/p.name).read_text()) for p in srcs}
    names = {p.stem: page_name(p, _front_matter(list(raw[p]['cells']))) for p in srcs}
    pages = []
    for p in srcs:
        nb, title, api = adapt_nb(raw[p], names, site)
        if not title:  # a page needs a title for the sidebar: use the first heading, else the page name
            first = next((_src(c) for c in nb['cells'] if c['cell_type'] == 'markdown' and _src(c).lstrip().startswith('# ')), None)
            title = first.lstrip()[2:].splitlines()[0] if first else names[p.stem]
            if not first: nb['cells'].insert(0, {'cell_type': 'markdown', 'metadata': {}, 'source': f'# {title}'})
        pages.append((names[p.stem], title, nb, p.name, api))
    toc = [n for n, *_ in pages if n != 'index']
    home = next((t for n, t, *_ in pages if n == 'index'), None) or cfg.get('title', cfg.lib_name)
    tree = '```{toctree}\n:maxdepth: 1\n:hidden:\n\n' + f'{home} <self>\n' + '\n'.join(toc) + '\n```\n'
    for name, title, nb, *_ in pages:
        if name == 'index': nb['cells'].append({'cell_type': 'markdown', 'metadata': {}, 'source': tree})
        (dest/f'{name}.ipynb').write_text(json.dumps(nb))
    if 'index' not in names.values():  # lead's nbs/index.ipynb not there yet: a plain home page listing the notebooks
        lst = '\n'.join(f'- [{t}]({n}.ipynb)' for n, t, *_ in pages)
        (dest/'index.md').write_text(f"# {cfg.get('title', cfg.lib_name)}\n\n{cfg.get('description', '')}\n\n{lst}\n\n{tree}")
        pages.insert(0, ('index', cfg.get('title', cfg.lib_name), None, None, []))
    if (nbs/'images').is_dir(): shutil.copytree(nbs/'images', dest/'images')   # figures the notebooks' markdown shows
    for e in errors: print('WARNING (nbdev-docs would stop here):', e)
    return [dict(page=n, title=t, notebook=s, api=a) for n, t, _, s, a in pages], errors


def build(root: Path = None, out: Path = None, quiet: bool = True) -> Path:
    "Stage and render the site; returns the output folder"
    from sphinx.cmd.build import build_main
    root = Path(root or Path.cwd()).resolve()
    out = Path(out or root/'docs'/'_build'/'html').resolve()
    src = out.parent/'src'
    t0 = time.time()
    pages, errors = stage(root, src)
    (out.parent/'pages.json').write_text(json.dumps(dict(pages=pages, proc_errors=errors), indent=1))
    args = ['-b', 'html', '-c', str(DOCS), '-E', str(src), str(out)] + (['-q'] if quiet else [])
    rc = build_main(args)
    if rc: sys.exit(f'sphinx-build failed (rc={rc})')
    copy_reports(root, out)
    print(f'Built {len(pages)} pages into {out} in {time.time()-t0:.0f}s: ' + ', '.join(p['page'] for p in pages))
    return out


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--root', default='.', help='project root (holds pyproject.toml)')
    ap.add_argument('--out', default=None, help='output folder (default docs/_build/html)')
    ap.add_argument('-v', '--verbose', action='store_true', help='show all Sphinx output')
    a = ap.parse_args()
    build(Path(a.root), a.out and Path(a.out), quiet=not a.verbose)

"""The package's shape: modules in layers, defaults only in settings.ini, code a reader can follow.

The layer order is declared in one place: the notebooks' numbers. A module's layer is the number of the notebook that
exports it (`#| default_exp`), and a module may import only modules of lower layers, so no import can go up and no
import circle can form. Each test prints what it found when it fails."""
import ast, configparser, json, re, sys
from pathlib import Path
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]/'tools'))
from structure import imported_modules, upward_imports   # the same facts as the drawing in nbs/index.ipynb

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT/'cns_tissue'
NOTEBOOKS = sorted((ROOT/'nbs').glob('[0-9]*.ipynb'))


def _sources(nb:Path) -> list:
    return [''.join(c['source']) for c in json.loads(nb.read_text())['cells'] if c['cell_type'] == 'code']


def layers() -> dict:
    "module name -> (layer number, notebook), from each notebook's `default_exp`"
    out = {}
    for nb in NOTEBOOKS:
        for s in _sources(nb):
            m = re.search(r'^#\|\s*default_exp\s+(\w+)', s, re.M)
            if m:
                out[m.group(1)] = (int(nb.name.split('_')[0]), nb.name)
    return out


def test_every_module_has_a_notebook():
    mods = {f.stem for f in PKG.glob('*.py') if not f.name.startswith('_')}
    missing = mods - set(layers())
    assert not missing, f"modules no notebook exports (no layer): {sorted(missing)}"


def test_no_upward_import_in_package():
    lay, bad = layers(), []
    for f in sorted(PKG.glob('*.py')):
        if f.stem not in lay:
            continue
        for m in imported_modules(ast.parse(f.read_text())) - {f.stem}:
            if m in lay and lay[m][0] >= lay[f.stem][0]:
                bad.append(f"{f.stem} ({lay[f.stem][1]}) imports {m} ({lay[m][1]})")
    assert not bad, 'imports of a module of the same or a later notebook:\n' + '\n'.join(bad)


def test_drawing_agrees():
    "tools/structure.py, which draws the layers in index.ipynb, finds the same: no upward import"
    assert upward_imports() == [], upward_imports()


def test_notebooks_import_only_earlier_notebooks():
    lay, bad = layers(), []
    for nb in NOTEBOOKS:
        n = int(nb.name.split('_')[0])
        for s in _sources(nb):
            code = '\n'.join(l for l in s.splitlines() if not l.lstrip().startswith(('%', '!')))
            try:
                tree = ast.parse(code)
            except SyntaxError:
                continue
            for m in imported_modules(tree):
                if m in lay and lay[m][0] > n:
                    bad.append(f"{nb.name} imports {m} ({lay[m][1]})")
    assert not bad, 'notebooks importing later notebooks:\n' + '\n'.join(sorted(set(bad)))


def _settings() -> dict:
    cp = configparser.ConfigParser()
    cp.read(ROOT/'settings.ini')
    return dict(cp['cns_tissue'])


def _literal(node):
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None


def _same(default, setting:str) -> bool:
    "Whether a literal default restates a settings.ini value"
    if isinstance(default, bool) or default is None:
        return False
    if isinstance(default, (int, float)):
        try:
            return float(default) == float(setting)
        except ValueError:
            return False
    return isinstance(default, str) and default == setting


def test_no_default_restates_settings():
    cfg, bad = _settings(), []
    for f in sorted(PKG.glob('*.py')):
        for node in ast.walk(ast.parse(f.read_text())):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            a = node.args
            pos = a.posonlyargs + a.args
            pairs = list(zip(pos[len(pos) - len(a.defaults):], a.defaults)) + list(zip(a.kwonlyargs, a.kw_defaults))
            for arg, d in pairs:
                if d is not None and arg.arg in cfg and _same(_literal(d), cfg[arg.arg]):
                    bad.append(f"{f.name}:{node.lineno} {node.name}({arg.arg}={ast.unparse(d)}) restates settings.ini")
    assert not bad, 'defaults that belong to settings.ini (take None and resolve it from the settings):\n' + '\n'.join(bad)


def _package_lines():
    for f in sorted(PKG.glob('*.py')):
        if f.name == '_modidx.py':
            continue
        for i, l in enumerate(f.read_text().splitlines(), 1):
            yield f.name, i, l


def _nbdev_all_lines(f:str) -> set:
    "Line numbers of the `__all__` list nbdev writes: it wraps the names at 120 and then adds `__all__ = ` in front"
    tree = ast.parse((PKG/f).read_text())
    return {n for node in tree.body if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', '') == '__all__'
            for n in range(node.lineno, node.end_lineno + 1)}


def test_package_lines_at_most_120():
    "Our code: no line over 120 characters (nbdev's generated `__all__` list is not ours to wrap)"
    long = [f"{f}:{i} ({len(l)})" for f, i, l in _package_lines() if len(l) > 120 and i not in _nbdev_all_lines(f)]
    assert not long, f"{len(long)} lines over 120 characters: " + ', '.join(long[:30])


def test_notebook_code_lines_at_most_120():
    "The notebooks' examples and tests read like the package: no code line over 120 characters"
    nbs = NOTEBOOKS + [ROOT/'nbs'/'index.ipynb']
    long = [f"{nb.name}: {len(l)}" for nb in nbs for s in _sources(nb) for l in s.split('\n') if len(l) > 120]
    assert not long, f"{len(long)} notebook code lines over 120 characters: " + ', '.join(long[:30])


def test_one_statement_per_line():
    bad = []
    for f in sorted(PKG.glob('*.py')):
        if f.name == '_modidx.py':
            continue
        for node in ast.walk(ast.parse(f.read_text())):
            body = [getattr(node, k) for k in ('body', 'orelse', 'finalbody') if isinstance(getattr(node, k, None), list)]
            for stmts in body:
                lines = [s.lineno for s in stmts if isinstance(s, ast.stmt)]
                bad += [f"{f.name}:{n}" for n in sorted({n for n in lines if lines.count(n) > 1})]
    assert not bad, f"{len(bad)} lines joining statements with ';': " + ', '.join(bad[:30])

"""The package's structure, read from its own files: which notebook writes each module, and which modules it imports.

Used by tests/test_structure.py (no import of a later notebook's module) and by nbs/index.ipynb (the drawing of the
layers), so the test and the drawing read the same facts. The layer of a module is the number of the notebook that
exports it (nbdev writes `File to edit: ../nbs/NN_name.ipynb` at the top of every module)."""
import ast
import re
from pathlib import Path

PKG = Path(__file__).resolve().parents[1]/'cns_tissue'


def module_notebooks(pkg:Path=PKG) -> dict:
    "module name -> the notebook that exports it, from nbdev's header in each module"
    out = {}
    for f in sorted(Path(pkg).glob('*.py')):
        m = re.search(r'File to edit: \.\./nbs/(\d+_\w+)\.ipynb', f.read_text())
        if m:
            out[f.stem] = m.group(1)
    return out


def imported_modules(tree:ast.AST) -> set:
    "The `cns_tissue` modules a parsed file imports, at any depth (function-level imports included)"
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            mod = node.module or ''
            if node.level == 1:
                found.add(mod.split('.')[0])
            elif mod.startswith('cns_tissue.'):
                found.add(mod.split('.')[1])
            elif mod == 'cns_tissue':
                found |= {a.name for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name.split('.')[1] for a in node.names if a.name.startswith('cns_tissue.')}
    return found


def structure(pkg:Path=PKG) -> list:
    "One row per module in layer order: `(layer, module, notebook, imported modules)`"
    nbs = module_notebooks(pkg)
    rows = []
    for mod, nb in nbs.items():
        deps = imported_modules(ast.parse((Path(pkg)/f'{mod}.py').read_text())) & set(nbs) - {mod}
        rows.append((int(nb.split('_')[0]), mod, nb, sorted(deps, key=lambda d: nbs[d])))
    return sorted(rows)


def upward_imports(pkg:Path=PKG) -> list:
    "Imports of a module of the same or a later notebook, as `module -> imported` strings (empty when layered)"
    layer = {mod: n for n, mod, _, _ in structure(pkg)}
    return [f'{mod} -> {d}' for n, mod, _, deps in structure(pkg) for d in deps if layer[d] >= n]

"What the package imports is what it declares; importing it changes no environment variable."
import ast, os, subprocess, sys, tomllib
from importlib.metadata import packages_distributions
from pathlib import Path
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]

def test_imports_are_declared_dependencies():
    deps = {canonicalize_name(Requirement(r).name) for r in tomllib.loads((ROOT/'pyproject.toml').read_text())['project']['dependencies']}
    dist = packages_distributions()
    missing = {}
    for f in sorted((ROOT/'cns_tissue').glob('*.py')):
        for node in ast.walk(ast.parse(f.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else []
            for top in {n.split('.')[0] for n in names}:
                if top in sys.stdlib_module_names or top == 'cns_tissue': continue
                if not {canonicalize_name(d) for d in dist.get(top, [top])} & deps: missing.setdefault(top, []).append(f.name)
    assert not missing, f"imported but not in [project] dependencies: {missing}"

def test_import_leaves_environment_alone():
    env = {k: v for k, v in os.environ.items() if k != 'OMP_WAIT_POLICY'}
    p = subprocess.run([sys.executable, '-c', "import os, cns_tissue.transfer, cns_tissue.training, cns_tissue.cli; print(os.environ.get('OMP_WAIT_POLICY'))"],
                       capture_output=True, text=True, env=env)
    assert p.stdout.strip() == 'None', p.stderr
    assert 'Warning' not in p.stderr, p.stderr          # no third-party warning on import

"The benchmark scripts are not run in CI (they take minutes); at least make sure they compile and print their help."
import subprocess, sys
from pathlib import Path
import pytest

BENCH = sorted((Path(__file__).parent.parent/'bench').glob('*.py'))

@pytest.mark.parametrize('script', BENCH, ids=lambda p: p.name)
def test_bench_script_help(script):
    p = subprocess.run([sys.executable, str(script), '--help'], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    assert 'usage' in p.stdout.lower()

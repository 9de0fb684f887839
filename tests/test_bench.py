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

def test_speed_table_quick():
    "The speed table's quick mode runs end to end and records its table"
    p = subprocess.run([sys.executable, str(Path(__file__).parent.parent/'bench'/'speed_table.py'), '--quick'], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    assert 'fastest training configuration' in p.stdout and 'recorded in' in p.stdout
    run = Path(p.stdout.strip().splitlines()[-1].split('recorded in ')[1])
    assert (run/'table.csv').exists() and (run/'speed.png').exists() and (run/'run.json').exists()

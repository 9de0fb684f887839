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

def test_large_images_quick(tmp_path):
    "Smoke test of the large-image bench on a few small images: every pass recorded, cache sizes right"
    p = subprocess.run([sys.executable, str(Path(__file__).parent.parent/'bench'/'large_images.py'), '--n', '2', '--n-png', '1',
                        '--width', '600', '--height', '500', '--runs-dir', str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    import pandas as pd
    t = pd.read_csv(next(tmp_path.glob('bench/*-large_images/table.csv')))
    assert len(t) == 2*2*4 and set(t.step) == {'verify', 'cache_128', 'cache_256', 'cache_all_sizes'}, t
    assert t.query("step == 'cache_256' and mode == 'reduced'").longest_side.tolist() == [256, 256], t

def test_copy_check_cost_tiny():
    "The copy-check cost bench builds a tiny dataset, runs the check in its own process and records a row"
    p = subprocess.run([sys.executable, str(Path(__file__).parent.parent/'bench'/'copy_check_cost.py'), '--sizes', '60',
                        '--planted', '5'], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    run = Path(p.stdout.strip().splitlines()[-1].split('recorded in ')[1])
    import pandas as pd
    t = pd.read_csv(run/'table.csv')
    assert len(t) == 1 and t.peak_mb[0] > 0 and 0 <= t.planted_recall[0] <= 1, t.to_dict('records')

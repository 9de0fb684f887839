"""The bad-input data set (notebook 05's `odd_dataset`, generated here, not committed) through every command.

Each case has its expected outcome in prepare, train and predict; the sources' checksums are compared before and after
every command."""
import json, shutil
from pathlib import Path
import pandas as pd, pytest
from conftest import run
from cns_tissue.data_prep import odd_dataset, sha1_tree

UNREADABLE = {'zero.jpg', 'notes.png', 'truncated.jpg', 'bomb.png'}

@pytest.fixture(scope='module')
def odd(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('odd')
    src = odd_dataset(tmp/'odd')
    ini = tmp/'settings.ini'   # a project of its own: cache and runs in the temporary folder
    ini.write_text(Path(__import__('cns_tissue.config', fromlist=['x']).get_settings().settings_file).read_text()
                   .replace('cache_dir = cache', f"cache_dir = {tmp/'cache'}").replace('runs_dir = runs', f"runs_dir = {tmp/'runs'}")
                   .replace('sizes = 128 256', 'sizes = 64'))
    return tmp, src, ini

def unchanged(src):
    "Run a step and check the source folder is byte-for-byte the same afterwards"
    class _U:
        def __enter__(self): self.before = sha1_tree(src)
        def __exit__(self, *a): assert sha1_tree(src) == self.before, 'a command modified its source'
    return _U()

def test_prepare_train_predict(odd):
    tmp, src, ini = odd
    with unchanged(src): p = run('cns_tissue_prepare', src, '--settings', ini, '--no-copies', cwd=tmp)
    for f in UNREADABLE: assert f in p.stdout                                   # unreadable files named...
    bad = pd.read_csv(tmp/'cache'/'odd'/'bad_files.csv')
    assert set(bad.rel.str.split('/').str[-1]) == UNREADABLE                   # ...and listed with the reason
    assert "'monocyte'" in p.stdout and 'empty_class' in p.stdout and 'longer than 4x' in p.stdout   # shape warnings
    cached = {f.name for f in (tmp/'cache'/'odd'/'64').rglob('*') if f.is_file()}
    assert {'Case.jpg', 'case.jpg', 'Ünïcode näme.jpg', 'with space.jpg', 'cmyk.jpg', 'palette.gif', 'deep16.tif', 'one_pixel.png',
            'long.png', 'exif_rotated.jpg'} <= cached and not UNREADABLE & cached
    (tmp/'cache'/'odd'/'64'/'train'/'platelet'/'with space.jpg').unlink()     # a file disappears between prepare and train
    with unchanged(src):
        p = run('cns_tissue_train', '--dataset', 'odd', '--arch', 'cellnet', '--schedule', '48:1', '--bs', '4', '--num-workers', '0', cwd=tmp)
    assert "class 'monocyte' has 1 test images but none in train/" in p.stderr and 'are gone' in p.stderr and 'Traceback' not in p.stderr
    out = Path(p.stdout.strip().splitlines()[-1].split('written to ')[1])
    m = json.loads((out/'metrics.json').read_text())
    assert list(m['unknown_test']) == ['monocyte'] and m['test_n'] == 12   # scored apart from the known classes
    with unchanged(src): p = run('cns_tissue_predict', src, '--model', out, '--out', tmp/'p.csv', cwd=tmp)
    df = pd.read_csv(tmp/'p.csv', keep_default_na=False)
    errs = dict(zip(df.file.map(lambda f: Path(f).name), df.error))
    assert {f for f, e in errs.items() if e} == UNREADABLE and 'DecompressionBombError' in errs['bomb.png']
    assert len(df) == len([f for f in src.rglob('*') if f.is_file()])          # every file, the link loop not followed

def test_errors_stop_training_before_it_starts(odd):
    tmp, _, ini = odd
    src = odd_dataset(tmp/'odd_errors', errors=True)
    with unchanged(src): p = run('cns_tissue_prepare', src, '--settings', ini, '--no-copies', cwd=tmp)
    assert "'Platelet ' and 'platelet'" in p.stdout or "'platelet' and 'Platelet '" in p.stdout
    with unchanged(src):
        p = run('cns_tissue_train', '--dataset', 'odd_errors', '--arch', 'cellnet', '--schedule', '48:1', '--bs', '4', cwd=tmp, ok=False)
    lines = p.stderr.strip().splitlines()
    assert p.returncode == 2 and len(lines) == 1 and 'differ only in case or spaces' in lines[0] and "class 'rare' has 1 readable train image" in lines[0], p.stderr
    assert not (tmp/'runs'/'odd_errors').exists() or not any((tmp/'runs'/'odd_errors').rglob('history.csv'))   # no epoch ran

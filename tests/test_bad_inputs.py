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

TINY = {'one_class': {('train', 'basophil'): 6, ('test', 'basophil'): 3},
        'two_images': {('train', 'basophil'): 1, ('test', 'basophil'): 1},
        'single_image_class': {('train', 'basophil'): 6, ('train', 'platelet'): 1, ('test', 'basophil'): 2,
                               ('test', 'platelet'): 2},
        'train_only': {('train', 'basophil'): 6, ('train', 'platelet'): 6}}

@pytest.mark.parametrize('case', TINY)
def test_tiny_datasets_prepare_end_to_end(case, tmp_path, capsys):
    "Every stage of prepare (verify, quality, cache, copy check, the command's summary) on a tiny dataset: a report, no traceback"
    from cns_tissue.config import get_settings, dataset_path
    from cns_tissue.data_prep import prepare
    from cns_tissue.cli import _show_prepare
    src = dataset_path('pbc_blood')
    for (s, c), n in TINY[case].items():
        (tmp_path/case/s/c).mkdir(parents=True)
        for f in sorted((src/'train'/c).iterdir())[:n]: shutil.copy(f, tmp_path/case/s/c/f.name)
    r = prepare(tmp_path/case, settings=get_settings(cache_dir=tmp_path/'cache', sizes='64'), n_workers=0)
    _show_prepare(r)
    out = capsys.readouterr().out
    assert 'copy check:' in out and 'outputs in' in out, out
    assert {'files.csv', 'quality.csv', 'copies.csv', 'summary.json'} <= {f.name for f in r.out.iterdir()}
    assert r.summary['images'] == sum(TINY[case].values()) and r.summary['copies'] is not None
    if case in ('two_images', 'single_image_class'):
        assert any('1 readable train image' in m for m in r.summary['problems']), r.summary['problems']
    if case == 'train_only': assert any('no readable test images' in m for m in r.summary['problems']), r.summary['problems']

def test_blank_and_tiny_images_do_not_stop_prepare(tmp_path):
    "A blank image (no SIFT keypoints), a 1-pixel and a 3-pixel-high image through every stage, copy check included"
    from PIL import Image
    from cns_tissue.config import get_settings, sample_dataset
    from cns_tissue.data_prep import prepare
    src = sample_dataset('pbc_blood', tmp_path/'d', 4, classes=['basophil', 'platelet'])
    Image.new('RGB', (360, 363), (200, 190, 210)).save(src/'train'/'basophil'/'blank.png')
    Image.new('RGB', (1, 1), (200, 100, 150)).save(src/'test'/'platelet'/'one_pixel.png')
    Image.new('RGB', (300, 3), (20, 10, 15)).save(src/'train'/'platelet'/'strip.png')
    r = prepare(src, settings=get_settings(cache_dir=tmp_path/'cache', sizes='64'), n_workers=0)
    q = pd.read_csv(r.out/'quality.csv')
    found = set(zip(q.rel.str.split('/').str[-1], q.issue))
    assert {('blank.png', 'blank'), ('one_pixel.png', 'small'), ('strip.png', 'odd_aspect')} <= found, found
    assert r.summary['images'] == 19 and r.summary['copies'] is not None and r.summary['quality']['blank'] >= 1

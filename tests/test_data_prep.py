"Command-line and robustness tests for `cns_tissue.data_prep` (the notebook tests each unit; these test the whole job)."
import hashlib, shutil, subprocess, zipfile
from pathlib import Path
import numpy as np, pandas as pd, pytest
from PIL import Image
from cns_tissue.config import get_settings, dataset_path
from cns_tissue.images import image_files
from cns_tissue.data_prep import prepare, sha1_tree

@pytest.fixture(scope='module')
def messy(tmp_path_factory):
    "A download-like dataset: two zip parts (extra top folder) + a folder with every kind of bad file"
    d = tmp_path_factory.mktemp('messy'); src = dataset_path('pbc_blood')
    for part, sl in (('part1', slice(0, 4)), ('part2', slice(3, 6))):
        with zipfile.ZipFile(d/f'{part}.zip', 'w') as z:
            for s in ('train', 'test'):
                for c in ('basophil', 'platelet'):
                    for f in sorted((src/s/c).iterdir())[sl]: z.write(f, f'download-{part}/{s}/{c}/{f.name}')
            z.writestr('__MACOSX/train/platelet/._x.jpg', b'junk')
    bad = d/'extra'/'train'/'platelet'; bad.mkdir(parents=True)
    good = sorted((src/'train'/'platelet').iterdir())[0]
    (bad/'zero.jpg').write_bytes(b''); (bad/'text.png').write_text('not an image')
    (bad/'cut.jpg').write_bytes(good.read_bytes()[:2000])
    im = Image.open(good); im.convert('L').save(bad/'gray.png'); im.convert('RGBA').save(bad/'rgba.png')
    Image.fromarray(np.asarray(im.convert('L'), dtype=np.uint16)*250).save(bad/'deep.png')
    return d

def test_cli_prepare_messy_download(messy, tmp_path):
    ini = tmp_path/'settings.ini'
    ini.write_text(open(get_settings().settings_file).read().replace('cache_dir = cache', f"cache_dir = {tmp_path/'cache'}")
                   .replace('sizes = 128 256', 'sizes = 64').replace('data_dir = ../shared/data', f"data_dir = {dataset_path('pbc_blood').parent}"))
    sources = [messy/'part1.zip', messy/'part2.zip', messy/'extra']
    before = {str(s): sha1_tree(s) for s in sources}
    p = subprocess.run(['cns_tissue_prepare', *map(str, sources), '--name', 'hpa', '--settings', str(ini)],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert {str(s): sha1_tree(s) for s in sources} == before           # sources byte-for-byte unchanged
    out = tmp_path/'cache'/'hpa'
    bad = pd.read_csv(out/'bad_files.csv')
    assert set(bad.rel.str.split('/').str[-1]) == {'zero.jpg', 'text.png', 'cut.jpg'}
    for name in ('zero.jpg', 'text.png', 'cut.jpg'): assert name in p.stdout  # reported by name
    log = pd.read_csv(out/'assemble_log.csv')
    assert (log.action == 'duplicate').sum() == 4                          # overlap of the parts kept once
    cached = image_files(out/'64', extensions=None)                       # every file, image or not
    assert len(cached) == 2*2*6 + 3                                        # readable images only
    assert all(Image.open(f).mode == 'RGB' and max(Image.open(f).size) <= 64 for f in cached)
    assert len((out/'test_dedup.txt').read_text().split()) <= 12
    assert "'platelet'" not in p.stdout and "class 'basophil'" not in p.stdout        # both classes in both splits: no shape problem

def test_missing_dataset_message(tmp_path):
    ini = tmp_path/'settings.ini'
    ini.write_text(open(get_settings().settings_file).read().replace('data_dir = ../shared/data', f'data_dir = {tmp_path}').replace('dataset = lc25000', 'dataset = hpa'))
    p = subprocess.run(['cns_tissue_prepare', '--settings', str(ini)], capture_output=True, text=True)
    assert p.returncode == 2 and 'put the images in' in p.stderr and 'Traceback' not in p.stderr, p.stderr

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

def test_large_images_cached_at_reduced_cost(tmp_path):
    "A 3000 x 2500 JPEG and PNG: cached at exactly each size, one pass for all sizes, and `as_cached` gives the cache's bytes"
    from cns_tissue.data_prep import as_cached
    src = tmp_path/'d'; (src/'train'/'a').mkdir(parents=True); (src/'test'/'a').mkdir(parents=True)
    im = Image.open(sorted((dataset_path('pbc_blood')/'train'/'basophil').iterdir())[0]).resize((3000, 2500))
    im.save(src/'train'/'a'/'big.jpg', quality=90); im.save(src/'train'/'a'/'big.png', compress_level=1)
    im.resize((240, 200)).save(src/'test'/'a'/'small.jpg')   # small enough at 256: copied as it is
    r = prepare(src, settings=get_settings(cache_dir=tmp_path/'cache', sizes='128 256'), copies=False, n_workers=0)
    assert r.cache_128 == {'written': 3} and r.cache_256 == {'written': 2, 'copied': 1}, (r.cache_128, r.cache_256)
    for sz in (128, 256):
        for rel in ('train/a/big.jpg', 'train/a/big.png'):
            cached = r.out/str(sz)/rel
            w, h = Image.open(cached).size   # a JPEG's reduced decode rounds its size up: the short side may be 1 px more
            assert w == sz and abs(h - sz*2500/3000) <= 1, (rel, sz, (w, h))
            assert as_cached(src/rel, sz) == cached.read_bytes()

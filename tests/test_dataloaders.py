"Fast checks of cns_tissue.dataloaders and cns_tissue.scratch on a synthetic folder (no real data needed)"
import numpy as np, torch, pytest
from pathlib import Path
from PIL import Image
from cns_tissue.dataloaders import load_rgb, rgb2hed_t, hed2rgb_t, HEDJitter, stratified_splitter, get_dls, bad_files
from cns_tissue.scratch import cellnet, evaluate, scratch_learner

@pytest.fixture(scope='module')
def ds(tmp_path_factory):
    root = tmp_path_factory.mktemp('ds'); rng = np.random.default_rng(0)
    for split, n in (('train', 8), ('test', 2)):
        for c, base in (('a', 60), ('b', 190)):
            (root/split/c).mkdir(parents=True)
            for i in range(n): Image.fromarray((base+rng.integers(-30,30,(24,28,3))).clip(0,255).astype(np.uint8)).save(root/split/c/f'{i}.jpg')
    Image.fromarray(np.full((20,20), 3000, np.uint16)).save(root/'train/a/deep.png')
    (root/'train/b/broken.jpg').write_bytes(b'\xff\xd8\xff garbage')
    return root

def test_load_rgb_16bit_not_clipped(ds):
    a = (np.arange(400).reshape(20,20)*10).astype(np.uint16); Image.fromarray(a).save(ds/'g.png')
    im = np.asarray(load_rgb(ds/'g.png')); assert im.shape == (20,20,3) and im.max() == 255 and im.min() == 0

def test_bad_file_message(ds):
    with pytest.raises(OSError, match='broken.jpg'): load_rgb(ds/'train/b/broken.jpg')
    assert {f.name for f in bad_files(ds)} == {'broken.jpg'}

def test_hed_matches_skimage():
    from skimage.color import rgb2hed
    x = np.random.default_rng(1).random((8,8,3))
    assert np.allclose(rgb2hed_t(torch.tensor(x).permute(2,0,1)).permute(1,2,0).numpy(), rgb2hed(x), atol=1e-6)
    t = torch.rand(2,3,8,8, dtype=torch.float64)
    assert torch.allclose(hed2rgb_t(rgb2hed_t(t, clamp=False)), t, atol=1e-6)

def test_splitter_stratified_and_grouped():
    items = [Path(f'x/{c}/{c}_{p}_{i}.jpg') for c in 'ab' for p in range(5) for i in range(4)]
    tr, va = stratified_splitter(0.2, 0)(items)
    assert sorted(Path(items[i]).parent.name for i in va) == ['a']*4 + ['b']*4
    g = lambda o: o.stem.rsplit('_', 1)[0]
    tr, va = stratified_splitter(0.2, 0, group_fn=g)(items)
    assert not {g(items[i]) for i in tr} & {g(items[i]) for i in va}

def test_get_dls_and_evaluate(ds):
    dls = get_dls(ds, size=32, bs=4, num_workers=0)
    assert [f.name for f in dls.excluded] == ['broken.jpg'] and dls.vocab == ['a','b']
    assert not set(dls.test.dataset.items) & set(dls.train_ds.items + dls.valid_ds.items)
    xb, yb = dls.one_batch(); assert xb.shape == (4,3,32,32)
    r = evaluate(scratch_learner(dls, 'cellnet', name='pytest_tmp'), dls.test)
    assert r['n'] == 4 and list(r['per_class'].index) == ['a','b'] and 0 <= r['accuracy'] <= 1

def test_cellnet_shapes():
    assert cellnet(3)(torch.randn(2,3,64,64)).shape == (2,3)

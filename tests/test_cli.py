"The commands as a user runs them: train a scratch and a pretrained model, predict reproduces their figures, wrong commands."
import json, shutil
from pathlib import Path
import pandas as pd, pytest
from conftest import run

@pytest.fixture(scope='module', params=['cellnet', 'tf_efficientnet_lite0'])
def trained(request, small_cache, tmp_path_factory):
    data, cache = small_cache
    out = tmp_path_factory.mktemp(request.param)/'run'
    p = run('cns_tissue_train', '--dataset', cache, '--arch', request.param, '--schedule', '48:1,64:1', '--bs', '16',
            '--valid-pct', '0.25', '--out', out, '--num-workers', '0')
    return data, cache, out, p.stdout

def test_train_writes_model_and_records(trained):
    data, cache, out, stdout = trained
    assert {'model.safetensors', 'model.json', 'run.json', 'metrics.json', 'history.csv', 'test_preds.csv', 'valid_preds.csv'} <= {p.name for p in out.iterdir()}
    meta, r = json.loads((out/'model.json').read_text()), json.loads((out/'run.json').read_text())
    assert meta['preprocess']['source_max_size'] == 64 and len(meta['classes']) == 8
    assert [h for h in pd.read_csv(out/'history.csv')['size']] == [48, 64]
    assert r['data']['n_valid'] == 16 and r['config']['precision_used'] in ('fp32', 'bf16') and r['env']['cores'] >= 1
    assert 'warning' not in stdout.lower()

def test_predict_reproduces_reported_accuracy(trained, tmp_path):
    "cns_tissue_predict on the ORIGINAL test images gives exactly the accuracy the run reported on its cached copies"
    data, cache, out, _ = trained
    m = json.loads((out/'metrics.json').read_text())
    p = run('cns_tissue_predict', data/'test', '--model', out, '--out', tmp_path/'p.csv')
    assert f"accuracy vs parent-folder labels: {m['test_acc']:.4f} on {m['test_n']} files" in p.stdout
    p = run('cns_tissue_predict', data/'test', '--model', out, '--out', tmp_path/'p.csv', '--tta')
    assert f"accuracy vs parent-folder labels: {m['test_acc_tta']:.4f}" in p.stdout

def test_predict_unreadable_file(trained, tmp_path):
    data, cache, out, _ = trained
    shutil.copytree(data/'test'/'basophil', tmp_path/'basophil')
    (tmp_path/'basophil'/'corrupt.jpeg').write_bytes(b'\xff\xd8\xff this is not a JPEG')
    run('cns_tissue_predict', tmp_path/'basophil', '--model', out, '--out', tmp_path/'p.csv')
    df = pd.read_csv(tmp_path/'p.csv', keep_default_na=False)
    bad = df[df.file.str.endswith('corrupt.jpeg')]
    assert len(df) == 9 and len(bad) == 1 and 'corrupt.jpeg' in bad.error.iloc[0] and bad.pred.iloc[0] == ''

WRONG_TRAIN = [(['--dataset', '{tmp}/missing'], 'not found'), (['--schedule', '128:x'], 'SIZE:EPOCHS'), (['--schedule', '0:3'], 'SIZE:EPOCHS'),
               (['--schedule', ''], 'SIZE:EPOCHS'), (['--crop', '1.5'], 'crop must be'), (['--crop', '0'], 'crop must be'),
               (['--bs', '0'], 'bs must be'), (['--arch', 'resnet_9000'], 'unknown arch')]

@pytest.mark.parametrize('args,msg', WRONG_TRAIN, ids=lambda a: ' '.join(a) if isinstance(a, list) else '')
def test_wrong_train_command(small_cache, tmp_path, args, msg, capsys):
    "In this process (the command's parser and checks, without a new interpreter each); one case runs the real command"
    from cns_tissue.cli import run_cli
    from cns_tissue.training import train
    argv = ['--dataset', str(small_cache[1]), *[a.format(tmp=tmp_path) for a in args], '--out', str(tmp_path/'r')]
    with pytest.raises(SystemExit) as e: run_cli(train, 'cns_tissue_train', argv=argv)
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert e.value.code == 2 and len(lines) == 1, err
    assert lines[0].startswith('cns_tissue_train: error: ') and msg in lines[0], err

def test_wrong_train_command_console(small_cache, tmp_path):
    "The installed command: exit 2, one line, no traceback"
    p = run('cns_tissue_train', '--dataset', small_cache[1], '--crop', '1.5', '--out', tmp_path/'r', ok=False, timeout=120)
    lines = p.stderr.strip().splitlines()
    assert p.returncode == 2 and 'Traceback' not in p.stderr and len(lines) == 1, p.stderr
    assert lines[0].startswith('cns_tissue_train: error: ') and 'crop must be' in lines[0], p.stderr

def test_wrong_model_folders(trained, tmp_path):
    data, cache, out, _ = trained
    if json.loads((out/'model.json').read_text())['arch'] != 'cellnet': pytest.skip('model folders are read the same way for every arch')
    shutil.copytree(out, tmp_path/'cut'); f = tmp_path/'cut'/'model.safetensors'; f.write_bytes(f.read_bytes()[:1000])
    shutil.copytree(out, tmp_path/'other'); (tmp_path/'other'/'model.json').write_text('{"format": "keras-3"}')
    for model, msg in ((tmp_path/'missing', 'not found'), (tmp_path/'cut', 'unreadable or truncated'), (tmp_path/'other', 'not a cns_tissue model')):
        p = run('cns_tissue_predict', data/'test', '--model', model, '--out', tmp_path/'p.csv', ok=False, timeout=120)
        lines = p.stderr.strip().splitlines()
        assert p.returncode == 2 and len(lines) == 1 and lines[0].startswith('cns_tissue_predict: error: ') and msg in lines[0], p.stderr

def test_debug_shows_traceback(small_cache, tmp_path):
    p = run('cns_tissue_train', '--dataset', small_cache[1], '--bs', '0', '--debug', ok=False, timeout=120)
    assert p.returncode != 0 and 'Traceback' in p.stderr and 'bs must be' in p.stderr

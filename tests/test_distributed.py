"Training and prediction under `torchrun --nproc_per_node 2` (gloo on the CPU, one thread per process), as a user runs them."
import json, os, shutil, signal, subprocess, sys, time
from pathlib import Path
import pandas as pd, pytest, torch
from conftest import run

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, 'OMP_NUM_THREADS': '1'}
TORCHRUN = [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2', '--no-python']
RECIPE = ['--arch', 'cellnet', '--bs', '16', '--valid-pct', '0.25', '--num-workers', '0', '--precision', 'fp32']

def _state(out):
    try: return json.loads((out/'state.json').read_text())
    except (FileNotFoundError, json.JSONDecodeError): return {}

@pytest.fixture(scope='module')
def ddp_run(small_cache, tmp_path_factory):
    "A 2-process run (no --out: rank 0 names the folder) stopped after its first epoch, resumed by one process"
    tmp = tmp_path_factory.mktemp('ddp')
    shutil.copy(ROOT/'settings.ini', tmp/'settings.ini')   # runs_dir: tmp/runs
    proc = subprocess.Popen([*TORCHRUN, 'cns_tissue_train', '--dataset', str(small_cache[1]), *RECIPE, '--schedule', '48:2,64:2'],
                            cwd=tmp, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    t0 = time.time()
    while not any(_state(f.parent).get('epoch', 0) >= 1 for f in (tmp/'runs').rglob('state.json')):   # first checkpoint
        assert proc.poll() is None, proc.stderr.read()[-3000:]
        assert time.time() - t0 < 300
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGTERM); proc.wait(60)   # as a batch system stops a job: torchrun stops both ranks
    # (SIGKILL of the group would leave the ranks running: torchrun starts them in sessions of their own)
    out = next((tmp/'runs').rglob('state.json')).parent
    stopped = _state(out)
    assert stopped['status'] == 'running' and stopped['epoch'] < 4, stopped
    run('cns_tissue_train', '--resume', '--dataset', small_cache[1], cwd=tmp, env=ENV)   # --bs is global: the same recipe
    return small_cache, tmp, out, stopped['epoch']

def test_one_run_folder_every_test_image_once(ddp_run):
    (data, cache), tmp, out, stopped = ddp_run
    assert [f.parent for f in (tmp/'runs').rglob('run.json')] == [out]
    r, m = json.loads((out/'run.json').read_text()), json.loads((out/'metrics.json').read_text())
    first, last = r['launches']
    assert (first['world_size'], first['backend'], len(first['devices'])) == (2, 'gloo', 2)
    assert (first['bs_global'], first['bs_per_process'], last['world_size'], last['bs_per_process']) == (16, 8, 1, 16)
    assert m['resumed_at'] == stopped + 1 and pd.read_csv(out/'history.csv').epoch.tolist() == [1, 2, 3, 4]
    assert _state(out)['status'] == 'finished' and not (out/'checkpoints').exists()
    tp = pd.read_csv(out/'test_preds.csv')   # no padding duplicates, none dropped
    assert sorted(Path(f).name for f in tp.file) == sorted(f.name for f in (cache/'test').rglob('*.jpg'))

def test_torchrun_predict_reproduces_accuracy(ddp_run, tmp_path):
    (data, cache), tmp, out, _ = ddp_run
    m = json.loads((out/'metrics.json').read_text())
    q = run(*TORCHRUN, 'cns_tissue_predict', data/'test', '--model', out, '--out', tmp_path/'p.csv', '--chunk', '10', env=ENV)
    assert f"accuracy vs parent-folder labels: {m['test_acc']:.4f} on {m['test_n']} files" in q.stdout, q.stdout
    files = sorted(str(f) for f in (data/'test').rglob('*.jpg'))
    assert pd.read_csv(tmp_path/'p.csv').file.tolist() == files   # one CSV, in file order, every file once
    assert [f.name for f in tmp_path.iterdir()] == ['p.csv']   # part files and their .partial markers removed

def test_bad_input_ends_all_ranks_promptly(small_cache, tmp_path):
    t = time.time()
    p = run(*TORCHRUN, 'cns_tissue_train', '--dataset', small_cache[1], '--bs', '15', '--out', tmp_path/'r', ok=False,
            timeout=120, env=ENV)
    assert p.returncode != 0 and time.time() - t < 120
    assert 'cns_tissue_train: error: bs 15 is the batch of all 2 processes together' in p.stderr, p.stderr[-2000:]
    assert not (tmp_path/'r').exists()

GPU = pytest.mark.skipif(not torch.cuda.is_available(), reason='needs a CUDA GPU (this machine has none; the GPU path is not faked)')

@GPU
def test_gpu_run_mixed_precision_and_predict(small_cache, tmp_path):
    "On a GPU, precision auto is bf16 or fp16, the run says cuda, and predict on the GPU reproduces the accuracy"
    data, cache = small_cache
    out = tmp_path/'run'
    p = run('cns_tissue_train', '--dataset', cache, *RECIPE[:-2], '--schedule', '48:1,64:1', '--out', out)
    assert f'report: {out/"report.html"}' in p.stdout and 'warning' not in p.stdout, p.stdout[-2000:]   # Grad-CAM too
    r, m = json.loads((out/'run.json').read_text()), json.loads((out/'metrics.json').read_text())
    assert r['config']['precision_used'] in ('bf16', 'fp16') and 'cuda' in r['launch']['devices'][0], r['launch']
    q = run('cns_tissue_predict', data/'test', '--model', out, '--out', tmp_path/'p.csv', '--report')
    assert f"accuracy vs parent-folder labels: {m['test_acc']:.4f}" in q.stdout, q.stdout
    assert (tmp_path/'p_report.html').exists() and 'warning' not in q.stdout + q.stderr, q.stdout + q.stderr[-2000:]

@GPU
def test_gpu_multilabel_report(small_cache, tmp_path):
    "On a GPU, a multi-label run's report (per-label Grad-CAM) is written without a warning"
    from test_report import label_lists
    out = tmp_path/'run'
    p = run('cns_tissue_train', '--dataset', label_lists(small_cache[0], tmp_path/'labels'), *RECIPE[:-2],
            '--schedule', '48:1', '--out', out)
    assert f'report: {out/"report.html"}' in p.stdout and 'warning' not in p.stdout, p.stdout[-2000:]

@pytest.mark.skipif(torch.cuda.device_count() < 2, reason='needs 2 CUDA GPUs (this machine has fewer)')
def test_two_gpus_nccl(small_cache, tmp_path):
    out = tmp_path/'run'
    run(*TORCHRUN, 'cns_tissue_train', '--dataset', small_cache[1], *RECIPE[:-2], '--schedule', '48:1,64:1', '--out', out)
    launch = json.loads((out/'run.json').read_text())['launch']
    assert (launch['world_size'], launch['backend']) == (2, 'nccl') and len(set(launch['devices'])) == 2, launch

"An interrupted run continues where it stopped: killed with SIGKILL after its second epoch, or stopped with Ctrl-C."
import json, os, signal, subprocess, time
from pathlib import Path
import pandas as pd, pytest
from conftest import run

def _start(cache, out):
    return subprocess.Popen(['cns_tissue_train', '--dataset', str(cache), '--arch', 'cellnet', '--schedule', '48:2,64:2', '--bs', '8',
                             '--valid-pct', '0.25', '--out', str(out), '--num-workers', '0', '--precision', 'fp32'],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))   # as from a terminal, even when the
                                                                                          # tests run in the background (SIGINT ignored)

def _wait_epoch(proc, out, epoch, timeout=600):
    "Poll state.json until the run has completed `epoch` epochs"
    t0 = time.time()
    while time.time() - t0 < timeout:
        f = out/'state.json'
        if f.exists():
            try: st = json.loads(f.read_text())
            except json.JSONDecodeError: st = {}
            if st.get('epoch', 0) >= epoch: return st
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.05)
    raise TimeoutError

def test_sigkill_then_resume(small_cache, tmp_path):
    out = tmp_path/'run'
    proc = _start(small_cache[1], out)
    st = _wait_epoch(proc, out, 2)
    os.killpg(proc.pid, signal.SIGKILL); proc.wait()   # the process and any child it has, as `kill -9` from a terminal's job control
    assert st['epoch'] == 2 and json.loads((out/'state.json').read_text())['status'] == 'running'
    p = run('cns_tissue_train', '--out', out, '--resume')
    m = json.loads((out/'metrics.json').read_text())
    assert m['resumed_at'] == 3
    h = pd.read_csv(out/'history.csv')
    assert h.epoch.tolist() == [1, 2, 3, 4] and h['size'].tolist() == [48, 48, 64, 64]
    assert json.loads((out/'state.json').read_text())['status'] == 'finished'
    p = run('cns_tissue_train', '--out', out, '--resume', ok=False)
    assert p.returncode == 2 and 'already finished' in p.stderr
    p = run('cns_tissue_train', '--dataset', small_cache[1], '--out', out, ok=False)
    assert p.returncode == 2 and '--overwrite' in p.stderr

def test_ctrl_c_leaves_resumable_checkpoint(small_cache, tmp_path):
    out = tmp_path/'run'
    proc = _start(small_cache[1], out)
    _wait_epoch(proc, out, 1)
    proc.send_signal(signal.SIGINT); _, err = proc.communicate(timeout=300)
    assert proc.returncode == 130 and '--resume' in err and 'Traceback' not in err, err
    st = json.loads((out/'state.json').read_text())
    assert st['status'] == 'interrupted' and (out/'checkpoints'/f"epoch_{st['epoch']}.pth").exists()
    run('cns_tissue_train', '--out', out, '--resume')
    assert json.loads((out/'metrics.json').read_text())['resumed_at'] == st['epoch'] + 1

"""What `keep_freed_memory` (notebook 01a) buys a real training run, and what it costs in memory.

Trains the same short progressive-resizing run twice, each in a fresh process, one with `keep_freed_memory` and one
where it does nothing (same seed, same split, same precision, so the two learn the same weights), and compares their
training seconds per epoch and peak memory (this process and its largest loader process). Writes table.csv and run.json
to runs/bench/DATE-TIME-keep_memory/.

    python bench/keep_memory.py --dataset pbc_blood --schedule 96:1,160:1
"""
import os
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
import json, subprocess, sys, tempfile
import cns_tissue   # first: it silences a warning fastai's import prints
import pandas as pd
from fastcore.script import call_parse
from cns_tissue.results import record_table, cpu_model

CHILD = """
import cns_tissue.speed as s, cns_tissue.inference as inf
if not {keep}: s.keep_freed_memory = inf.keep_freed_memory = lambda *a, **k: False
from cns_tissue.training import train
train(dataset={dataset!r}, schedule={schedule!r}, precision='fp32', tta=False, out={out!r}, overwrite=True)
"""

def one_run(keep:bool, dataset:str, schedule:str, out:str) -> dict:
    "Train in a fresh process; its seconds per epoch, peak memory and validation accuracy from the run's records"
    subprocess.run([sys.executable, '-c', CHILD.format(keep=keep, dataset=dataset, schedule=schedule, out=out)], check=True, capture_output=True)
    info, hist = json.load(open(f'{out}/run.json')), pd.read_csv(f'{out}/history.csv')
    secs = hist.seconds.diff().fillna(hist.seconds)   # history holds cumulative seconds
    return dict(keep_freed_memory=keep, **{f'epoch_{i+1}_{s}px_s': round(t, 1) for i, (s, t) in enumerate(zip(hist['size'], secs))},
                train_s=info['seconds']['train'], rss_mb=info['memory']['rss_mb'], loader_rss_mb=info['memory']['children_rss_mb'],
                valid_acc=json.load(open(f'{out}/metrics.json'))['valid_acc'])

@call_parse
def main(dataset:str='pbc_blood', # dataset name or folder
         schedule:str='96:1,160:1', # SIZE:EPOCHS of the run trained twice
        ):
    "Print and record training time and peak memory with and without `keep_freed_memory`"
    with tempfile.TemporaryDirectory() as tmp:
        df = pd.DataFrame([one_run(k, dataset, schedule, f'{tmp}/{k}') for k in (False, True)])
    print(f"{cpu_model()}, {os.cpu_count()} cores\n{df.to_string(index=False)}")
    print(f"training time without / with: {df.train_s[0]/df.train_s[1]:.2f}x; peak memory with / without: {df.rss_mb[1]/df.rss_mb[0]:.2f}x")
    print(f"recorded in {record_table('keep_memory', df, dict(dataset=dataset, schedule=schedule))}")

"""What a training setting buys a real run: the same short progressive-resizing run trained in fresh processes.

`--compare keep_memory`: with and without `keep_freed_memory` (notebook 11). `--compare workers`: with 2 loader
processes (fastai's default on 2 cores) and with none (notebook 07's default for preloaded images on a CPU with 2 cores
or fewer). Same seed, same split, same precision in every run, so the runs learn from the same images; the table gives
training seconds per epoch, validation accuracy and peak memory: `peak_pss_mb`, the whole process tree's proportional
set size sampled every 0.2 s (notebook 02's `run_peak`: pages a forked loader process shares with the main process
count once), beside the run record's `ru_maxrss` peaks as `rss_mb` and `loader_rss_mb` (the kernel's peak resident sizes
of the process and its largest finished child, which count shared pages in every process, so their sum overstates the
total).
`--repeats` alternates the variants (A, B, A, B, ...) so a shared machine's drift falls on both. Writes table.csv and
run.json to runs/bench/DATE-TIME-NAME/ (NAME: keep_memory or loader_workers).

    python bench/fresh_runs.py --compare keep_memory --dataset pbc_blood --schedule 96:1,160:1
    python bench/fresh_runs.py --compare workers --repeats 2
"""
import os
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
import json, sys, tempfile
import cns_tissue   # first: it silences a warning fastai's import prints
import pandas as pd
from fastcore.script import call_parse
from cns_tissue.records import record_table, cpu_model, run_peak

CHILD = """
import cns_tissue.speed as s, cns_tissue.inference as inf
if not {keep_freed_memory}: s.keep_freed_memory = inf.keep_freed_memory = lambda *a, **k: False
from cns_tissue.training import train
train(dataset={dataset!r}, schedule={schedule!r}, precision='fp32', tta=False, out={out!r}, overwrite=True, num_workers={num_workers})
"""
# each comparison: (record name, the variants' settings: the first is the baseline)
COMPARE = {'keep_memory': ('keep_memory', [dict(keep_freed_memory=False), dict(keep_freed_memory=True)]),
           'workers':     ('loader_workers', [dict(num_workers=2), dict(num_workers=0)])}

def one_run(setting:dict, dataset:str, schedule:str, out:str) -> dict:
    "Train in a fresh process with `setting`; its seconds per epoch, peak memory and validation accuracy"
    code = CHILD.format(**{'keep_freed_memory': True, 'num_workers': None, **setting}, dataset=dataset, schedule=schedule, out=out)
    _, pss = run_peak([sys.executable, '-c', code])
    info, hist = json.load(open(f'{out}/run.json')), pd.read_csv(f'{out}/history.csv')
    secs = hist.seconds.diff().fillna(hist.seconds)   # history holds cumulative seconds
    return dict(**setting, **{f'epoch_{i+1}_{s}px_s': round(t, 1) for i, (s, t) in enumerate(zip(hist['size'], secs))},
                train_s=info['seconds']['train'], peak_pss_mb=round(pss), rss_mb=info['memory']['ru_maxrss_mb'],
                loader_rss_mb=info['memory']['ru_maxrss_largest_child_mb'],
                valid_acc=json.load(open(f'{out}/metrics.json'))['valid_acc'])

@call_parse
def main(compare:str='keep_memory', # what to compare: keep_memory or workers
         dataset:str='pbc_blood', # dataset name or folder
         schedule:str='96:1,160:1', # SIZE:EPOCHS of the run trained once per variant and repeat
         repeats:int=1, # runs of each variant, alternating
        ):
    "Print and record training time and peak memory of a run trained with each variant of a setting"
    name, variants = COMPARE[compare]
    with tempfile.TemporaryDirectory() as tmp:
        df = pd.DataFrame([one_run(v, dataset, schedule, f'{tmp}/{r}_{i}') for r in range(repeats) for i, v in enumerate(variants)])
    key = list(variants[0])[0]
    by = df.groupby(key, sort=False)[['train_s', 'peak_pss_mb']].median()
    base, other = by.loc[variants[0][key]], by.loc[variants[1][key]]
    print(f"{cpu_model()}, {os.cpu_count()} cores\n{df.to_string(index=False)}")
    print(f"median training time {key}={variants[0][key]} / {variants[1][key]}: {base.train_s/other.train_s:.2f}x; "
          f"peak memory (process tree, PSS) {variants[1][key]} / {variants[0][key]}: {other.peak_pss_mb/base.peak_pss_mb:.2f}x")
    print(f"recorded in {record_table(name, df, dict(compare=compare, dataset=dataset, schedule=schedule, repeats=repeats))}")

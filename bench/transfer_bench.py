"""Re-measure the transfer-learning figures of nbs/03_transfer.ipynb on any machine (CPU or GPU).

Prints (1) training img/s per image size and precision, (2) for fixed-size vs progressive resizing on one dataset:
minutes of training, time to a common and to a fixed target valid accuracy, final valid/test accuracy with and
without TTA (and de-duplicated test accuracy where notebook 00 wrote test_dedup.txt).

    python bench/transfer_bench.py                                   # full: pbc_blood (crop 0.7), 128:10 vs 96:4,128:3,160:3 (notebook 03)
    python bench/transfer_bench.py --speed-only                      # img/s table only (~1-2 min on 2 CPU cores)
    python bench/transfer_bench.py --dataset lc25000 --fixed 128:6 --progressive 64:3,96:3,128:3 --target 0.99
    python bench/transfer_bench.py --n-per-class 12 --fixed 64:2 --progressive 48:1,64:1 --sizes 64   # smoke test

On a shared machine run it under the CPU lock: flock /tmp/cns_cpu.lock python bench/transfer_bench.py
"""
import os
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')   # see cns_tissue.transfer: spinning OpenMP threads and shared cores
import time, json
from pathlib import Path
import pandas as pd, torch
from fastcore.script import call_parse
from cns_tissue.data_prep import get_settings
from cns_tissue.transfer import train_speed, compare_schedules, cpu_bf16

@call_parse
def main(arch:str='tf_efficientnet_lite0', # backbone
         sizes:str='96,128,160,192,224', # image sizes for the img/s table
         bs:int=32, # batch size for the img/s table
         steps:int=6, # timed steps per size
         dataset:str='pbc_blood', # dataset for the schedule comparison
         fixed:str='128:10', # fixed-size schedule
         progressive:str='96:4,128:3,160:3', # progressive schedule (about the same wall-clock budget)
         target:float=0.98, # fixed valid-accuracy target for time-to-target
         n_per_class:int=None, # subsample (smoke tests)
         out:str=None, # where the two models go (default: runs/bench/DATASET)
         speed_only:bool=False, # only the img/s table
         frozen_stride:int=8, # as `train`: pretrained stages up to this output stride frozen (the img/s table shows 0 too)
         crop:float=None, # as `train`: central fraction of each side kept before resizing (default: 0.7 for pbc_blood as in notebook 03, else 1)
        ):
    "Print img/s per size and the fixed-vs-progressive comparison"
    dev = 'cuda:' + torch.cuda.get_device_name() if torch.cuda.is_available() else f'cpu ({torch.get_num_threads()} threads)'
    print(f"device: {dev}; torch {torch.__version__}; CPU bf16 instructions: {cpu_bf16() or 'none'}")
    precs = ['fp32'] + (['bf16', 'fp16'] if torch.cuda.is_available() else ['bf16'] if cpu_bf16() else [])
    rows = [dict(size=int(s), **{f'{p} frozen {fz}': train_speed(arch, int(s), bs, steps, p, frozen_stride=fz)
                                 for p in precs for fz in sorted({0, frozen_stride})}) for s in sizes.split(',')]
    sp = pd.DataFrame(rows).set_index('size')
    print(f"\ntraining img/s, {arch}, batch {bs}, channels-last:\n{sp.to_string()}")
    if speed_only: return
    out = Path(out or Path(get_settings().cache_dir).parent/'runs'/'bench'/Path(dataset).name)
    t = time.perf_counter()
    df = compare_schedules(dataset, {'fixed': fixed, 'progressive': progressive}, out, target=target, arch=arch,
                           n_per_class=n_per_class, frozen_stride=frozen_stride,
                           crop=crop if crop is not None else 0.7 if Path(dataset).name == 'pbc_blood' else 1.)
    pd.set_option('display.width', 200)
    print(f"\n{dataset}: common target = best valid accuracy both reached = {df.attrs['common']}; fixed target = {target}")
    print(df.to_string())
    print(f"\nlr {df.attrs['runs']['fixed']['lr']:.2e}; total bench time {(time.perf_counter()-t)/60:.1f} min; models in {out}")
    (out/'bench.json').write_text(json.dumps(dict(speed=rows, table=df.reset_index().to_dict('records')), indent=1, default=str))

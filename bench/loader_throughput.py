"""Loader vs model throughput: is data loading the bottleneck on this machine?

For each image size and augmentation preset, measures the images/s the training DataLoader delivers (decode, resize,
collate in `--workers` processes, batch augmentation in the main process) and the images/s the model trains at on a
synthetic batch (forward+backward+step, no loading: `cns_tissue.training.train_speed`), in one run, and prints their
ratio. Writes the table and a run.json to runs/bench/DATE-TIME-loader_throughput/.

    python bench/loader_throughput.py --dataset pbc_blood --sizes 128 224
"""
import os
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
import cns_tissue   # first: it silences a warning fastai's import prints
import pandas as pd
from fastcore.script import call_parse
from cns_tissue.dataloaders import get_dls, loader_speed
from cns_tissue.augment import AUGS
from cns_tissue.speed import train_speed, pick_precision
from cns_tissue.records import record_table, cpu_model

@call_parse
def main(dataset:str='pbc_blood', # dataset name or folder
         sizes:str='128,224', # image sizes
         arch:str='tf_efficientnet_lite0', # the model the loader must keep busy
         bs:int=64, # batch size
         workers:int=2, # loader processes
         batches:int=20, # batches timed per measurement
        ):
    "Print and record loader and model images/s per size and augmentation preset"
    rows = []
    for sz in map(int, sizes.split(',')):
        prec = pick_precision(arch, 'auto', sz, bs)
        model = train_speed(arch, sz, bs, prec, steps=max(3, batches//5))
        for augs in AUGS:
            dls = get_dls(dataset, sz, bs=bs, augs=augs, num_workers=workers)
            rows.append(dict(size=sz, augs=augs, source=str(dls.path), loader_img_s=round(loader_speed(dls.train, batches)),
                             model_img_s=model, precision=prec))
            rows[-1]['loader/model'] = round(rows[-1]['loader_img_s']/model, 1)
            print(rows[-1], flush=True)
    df = pd.DataFrame(rows)
    print(f"\n{cpu_model()}, {os.cpu_count()} cores\n{df.to_string(index=False)}")
    print(f"\nrecorded in {record_table('loader_throughput', df, dict(dataset=dataset, sizes=sizes, arch=arch, bs=bs, workers=workers, batches=batches))}")

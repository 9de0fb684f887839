"""Loader vs model throughput: is data loading the bottleneck on this machine?

Measures, for each image size, the images/s delivered by the training DataLoader (JPEG decode, resize, collate in
`--workers` worker processes + batch augmentation in the main process) and the images/s the model trains at on a
fixed batch (forward+backward+step, no loading). Run under the shared CPU lock:

    flock /tmp/cns_cpu.lock python bench/loader_throughput.py --name pbc_blood
"""
import argparse, os, time, platform
import torch, pandas as pd
from fastai.vision.all import IntToFloatTensor, Normalize, Pipeline
from cns_tissue.dataloaders import get_dls, loader_speed, data_source, micro_augs, STRONG_AUGS
from cns_tissue.scratch import scratch_learner, train_speed, has_amx_bf16

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--name', default='pbc_blood'); p.add_argument('--sizes', type=int, nargs='+', default=[128, 224])
    p.add_argument('--workers', type=int, default=2); p.add_argument('--bs', type=int, default=64)
    p.add_argument('--batches', type=int, default=20); p.add_argument('--arch', default='cellnet')
    p.add_argument('--threads', type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cpus, torch threads {a.threads}, amx_bf16={has_amx_bf16()}")
    rows = []
    for sz in a.sizes:
        srcs = {'cache' if 'cache' in str(data_source(a.name, sz)) else 'raw': a.name}
        try:
            from cns_tissue.data_prep import dataset_path; srcs['raw'] = dataset_path(a.name)
        except ImportError: pass
        model_ips = None
        for src, where in srcs.items():
            dls = get_dls(where, size=sz, bs=a.bs, num_workers=a.workers)                       # default (light) augmentation
            light = loader_speed(dls.train, a.batches)
            strong = loader_speed(get_dls(where, size=sz, bs=a.bs, num_workers=a.workers, augs=micro_augs(**STRONG_AUGS)).train, a.batches)
            noaug = loader_speed(get_dls(where, size=sz, bs=a.bs, num_workers=a.workers, augs=[]).train, a.batches)  # decode+resize+normalise only
            if model_ips is None:
                model_ips = train_speed(scratch_learner(dls, a.arch, name='bench'), max(4, a.batches//4))
            rows.append(dict(size=sz, source=f"{src} ({dls.path})", loader_default_img_s=round(light), loader_strong_img_s=round(strong),
                             loader_noaug_img_s=round(noaug), model_train_img_s=round(model_ips, 1), ratio_default=round(light/model_ips, 1),
                             ratio_strong=round(strong/model_ips, 1)))
            print(rows[-1], flush=True)
    df = pd.DataFrame(rows); print(); print(df.to_string(index=False))
    print(f"\ndefault loader >= 3x model at every size/source: {bool((df.ratio_default >= 3).all())}; strong: {bool((df.ratio_strong >= 3).all())}")

if __name__ == '__main__': main()

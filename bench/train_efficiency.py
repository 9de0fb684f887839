"""How close does the training loop get to the model's own speed? And prediction?

For each image size: the model's limit, `train_speed` (forward, backward and optimizer step on a synthetic batch: no
loading, no augmentation), against the images/s of a real fastai training epoch on the dataset (loaders, augmentation,
callbacks; the training phase only, after a few warm-up batches), in the same run and the precision `train` would use,
with each number of loader processes in `--workers` (`train_default` marks the number `train` uses on this machine).
A shared machine's load drifts, so limit and loop are measured in alternation, `--rounds` times, and the table gives the
median of the per-round ratios: the share of the CPU the loop leaves to the model. Then prediction: `cns_tissue_predict`'s
path (`predict_probs` over files, plain and 8-view TTA) against the model's bare forward speed (`infer_speed`), plain
and under `torch.compile` (`compile_s`: seconds this run spent compiling, the call's time less its timed and warm-up steps; much less when
inductor's on-disk cache holds the graph from an earlier run). Last, what `keep_freed_memory` (notebook 11) buys: the limit measured in a fresh process
without it. Writes table.csv and run.json to runs/bench/DATE-TIME-train_efficiency/.

    python bench/train_efficiency.py --dataset pbc_blood --sizes 128,224
"""
import os
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
import time, statistics, subprocess, sys
import cns_tissue   # first: it silences a warning fastai's import prints
import pandas as pd, torch
from fastcore.script import call_parse
from fastai.vision.all import Callback, CancelTrainException
from cns_tissue.config import get_settings
from cns_tissue.dataloaders import get_dls, default_workers
from cns_tissue.transfer import create_model
from cns_tissue.speed import train_speed, infer_speed, pick_precision, speed_up, keep_freed_memory
from cns_tissue.training import make_learner, train_config
from cns_tissue.inference import predict_probs
from cns_tissue.records import record_table, cpu_model

class TrainClock(Callback):
    "Images/s of the training batches after `skip` warm-up batches; stops the epoch after `batches` batches"
    order = 99
    def __init__(self, batches, skip=3): self.batches, self.skip = batches, skip
    def before_train(self): self.n, self.t0 = 0, None
    def before_batch(self):
        if self.training and self.iter == self.skip: self.t0 = time.perf_counter()
    def after_batch(self):
        if self.training and self.iter >= self.skip: self.n += len(self.xb[0])
        if self.training and self.iter + 1 >= self.batches + self.skip: raise CancelTrainException
    def after_train(self): self.speed = self.n/(time.perf_counter() - self.t0)

def loop_learner(cfg, size, workers):
    "`train`'s learner (loaders, augmentation, callbacks, precision) on the dataset at `size`"
    dls = get_dls(cfg.dataset, size, bs=cfg.bs, crop=cfg.crop, num_workers=workers, stats=create_model(cfg.arch, 2, pretrained=False))
    learn = make_learner(dls, create_model(cfg.arch, len(dls.vocab)), cfg, get_settings().runs_dir/'bench')
    return speed_up(learn, cfg.precision_used)

def loop_speed(learn, batches):
    "Training images/s of `batches` batches of one epoch of `learn`"
    clock = TrainClock(batches)
    with learn.no_logging(), learn.no_bar(): learn.fit(1, 1e-4, cbs=[clock])
    return clock.speed

def limit_without_keep(arch, size, bs, precision, frozen_stride, steps):
    "`train_speed` in a fresh process where `keep_freed_memory` does nothing (best of 3)"
    code = ("import cns_tissue.speed as s\ns.keep_freed_memory = lambda *a, **k: False\n"
            f"print(max(s.train_speed({arch!r}, {size}, {bs}, {precision!r}, {frozen_stride}, steps={steps}) for _ in range(3)))")
    return float(subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout.split()[-1])

def timed(f, *args, **kwargs):
    "`(f(*args, **kwargs), seconds it took)`"
    t = time.perf_counter(); r = f(*args, **kwargs)
    return r, time.perf_counter() - t

@call_parse
def main(dataset:str='pbc_blood', # dataset name or folder
         arch:str=None, # architecture (default: settings')
         sizes:str='128,224', # image sizes
         batches:int=20, # training batches timed per round
         rounds:int=3, # alternating limit/loop measurements per configuration
         workers:str='0,2', # loader processes to compare (`train_default` marks the number `train` uses here)
         n_predict:int=2000, # test images predicted per measurement
         compile:bool=True, # also measure the bare model under torch.compile (compiling takes a minute or more on a CPU)
        ):
    "Print and record the loop/limit ratios of training and prediction"
    keep_freed_memory()
    cfg = train_config(dataset=dataset, arch=arch); rows = []
    def add(what, sz, prec, loop, limit, ratio=None, compile_s=None, train_default=False):
        rows.append(dict(what=what, size=sz, precision=prec, loop_img_s=round(loop, 1), limit_img_s=round(limit, 1), ratio=round(ratio or loop/limit, 2),
                         compile_s=compile_s, train_default=train_default))
        print(rows[-1], flush=True)
    for sz in map(int, sizes.split(',')):
        cfg.precision_used = pc = pick_precision(cfg.arch, cfg.precision, sz, cfg.bs, cfg.frozen_stride)
        steps = max(2, batches//2)
        for w in map(int, workers.split(',')):
            learn, loops, limits = loop_learner(cfg, sz, w), [], []
            for _ in range(rounds):
                limits.append(train_speed(cfg.arch, sz, cfg.bs, pc, cfg.frozen_stride, steps=steps))
                loops.append(loop_speed(learn, batches))
            add(f'train, {w} loader worker(s)', sz, pc, statistics.median(loops), statistics.median(limits),
                statistics.median(l/m for l, m in zip(loops, limits)), train_default=w == default_workers(learn.dls.preloaded))
        add('model alone without keep_freed_memory', sz, pc, limit_without_keep(cfg.arch, sz, cfg.bs, pc, cfg.frozen_stride, steps), statistics.median(limits))
        if compile:
            c, secs = timed(train_speed, cfg.arch, sz, cfg.bs, pc, cfg.frozen_stride, steps=steps, compile=True)
            add('model alone, torch.compile', sz, pc, c, statistics.median(limits), compile_s=round(secs - (steps+1)*cfg.bs/c))
        dls = get_dls(cfg.dataset, sz, crop=cfg.crop, num_workers=0)
        files, model = dls.test.items[:n_predict], create_model(cfg.arch, len(dls.vocab), pretrained=False).eval()
        bare = {'bare model': infer_speed(cfg.arch, sz, 64, 'fp32', steps=5)}
        csecs = None
        if compile:
            bare['compiled model'], secs = timed(infer_speed, cfg.arch, sz, 64, 'fp32', steps=5, compile=True)
            csecs = round(secs - 6*64/bare['compiled model'])
        for tta in (False, True):
            t = time.perf_counter(); predict_probs(files, model, dls.prep, tta, progress=False); speed = len(files)/(time.perf_counter() - t)
            for k, b in bare.items(): add('predict' + (' TTA' if tta else '') + f' vs {k}', sz, 'fp32', speed, b/(8 if tta else 1), compile_s=csecs if 'compiled' in k else None)
    df = pd.DataFrame(rows)
    print(f"\n{cpu_model()}, {os.cpu_count()} cores, torch {torch.__version__}, {torch.get_num_threads()} threads\n{df.to_string(index=False)}")
    print(f"recorded in {record_table('train_efficiency', df, dict(dataset=dataset, arch=cfg.arch, sizes=sizes, batches=batches, rounds=rounds, workers=workers, compile=compile))}")

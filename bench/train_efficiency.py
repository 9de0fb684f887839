"""How close does the training loop get to the model's own speed? And prediction?

For each image size: the model's limit, `train_speed` (forward, backward and optimizer step on a synthetic batch: no
loading, no augmentation), against the images/s of a real fastai training epoch on the dataset (loaders, augmentation,
callbacks; the training phase only, after a few warm-up batches), in the same run and the precision `train` would use;
their ratio is the share of the CPU the loop gives to the model. Then prediction: `cns_tissue_predict`'s path
(`predict_probs` over files, plain and 8-view TTA) against the model's bare forward speed (`infer_speed`), and the peak
memory of predicting a large folder. Writes table.csv and run.json to runs/bench/DATE-TIME-train_efficiency/.

    python bench/train_efficiency.py --dataset pbc_blood --sizes 128,224
"""
import os
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
import time, resource
import cns_tissue   # first: it silences a warning fastai's import prints
import pandas as pd, torch
from fastcore.script import call_parse
from fastai.vision.all import Callback
from cns_tissue.config import get_settings
from cns_tissue.dataloaders import get_dls
from cns_tissue.transfer import create_model
from cns_tissue.speed import train_speed, infer_speed, pick_precision, speed_up
from cns_tissue.training import make_learner, train_config
from cns_tissue.inference import predict_probs
from cns_tissue.results import record_table, cpu_model

class TrainClock(Callback):
    "Images and seconds of the training batches after `skip` warm-up batches"
    order = 99
    def __init__(self, skip=3): self.skip, self.n, self.t = skip, 0, None
    def before_batch(self):
        if self.training and self.iter == self.skip: self.t0 = time.perf_counter()
    def after_batch(self):
        if self.training and self.iter >= self.skip: self.n += len(self.xb[0])
    def after_train(self): self.t = time.perf_counter() - self.t0

def loop_speed(cfg, size, batches, workers):
    "Training images/s of one real epoch (at most `batches` batches) of `train`'s learner"
    dls = get_dls(cfg.dataset, size, bs=cfg.bs, crop=cfg.crop, num_workers=workers, stats=create_model(cfg.arch, 2, pretrained=False))
    learn = make_learner(dls, create_model(cfg.arch, len(dls.vocab)), cfg, get_settings().runs_dir/'bench')
    speed_up(learn, cfg.precision_used); clock = TrainClock()
    class Stop(Callback):
        order = 100
        def after_batch(self):
            if self.training and self.iter >= batches: raise __import__('fastai.callback.core', fromlist=['x']).CancelTrainException
    with learn.no_logging(), learn.no_bar(): learn.fit(1, 1e-4, cbs=[clock, Stop()])
    return clock.n/clock.t

@call_parse
def main(dataset:str='pbc_blood', # dataset name or folder
         arch:str=None, # architecture (default: settings')
         sizes:str='128,224', # image sizes
         batches:int=30, # training batches timed per size
         workers:str='0,1,2', # loader processes to compare (the images are preloaded when they fit in memory)
         n_predict:int=2000, # test images predicted per measurement
         compile:bool=False, # also measure the model alone under torch.compile (compilation takes minutes on a CPU)
        ):
    "Print and record the loop/limit ratios of training and prediction"
    cfg = train_config(dataset=dataset, arch=arch); rows = []
    for sz in map(int, sizes.split(',')):
        cfg.precision_used = pick_precision(cfg.arch, cfg.precision, sz, cfg.bs, cfg.frozen_stride)
        limit = train_speed(cfg.arch, sz, cfg.bs, cfg.precision_used, cfg.frozen_stride, steps=5)
        for w in map(int, workers.split(',')):
            loop = loop_speed(cfg, sz, batches, w)
            rows.append(dict(what=f'train, {w} loader worker(s)', size=sz, precision=cfg.precision_used, loop_img_s=round(loop, 1), limit_img_s=limit, ratio=round(loop/limit, 2)))
            print(rows[-1], flush=True)
        if compile:
            c = train_speed(cfg.arch, sz, cfg.bs, cfg.precision_used, cfg.frozen_stride, steps=5, compile=True)
            rows.append(dict(what='model alone, torch.compile', size=sz, precision=cfg.precision_used, loop_img_s=c, limit_img_s=limit, ratio=round(c/limit, 2)))
            print(rows[-1], flush=True)
        dls = get_dls(cfg.dataset, sz, crop=cfg.crop, num_workers=0)
        files, model = dls.test.items[:n_predict], create_model(cfg.arch, len(dls.vocab), pretrained=False).eval()
        bare = infer_speed(cfg.arch, sz, 64, 'fp32', steps=5)
        for tta in (False, True):
            t = time.perf_counter(); predict_probs(files, model, dls.prep, tta, progress=False); dt = time.perf_counter() - t
            rows.append(dict(what='predict' + (' TTA' if tta else ''), size=sz, precision='fp32', loop_img_s=round(len(files)/dt, 1),
                             limit_img_s=round(bare/(8 if tta else 1), 1), ratio=round(len(files)/dt/(bare/(8 if tta else 1)), 2)))
            print(rows[-1], flush=True)
    df = pd.DataFrame(rows)
    print(f"\n{cpu_model()}, {os.cpu_count()} cores, torch {torch.__version__}, {torch.get_num_threads()} threads\n{df.to_string(index=False)}")
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss//1024} MB")
    print(f"recorded in {record_table('train_efficiency', df, dict(dataset=dataset, arch=cfg.arch, sizes=sizes, batches=batches, workers=workers))}")

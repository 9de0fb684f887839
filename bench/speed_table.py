"""Training and prediction speed against model, batch size and image size, to choose a configuration before a long run.

For every architecture the project offers, batch size and image size: training images/s (forward, backward and AdamW step
on a synthetic batch, `cns_tissue.training.train_speed`, pretrained stages up to stride 8 frozen as `train` does),
prediction images/s (`infer_speed`) and the peak resident memory of the training steps, in fp32 and -- where the CPU has
bf16 instructions, or on a GPU -- in the mixed precision `train` would consider. Prints the table and which configuration
trains fastest per image, writes `table.csv`, `run.json` and `speed.png` to runs/bench/DATE-TIME-speed_table/.

    python bench/speed_table.py                 # the full table (about two hours on 2 CPU cores: bf16 training is slow there)
    python bench/speed_table.py --precisions fp32   # fp32 only (about 20 minutes on 2 CPU cores)
    python bench/speed_table.py --quick         # tiny sizes, a few seconds per configuration (CI)
"""
import os
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
import threading, time, gc, ctypes
import cns_tissue   # first: it silences a warning fastai's import prints
import pandas as pd, torch
from fastcore.script import call_parse
from cns_tissue.speed import train_speed, infer_speed, cpu_bf16
from cns_tissue.records import record_table, cpu_model

def _rss_mb():
    return int(open('/proc/self/status').read().split('VmRSS:')[1].split()[0])/1024

def _trim():
    "Give freed heap memory back to the OS (glibc keeps it otherwise, and a later measurement would reuse it unseen)"
    gc.collect()
    try: ctypes.CDLL('libc.so.6').malloc_trim(0)
    except OSError: pass

class PeakRSS:
    "Peak resident memory (MB) above the starting level while the block runs, sampled every 5 ms (Linux); CUDA: allocator peak"
    def __enter__(self):
        _trim(); self.base, self.peak, self.on = _rss_mb(), 0., True
        if torch.cuda.is_available(): torch.cuda.reset_peak_memory_stats()
        def watch():
            while self.on: self.peak = max(self.peak, _rss_mb() - self.base); time.sleep(0.005)
        self.t = threading.Thread(target=watch, daemon=True); self.t.start(); return self
    def __exit__(self, *a):
        self.on = False; self.t.join()
        if torch.cuda.is_available(): self.peak = torch.cuda.max_memory_allocated()/2**20

@call_parse
def main(archs:str='tf_efficientnet_lite0,tf_efficientnet_lite1,tf_efficientnet_lite2,mobilenet_v2,cellnet,xresnet18', # architectures
         bss:str='16,32,64,128', # batch sizes
         sizes:str='96,128,160,224', # image sizes
         steps:int=2, # timed steps per measurement (after one warm-up step)
         precisions:str='auto', # 'auto': fp32 and the device's mixed precision (bf16 on a CPU with bf16 instructions); or e.g. 'fp32'
         quick:bool=False, # tiny sizes and two small models: checks that it runs (CI)
        ):
    "Print and record the speed table"
    if quick: archs, bss, sizes, steps = 'cellnet,mobilenet_v2', '4,8', '32,48', 1
    precs = ['fp32'] + (['bf16' if torch.cuda.is_bf16_supported() else 'fp16'] if torch.cuda.is_available() else ['bf16'] if cpu_bf16() else [])
    if precisions != 'auto': precs = precisions.split(',')
    dev = torch.cuda.get_device_name() if torch.cuda.is_available() else f'{cpu_model()}, {os.cpu_count()} cores'
    print(f'device: {dev}; precisions: {precs}', flush=True)
    rows = []
    for a in archs.split(','):
        for sz in map(int, sizes.split(',')):
            for bs in map(int, bss.split(',')):
                for p in precs:
                    with PeakRSS() as mem: tr = train_speed(a, sz, bs, p, steps=steps)
                    rows.append(dict(arch=a, size=sz, bs=bs, precision=p, train_img_s=tr, infer_img_s=infer_speed(a, sz, bs, p, steps=steps),
                                     train_peak_mb=round(mem.peak)))
                    print(rows[-1], flush=True)
    df = pd.DataFrame(rows)
    pd.set_option('display.width', 200)
    print(df.pivot_table(index=['arch', 'size'], columns=['precision', 'bs'], values='train_img_s').to_string())
    best = df.loc[df.groupby('arch').train_img_s.idxmax()].sort_values('train_img_s', ascending=False)
    print('\nfastest training configuration per architecture (images/s):\n' + best.to_string(index=False))
    run = record_table('speed_table', df, dict(archs=archs, bss=bss, sizes=sizes, steps=steps, precisions=precs, quick=quick, device=dev,
                                               peak_memory='resident memory above a trimmed heap' if not torch.cuda.is_available() else 'CUDA allocator peak'))
    import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
    fig, axs = plt.subplots(1, len(precs), figsize=(5*len(precs), 3.5), squeeze=False)
    for ax, p in zip(axs[0], precs):
        d = df[(df.precision == p) & (df.bs == df.bs.max())]
        for a, g in d.groupby('arch'): ax.plot(g['size'], g.train_img_s, 'o-', label=a)
        ax.set(xlabel='image size (px)', ylabel='training images/s', title=f'{p}, batch {df.bs.max()}', yscale='log'); ax.legend(fontsize=7)
    fig.tight_layout(); fig.savefig(run/'speed.png', dpi=80)
    print(f'recorded in {run}')

"""Does `cns_tissue_predict` stream a large folder, or does its memory grow with the number of images?

Builds folders of N images (symbolic links that cycle through a dataset's original images, so nothing is copied and the
sources are untouched), then runs the command line exactly as a user does (`cns_tissue_predict FOLDER --model M`) on
each, sampling the memory of its whole process tree (the command and its loader processes; proportional set size, so
libraries shared between them count once) every 0.2 s (notebook 02's `run_peak`). The model is the pbc_blood recipe's
architecture and preprocessing with untrained weights: memory and speed do not depend on the weights. Prints, for each
folder size, the peak memory, the images/s (start-up included) and the peak's ratio to the smallest folder's (1.0:
streaming). Sizes of 200 or more compare like with like: below 200 files the command uses no loader processes. Writes
table.csv and run.json to runs/bench/DATE-TIME-predict_memory/.

With `--tiny PX` the folders hold generated JPEGs of PX x PX pixels instead (random noise, written into a temporary
folder outside the repository), so that the number of files, not decoding, is what grows: 100,000 files fit in minutes.
The CSV is written a chunk at a time (notebook 12), so the peak should not grow with the folder.

    python bench/predict_memory.py                 # 1,000 and 10,000 pbc_blood images (a few minutes on 2 cores)
    python bench/predict_memory.py --sizes 250 500  # quick
    python bench/predict_memory.py --tiny 32 --arch cellnet --size 32 --crop 1 --source-max-size 32 --sizes 1000 10000 100000 --name predict_memory_100k
"""
import os
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
import io, tempfile
from pathlib import Path
import numpy as np
from PIL import Image
from typing import Annotated
import cns_tissue   # first: it silences a warning fastai's import prints
import pandas as pd
from fastcore.script import call_parse
from cns_tissue.config import dataset_path
from cns_tissue.images import image_files
from cns_tissue.dataloaders import Preprocess
from cns_tissue.transfer import create_model
from cns_tissue.inference import export_model
from cns_tissue.records import record_table, run_peak   # run_peak: the process tree's PSS, sampled every 0.2 s

def link_folder(out:Path, sources:list, n:int) -> Path:
    "A folder of `n` symbolic links cycling through `sources` (each name unique)"
    out.mkdir(parents=True)
    for i in range(n): s = sources[i % len(sources)]; (out/f"{i:06d}_{s.name}").symlink_to(s.resolve())
    return out

def tiny_folder(out:Path, n:int, px:int) -> Path:
    "A folder of `n` generated JPEGs of `px` x `px` pixels (64 noise images, repeated; each name unique)"
    out.mkdir(parents=True)
    rng, jpgs = np.random.default_rng(0), []
    for _ in range(64):
        b = io.BytesIO()
        Image.fromarray(rng.integers(0, 256, (px, px, 3), dtype=np.uint8)).save(b, 'JPEG', quality=80)
        jpgs.append(b.getvalue())
    for i in range(n): (out/f"{i:06d}.jpg").write_bytes(jpgs[i % 64])
    return out

@call_parse
def main(dataset:str='pbc_blood', # dataset whose original images (train/ and test/) fill the folders
         sizes:Annotated[int, dict(nargs='+')]=(1000, 10000), # folder sizes (number of images), smallest first
         arch:str='tf_efficientnet_lite0', # architecture of the model
         size:int=160, # model input size (the pbc_blood recipe's last size)
         crop:float=0.7, # centre crop (the pbc_blood recipe's)
         source_max_size:int=256, # the cache size the model was trained on (images are resized to it first, as in training)
         tta:bool=False, # predict with 8-view TTA
         tiny:int=0, # > 0: generated images of this many pixels a side instead of links to the dataset's images
         name:str='predict_memory', # the record's name (runs/bench/DATE-TIME-NAME)
        ):
    "Print and record the peak memory and speed of `cns_tissue_predict` against the number of images in a folder"
    sizes = sorted(map(int, sizes if isinstance(sizes, (list, tuple)) else [sizes]))
    srcs = list(image_files(dataset_path(dataset)))
    with tempfile.TemporaryDirectory(prefix='predict_memory_') as d:   # links, model and predictions: removed at the end
        tmp = Path(d)
        prep = Preprocess(size=size, crop=crop, source_max_size=source_max_size, mean=[.5]*3, std=[.5]*3)
        model = export_model(create_model(arch, 8, pretrained=False), tmp/'model', arch, [f'c{i}' for i in range(8)], prep)
        rows = []
        for n in sizes:
            folder = tiny_folder(tmp/f'images_{n}', n, tiny) if tiny else link_folder(tmp/f'images_{n}', srcs, n)
            s, peak = run_peak(['cns_tissue_predict', str(folder), '--model', str(model), '--out', str(tmp/f'pred_{n}.csv'), *(['--tta'] if tta else [])])
            assert len(pd.read_csv(tmp/f'pred_{n}.csv')) == n
            rows.append(dict(images=n, seconds=round(s, 1), images_per_s=round(n/s, 1), peak_mb=round(peak)))
            rows[-1]['peak_vs_smallest'] = round(peak/rows[0]['peak_mb'], 2); print(rows[-1])
    cfg = dict(dataset=None if tiny else dataset, tiny=tiny, arch=arch, size=size, crop=crop, tta=tta)
    run = record_table(name, pd.DataFrame(rows), cfg)
    print('recorded in', run)

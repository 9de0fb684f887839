"""What do large source images cost `prepare`'s verify and cache passes, decoded in full or at a reduced size?

Writes N JPEGs (and a few PNGs) of WIDTH x HEIGHT pixels, made from a dataset's images upscaled, into FOLDER (default: a
temporary folder, removed at the end; the dataset is only read). Then, per format, it times the two passes `prepare`
makes over every source image, each in a fresh forked process whose peak resident memory (Linux `VmHWM`, reset at the
start) is read at the end:

- `verify`: notebook 05's `inspect_image` (open, decode, quality measures on a thumbnail);
- `cache_SIZE`: `as_cached` at each cache size (what `cache_one` writes and `predict` reads);
- `cache_all_sizes`: every size, as `prepare` caches them (`cache_sizes`: one decode of a non-JPEG image for all sizes).

Mode `full` decodes each image at full size first (`im.load()` before anything: what a reader without reduced decoding
does); mode `reduced` is the code as it is (JPEG `draft`: the decoder scales by 1/2 to 1/8; PIL `reduce` for the rest).
For the cache it also records the output's longest side and the mean absolute pixel difference (0-255) between the two
modes' outputs. Writes table.csv and run.json to runs/bench/DATE-TIME-large_images/.

    python bench/large_images.py                         # 50 JPEGs and 10 PNGs of 3000 x 2500 (a few minutes)
    python bench/large_images.py --n 4 --n-png 1 --width 800 --height 600   # quick
"""
import os, io, time, shutil, tempfile
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
import cns_tissue   # first: it silences a warning fastai's import prints
import numpy as np, pandas as pd
from PIL import Image
from fastcore.script import call_parse
from cns_tissue.config import dataset_path
from cns_tissue.images import image_files
from cns_tissue.data_prep import inspect_image, as_cached, cached_bytes, _look, _cache_all
from cns_tissue.records import record_table

def make_images(folder:Path, sources:list, n:int, fmt:str, width:int, height:int) -> list:
    "`n` images of `width` x `height` in format `fmt`, each a source image upscaled (bicubic)"
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        f = folder/f'{i:04d}.{fmt.lower()}'
        if not f.exists():
            im = Image.open(sources[i % len(sources)]).convert('RGB').resize((width, height), Image.Resampling.BICUBIC)
            im.save(f, **({'quality': 90} if fmt == 'JPEG' else {'compress_level': 1}))
        out.append(f)
    return out

def _kb(key:str) -> int:
    "A `kB` line of this process's /proc status (VmRSS: now, VmHWM: peak)"
    line = next(l for l in Path('/proc/self/status').read_text().splitlines() if l.startswith(key + ':'))
    return int(line.split()[1])

def full_decode(f:Path, size:int|list|None):
    "The pass with every image decoded at full size first: `inspect_image`'s measures, the cache's bytes (each size)"
    if isinstance(size, list): return [full_decode(f, s) for s in size]
    with Image.open(f) as im:
        im.load()
        return _look(im) if size is None else cached_bytes(im, size)

def reduced(f:Path, size:int|list|None):
    "The pass as the code does it: `inspect_image`, `as_cached`, or `prepare`'s one pass over all sizes (`_cache_all`)"
    if isinstance(size, list):
        with tempfile.TemporaryDirectory() as d: return _cache_all(f.name, f.parent, d, size)
    return inspect_image(f) if size is None else as_cached(f, size)

def _timed(job:tuple) -> tuple:
    "In a fresh process: wall and CPU ms per image, and peak extra MB, of one pass over `files`"
    fn, files, size = job
    try: Path('/proc/self/clear_refs').write_text('5')   # reset the peak (VmHWM) to the current resident memory
    except OSError: pass
    base, t, c = _kb('VmRSS'), time.perf_counter(), time.process_time()
    for f in files: fn(f, size)
    per_image = lambda s: 1000*s/len(files)
    return per_image(time.perf_counter() - t), per_image(time.process_time() - c), (_kb('VmHWM') - base)/1024

def _pixels(b) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(b) if isinstance(b, bytes) else b).convert('RGB'), dtype=np.float32)

def compare(files:list, size:int) -> dict:
    "Longest side of the reduced output, and its mean absolute pixel difference to the full decode's output"
    sides, mads = [], []
    for f in files:
        a, b = _pixels(full_decode(f, size)), _pixels(reduced(f, size))
        sides.append(max(b.shape[:2]))
        if a.shape != b.shape: b = np.asarray(Image.fromarray(b.astype(np.uint8)).resize(a.shape[1::-1]), np.float32)
        mads.append(np.abs(a - b).mean())
    return dict(longest_side=max(sides), shortest_longest_side=min(sides), mad_vs_full=round(float(np.mean(mads)), 2))

@call_parse
def main(dataset:str='pbc_blood', # dataset whose images are upscaled into the large test images
         n:int=50, # JPEG images
         n_png:int=10, # PNG images (no reduced decoding exists for PNG)
         width:int=3000, # width of the generated images
         height:int=2500, # height of the generated images
         sizes:str='128 256', # cache sizes (longest side)
         folder:str=None, # where to write the large images (default: a temporary folder, removed at the end)
         runs_dir:str=None, # where the record goes (default: settings' runs_dir)
        ):
    "Print and record time and peak memory per large image of the verify and cache passes, full vs reduced decoding"
    sizes = [int(s) for s in str(sizes).replace(',', ' ').split()]
    tmp = None if folder else tempfile.mkdtemp(prefix='large_images_')
    base = Path(folder or tmp)
    srcs = sorted(image_files(dataset_path(dataset)))[::97]
    rows = []
    try:
        for fmt, k in (('JPEG', n), ('PNG', n_png)):
            if not k: continue
            fs = make_images(base/f'{width}x{height}_{fmt.lower()}', srcs, k, fmt, width, height)
            mb = sum(f.stat().st_size for f in fs)/len(fs)/1e6
            for size in (None, *sizes, sizes):
                step = 'verify' if size is None else 'cache_all_sizes' if isinstance(size, list) else f'cache_{size}'
                cmp = compare(fs[:5], size) if isinstance(size, int) else {}
                for mode, fn in (('full', full_decode), ('reduced', reduced)):
                    with ProcessPoolExecutor(1, mp_context=get_context('fork')) as ex:
                        ms, cpu_ms, peak = ex.submit(_timed, (fn, fs, size)).result()
                    rows.append(dict(format=fmt, images=k, file_mb=round(mb, 2), step=step, mode=mode,
                                     ms_per_image=round(ms, 1), cpu_ms_per_image=round(cpu_ms, 1),
                                     peak_extra_mb=round(peak, 1),
                                     **(cmp if mode == 'reduced' else {})))
                    print(rows[-1])
    finally:
        if tmp: shutil.rmtree(tmp, ignore_errors=True)
    run = record_table('large_images', pd.DataFrame(rows), dict(dataset=dataset, n=n, n_png=n_png, width=width,
                                                                height=height, sizes=sizes), runs_dir)
    print('recorded in', run)

"""How do the time and memory of the copy check grow with the number of images, and does it still find the copies?

Builds datasets of N images (crops of the shared lc25000 and pbc_blood images at random places and scales, 224 px,
split 80/20 into train/test by class), plants copies of some of them made by the positive control's transforms
(notebook 04's `random_copy`: rotation, zoom, stretch, flip, crop, colour change, JPEG), and runs `check_copies` on each
in a separate process, sampling the memory of its whole process tree (the check and its worker processes;
proportional set size, so pages shared between them count once) every 0.2 s (notebook 02's `run_peak`). Prints and
records, per size: wall minutes, peak MB, the share of planted copies found as verified copy pairs, the control recall
and false-positive rate the check reports, its stage times, the machine's load, the machine (`cpu`) and commit it ran
on, and the index the check built (`codes`, `shard`: `build_index`'s defaults). Rows merged from other runs keep
theirs: compare times only between rows of one machine. The datasets are written under `--work` (default: a temporary
folder) and removed after each size. Writes table.csv and run.json to
runs/bench/DATE-TIME-copy_check_cost/; `--add-to` also merges the rows into a committed table (other sizes kept).

    python bench/copy_check_cost.py --sizes 5000 20000            # about 5 and 20 minutes on 2 idle cores
    python bench/copy_check_cost.py --sizes 50000 --add-to results/bench/copy_check_cost
    python bench/copy_check_cost.py --sizes 300 --planted 20      # quick
"""
import os
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
import sys, json, shutil, tempfile, time, inspect
from multiprocessing import Pool
from pathlib import Path
from typing import Annotated
import numpy as np, pandas as pd, cv2
from fastcore.script import call_parse
import cns_tissue
from cns_tissue.config import dataset_path
from cns_tissue.images import image_files
from cns_tissue.duplicates import random_copy, build_index
from cns_tissue.records import record_table, run_peak, add_result, read_json, env_info, git_info

CHECK = """import sys, json, pandas as pd
from cns_tissue.duplicates import check_copies
root, out = sys.argv[1:3]
r = check_copies(root, pd.read_csv(f'{out}/files.csv'), out, n_workers=2, progress=False)
open(f'{out}/summary.json', 'w').write(json.dumps(r, default=str))"""   # the check alone, as `prepare` runs it

def crop(args):
    "Write a random crop (place and scale) of image `src`, shrunk to `size` px, to `dest`"
    src, dest, seed, size = args
    rng, im = np.random.default_rng(seed), cv2.imread(str(src), cv2.IMREAD_COLOR)
    h, w = im.shape[:2]
    s = rng.uniform(0.4, 1.0)*min(h, w)
    x, y = rng.uniform(0, w - s), rng.uniform(0, h - s)
    c = cv2.resize(im[int(y):int(y + s), int(x):int(x + s)], (size, size), interpolation=cv2.INTER_AREA)
    cv2.imwrite(str(dest), c, [cv2.IMWRITE_JPEG_QUALITY, 90])

def make_dataset(root:Path, n:int, planted:int, seed:int=0, size:int=224) -> tuple:
    "`n` crops of the shared images and `planted` copies of random ones in `root`: (files table, planted pairs)"
    srcs = [(d, f) for d in ('lc25000', 'pbc_blood') for f in image_files(dataset_path(d))]
    rng = np.random.default_rng(seed)
    pick = rng.permutation(np.arange(n) % len(srcs))   # each source about n/len(srcs) times, crops at different places
    lab = [f"{srcs[i][0]}_{srcs[i][1].parent.name}" for i in pick]
    split = np.where(rng.random(n) < 0.8, 'train', 'test')
    rel = [f"{s}/{l}/{i:06d}.jpeg" for i, (s, l) in enumerate(zip(split, lab))]
    for d in {str(Path(r).parent) for r in rel}: (root/d).mkdir(parents=True, exist_ok=True)
    with Pool(2) as p: p.map(crop, [(srcs[i][1], root/r, [seed, k], size) for k, (i, r) in enumerate(zip(pick, rel))],
                             chunksize=64)
    pairs = []
    for k, i in enumerate(rng.choice(n, planted, replace=False)):
        im = cv2.cvtColor(cv2.imread(str(root/rel[i])), cv2.COLOR_BGR2RGB)
        b, _ = random_copy(im, np.random.default_rng([seed, n, k]))
        c = f"{'train' if rng.random() < 0.8 else 'test'}/{lab[i]}/planted{k:05d}.jpeg"
        (root/c).write_bytes(b)
        pairs.append((rel[i], c))
    files = pd.DataFrame({'rel': rel + [c for _, c in pairs]})
    files['split'], files['label'] = files.rel.str.split('/').str[0], files.rel.str.split('/').str[1]
    return files, pd.DataFrame(pairs, columns=['a', 'b'])

def measure(work:Path, n:int, planted:int, seed:int) -> dict:
    "Build one dataset, run the check on it in a subprocess; the table row"
    root, out = work/f'images_{n}', work/f'check_{n}'
    out.mkdir(parents=True)
    t = time.time()
    files, pl = make_dataset(root, n, planted, seed)
    files.to_csv(out/'files.csv', index=False)
    made = time.time() - t
    s, peak = run_peak([sys.executable, '-c', CHECK, root, out])
    r = json.loads((out/'summary.json').read_text())
    cp = pd.read_csv(out/'copies.csv')
    found = {frozenset(p) for p in zip(cp.a[cp['copy']], cp.b[cp['copy']])}
    rec = np.mean([frozenset(p) in found for p in zip(pl.a, pl.b)])
    st = r['stage_seconds']
    return dict(images=len(files), planted=planted, minutes=round(s/60, 2), ms_per_image=round(1000*s/len(files), 1),
                peak_mb=round(peak), planted_recall=round(float(rec), 4), control_recall=r['recall'],
                false_positive_rate=r['false_positive_rate'], copy_pairs=r['copy_pairs'],
                **{f'{k}_s': st.get(k) for k in ('features', 'index', 'retrieval', 'verification')},
                load_avg=round(os.getloadavg()[0], 1), dataset_minutes=round(made/60, 2),
                cpu=env_info()['cpu'], commit=(git_info() or {}).get('commit', '')[:7],   # rows of other runs differ
                **{k: inspect.signature(build_index).parameters[k].default for k in ('codes', 'shard')})

def record(table:pd.DataFrame, config:dict, add_to:str=None) -> Path:
    "Record `table` under runs/bench/; with `add_to`, merge it into that committed table (rows of other sizes kept)"
    run = record_table('copy_check_cost', table, config)
    if add_to:
        old = Path(add_to)/'table.csv'
        if old.exists():
            prev = pd.read_csv(old)
            table = pd.concat([prev[~prev.images.isin(table.images)], table])
        table.sort_values('images').to_csv(run/'table.csv', index=False)
        add_result(run, Path(add_to).name, Path(add_to).parent.parent)
    return run

@call_parse
def main(sizes:Annotated[int, dict(nargs='+')]=(5000, 20000, 50000), # images per dataset (crops), smallest first
         planted:int=300, # planted copies per dataset
         seed:int=0, # seed of the crops and the copies
         work:str=None, # folder for the generated datasets (default: a temporary folder); removed after each size
         add_to:str=None, # a committed table folder (e.g. results/bench/copy_check_cost) to merge the new rows into
        ):
    "Print and record the copy check's time, peak memory and planted-copy recall against the number of images"
    sizes = sorted(map(int, sizes if isinstance(sizes, (list, tuple)) else [sizes]))
    pkg = str(Path(cns_tissue.__file__).parent.parent)   # the check's process imports this same package
    os.environ['PYTHONPATH'] = os.pathsep.join([pkg] + [p for p in [os.environ.get('PYTHONPATH')] if p])
    rows, base = [], Path(work or tempfile.gettempdir())
    for n in sizes:
        w = Path(tempfile.mkdtemp(prefix='copy_check_cost_', dir=base))
        try: rows.append(measure(w, n, min(planted, n//4), seed))
        finally: shutil.rmtree(w, ignore_errors=True)
        print(rows[-1], flush=True)
        run = record(pd.DataFrame(rows), dict(sizes=sizes, planted=planted, seed=seed, n_workers=2), add_to)
        print('recorded in', run, flush=True)   # after each size: a long run stopped later keeps what it measured

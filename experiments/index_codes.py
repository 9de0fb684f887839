"""Which codes should the copy check's nearest-neighbour index hold? Replays the retrieval of a prepared dataset's
positive controls (each control copy and its source image query the index, as `check_copies` queries it) with several
faiss indexes built from the same cached features, and records for each: bytes per descriptor, build time, query time
per image, and the share of control pairs that retrieval makes candidates (`retrieved`: verification can only confirm
those). The default (`build_index`: 4-bit codes re-ranked with 8-bit codes of the whole descriptor) was kept on
these figures: smaller codes alone would let one part hold many more descriptors, but retrieve fewer controls. Each index is built from two training samples (seeds): k-means and codebooks vary with the sample, and so
does the share, by a control or two. Writes runs/bench/DATE-TIME-index_codes/ and results/bench/index_codes/.
Usage (after `cns_tissue_prepare lc25000` and `cns_tissue_prepare pbc_blood`, from the repository root):
    python experiments/index_codes.py lc25000 pbc_blood        # about 20 minutes (one core)
"""
import os
os.environ.setdefault('OMP_NUM_THREADS', '1')
import sys, time
from pathlib import Path
import numpy as np, pandas as pd
from cns_tissue.config import cache_path
from cns_tissue.duplicates import _faiss, _take, build_index, query_matches, wgc_votes
from cns_tissue.records import add_result, read_json, record_table

CODES = {'PQ16x4 + 8-bit re-rank (128 d)': 'PQ16x4fsr,Refine(SQ8)', 'PQ16x4': 'PQ16x4fsr', 'PQ32x4': 'PQ32x4fsr'}

def controls(ds):
    "Features, and the (source, control) image ids of a prepared dataset's positive control"
    out = cache_path(ds)
    c, files = read_json(out/'controls.json'), pd.read_csv(out/'files.csv')
    files = files[files.error.isna()].reset_index(drop=True) if 'error' in files else files
    f = {k: np.load(out/'copy_features'/f'{k}.npy', mmap_mode='r') for k in ('kp', 'desc')}
    f['off'] = np.load(out/'copy_features'/'off.npy')
    src = pd.Series(np.arange(len(files)), index=files.rel)[c['control_sources']].values
    return f, src, len(files) + np.arange(len(src))

def index(desc, codes, seed=0):
    "`build_index` with `codes`, in one part, and its build time"
    t = time.time()
    return build_index(desc, seed, shard=len(desc), codes=codes, k_factor=2), time.time() - t   # as it was recorded

def retrieved(ix, f, src, ctl, top=20, min_votes=3):
    "Share of (source, control) pairs among the candidates, and the query seconds per image"
    qs, cand, t = np.sort(np.r_[src, ctl]), [], time.time()
    for run in np.split(qs, np.where(np.diff(qs) != 1)[0] + 1):   # query_matches takes consecutive ids
        for s in range(0, len(run), 50):
            m = query_matches(ix, f['desc'], f['off'], run[s:s+50], nprobe=8)
            ids = np.unique(np.r_[m.kq.values, m.ko.values])
            v = wgc_votes(m.assign(kq=np.searchsorted(ids, m.kq), ko=np.searchsorted(ids, m.ko)), _take(f['kp'], ids))
            cand.append(v[v.votes >= min_votes].sort_values(['q', 'votes'], ascending=[True, False]).groupby('q').head(top))
    secs, c = time.time() - t, pd.concat(cand)
    pairs = set(zip(c.q, c.o))
    return np.mean([(a, b) in pairs or (b, a) in pairs for a, b in zip(src, ctl)]), secs/len(qs)

rows, SEEDS = [], (0, 1)
for ds in sys.argv[1:] or ['lc25000', 'pbc_blood']:
    f, src, ctl = controls(ds)
    for (name, codes), seed in [(o, s) for o in CODES.items() for s in SEEDS]:
        ix, build = index(f['desc'], codes, seed)
        share, per_image = retrieved(ix, f, src, ctl)
        rows.append(dict(dataset=ds, codes=name, seed=seed, factory=f'PCAR32,IVFN,{codes}', descriptors=len(f['desc']),
                         bytes_per_descriptor=round(len(_faiss().serialize_index(ix))/len(f['desc']), 1),
                         build_s=round(build, 1), query_ms_per_image=round(1000*per_image, 1), controls=len(src),
                         retrieved=round(float(share), 3)))
        print(rows[-1], flush=True)
        del ix
factories = {k: f'PCAR32,IVF{{N}},{v}' for k, v in CODES.items()}
run = record_table('index_codes', pd.DataFrame(rows), dict(datasets=sys.argv[1:], factories=factories, seeds=SEEDS, threads=1))
print('recorded in', run, '->', add_result(run, 'index_codes', Path('results')))

"""Where does a query of the copy check's index spend its time, and why does retrieval grow faster than the dataset?

Extracts the check's features (notebook 04's `sift_features`) from the first `n_images` train images of a shared
dataset (the images themselves, shrunk to 256 px as `prepare` caches them), builds the check's index (`build_index`, one
part) on all their descriptors and on half of them, and times, per query descriptor on one thread, the queries
`query_matches` makes (the 400 strongest descriptors of 50 images, as they are and mirrored):
- `search`: the index's own search (PCA, coarse quantiser, fast-scan lists, re-ranking), as each part is searched;
- `coarse`: PCA and the coarse quantiser alone;
- `lists_nprobe_P`: the fast-scan lists alone (`search_preassigned`, the re-ranking's 2 x 20 candidates), probing the
  P nearest lists, or only the nearest (`P` = 1).
If a part's search costs about the same per query whatever its size and however many lists it probes, a query's cost
grows with the number of parts, that is with the dataset (past `shard` descriptors, every part is searched).
Usage: python experiments/fastscan_cost.py lc25000 2500   ->   results/bench/fastscan_cost/{table.csv, run.json}
"""
import os
os.environ.setdefault('OMP_NUM_THREADS', '1')
import sys, time, tempfile
from pathlib import Path
import numpy as np, pandas as pd
from cns_tissue.config import dataset_path, get_settings
from cns_tissue.images import image_files
from cns_tissue.duplicates import _faiss, MIRROR, build_index, feature_cache, rootsift
from cns_tissue.records import write_json, env_info

SQ8 = 'PQ16x4fsr,Refine(SQ8)'   # the check's codes when this was recorded (now: `experiments/index_scale.py`)

def per_query(f, x, repeat=3):
    "Fastest of `repeat` runs of `f(x)`, in microseconds per row of `x`"
    best = np.inf
    for _ in range(repeat):
        t = time.perf_counter()
        f(x)
        best = min(best, time.perf_counter() - t)
    return round(1e6*best/len(x), 2)

def costs(ix, x, nprobe=8, k=20):
    "Microseconds per query of the index's search and of its stages"
    faiss = _faiss()
    ivf = faiss.downcast_index(faiss.extract_index_ivf(ix))
    pca = faiss.downcast_VectorTransform(faiss.downcast_index(ix.base_index).chain.at(0))   # the index is `Refine(...)`
    ivf.nprobe = nprobe
    xp = pca.apply(x)
    Dq, A = ivf.quantizer.search(xp, nprobe)
    row = dict(search=per_query(lambda q: ix.search(q, k), x),
               coarse=per_query(lambda q: ivf.quantizer.search(pca.apply(q), nprobe), x))
    for p in (nprobe, 1):
        A1, D1 = np.where(np.arange(nprobe) < p, A, -1), Dq.copy()
        row[f'lists_nprobe_{p}'] = per_query(lambda q: ivf.search_preassigned(q, 2*k, A1, D1), xp)
    return row

def features(name, n_images):
    "Image files, descriptors (in memory) and offsets of the first `n_images` train images of dataset `name`"
    files = [p for p in image_files(dataset_path(name)) if p.parts[-3] == 'train'][:int(n_images)]
    with tempfile.TemporaryDirectory() as tmp:
        f = feature_cache(files, Path(tmp)/'features', n_workers=2, progress=False, max_size=256)
        return files, np.array(f['desc']), f['off']

def query_rows(off, n=50, n_query=400):
    "Rows of the descriptors `query_matches` queries for the first `n` images (the `n_query` strongest of each)"
    return np.concatenate([np.arange(off[i], min(off[i + 1], off[i] + n_query)) for i in range(n)])

def main(name='lc25000', n_images='2500'):
    faiss, t0 = _faiss(), time.time()
    files, desc, off = features(name, n_images)
    q = desc[query_rows(off)]
    x = rootsift(np.vstack([q, q[:, MIRROR]]))
    rows = []
    for share in (0.5, 1.0):
        d = desc[:int(share*len(desc))]
        ix = build_index(d, 0, shard=len(d), codes=SQ8, k_factor=2)
        rows.append(dict(descriptors=len(d), lists=faiss.extract_index_ivf(ix).nlist, queries=len(x), **costs(ix, x)))
        print(rows[-1], flush=True)
    t = pd.DataFrame(rows)
    dest = get_settings().results_dir/'bench'/'fastscan_cost'
    dest.mkdir(parents=True, exist_ok=True)
    t.to_csv(dest/'table.csv', index=False)
    write_json(dest/'run.json', dict(dataset=name, command=f'python experiments/fastscan_cost.py {name} {n_images}',
                                     images=len(files), threads=1, env=env_info(), seconds=round(time.time() - t0, 1)))
    print(t.to_string(index=False))
    print(dest)

if __name__ == '__main__': main(*sys.argv[1:])

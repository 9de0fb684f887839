"""Could a query of the copy check's index cost the same whatever the dataset size? Two ways to split the index.

A query of `build_index`'s parts costs a fixed time per part (`experiments/fastscan_cost.py`), and the parts are
consecutive runs of descriptors, so every query searches every part. The alternative measured here: parts made of
nearby descriptors (a k-means of the descriptors into `parts` groups, each group its own `build_index` index), and each
query searches only the parts whose centres are nearest to it. For reference, one part holding every descriptor
(memory permitting), re-ranking 2, 8 or 16 times `k` candidates: how much of the split's quality is re-ranking depth;
and the same with smaller re-ranking codes (4-bit per dimension, `SQ4`; 32 bytes of product quantiser, `PQ32`), which
would let a part of the same memory hold more descriptors (`bytes_per_descriptor`: the part's file).
All are built on the same descriptors (the check's features of the first `n_images` train images of a shared dataset)
and queried with the queries `query_matches` makes (400 strongest descriptors of 50 images, as they are and
mirrored), on one thread.
Records per layout: parts searched per query, candidates re-ranked (`k_factor` x 20, per part searched), microseconds
per query, and for the first 4,000 queries the share of their exact 20 nearest neighbours found (`recall_at_20`) and
the share whose nearest neighbour is found (`nn1_found`; the query descriptor itself not counted).
Usage: python experiments/index_layout.py lc25000 2500 8   ->   results/bench/index_layout/{table.csv, run.json}
"""
import os
os.environ.setdefault('OMP_NUM_THREADS', '1')
import sys, time, tempfile
from pathlib import Path
import numpy as np, pandas as pd
from cns_tissue.config import get_settings
from cns_tissue.duplicates import _faiss, _search, MIRROR, build_index, rootsift
from cns_tissue.records import write_json, env_info
from fastscan_cost import features, query_rows, SQ8   # the same features, queries and codes as that experiment

def exact(desc, q, k=21, chunk=1_000_000):
    "Ids of the `k` exact nearest neighbours (RootSIFT, L2) of SIFT descriptors `q` among `desc` (2 threads)"
    faiss = _faiss()
    fl = faiss.IndexFlatL2(128)
    for s in range(0, len(desc), chunk):   # converted a chunk at a time
        fl.add(rootsift(desc[s:s + chunk]))
    faiss.omp_set_num_threads(2)
    try: return fl.search(rootsift(q), k)[1]
    finally: faiss.omp_set_num_threads(1)

def scores(I, truth, qid):
    "Share of the 20 exact nearest neighbours found, and of queries whose nearest is found (the query not counted)"
    I, T = ([r[r != i] for r, i in zip(x, qid)] for x in (I, truth))
    return (round(float(np.mean([len(set(a) & set(b[:20]))/20 for a, b in zip(I, T)])), 4),
            round(float(np.mean([b[0] in set(a) for a, b in zip(I, T)])), 4))

def nearby_parts(desc, n_parts, tmp):
    "Centres of a k-means of `desc` (RootSIFT) into `n_parts`, and per part its `build_index` index and row numbers"
    km = _faiss().Kmeans(128, n_parts, niter=10, seed=0)
    km.train(rootsift(desc[np.random.default_rng(0).choice(len(desc), 100_000, replace=False)]))
    part = km.index.search(rootsift(desc), 1)[1].ravel()
    rows = [np.nonzero(part == p)[0] for p in range(n_parts)]
    return km.centroids, [(build_index(desc[r], 0, shard=len(r), codes=SQ8, k_factor=2, folder=Path(tmp)/f'near{p}'), r)
                          for p, r in enumerate(rows)]

def search_nearby(centres, parts, q, n_search, k_factor=2, k=20, nprobe=8):
    "Ids of the `k` nearest neighbours of `q`, each query searching the `n_search` parts with the nearest centres"
    faiss = _faiss()
    near = faiss.knn(rootsift(q), centres, n_search)[1]
    D, I = np.full((len(q), k), np.inf, np.float32), np.full((len(q), k), -1)
    for p, ([path], rows) in enumerate(parts):
        sel = np.nonzero((near == p).any(1))[0]
        if not len(sel): continue
        ix = faiss.read_index(str(path))
        ix.k_factor = k_factor   # candidates re-ranked, as a multiple of k (`build_index`: 2)
        faiss.extract_index_ivf(ix).nprobe = nprobe
        d, i = ix.search(rootsift(q[sel]), k)
        d, i = np.hstack([D[sel], d]), np.hstack([I[sel], np.where(i >= 0, rows[np.maximum(i, 0)], -1)])
        o = np.argsort(d, 1, kind='stable')[:, :k]
        D[sel], I[sel] = np.take_along_axis(d, o, 1), np.take_along_axis(i, o, 1)
    return I

def timed(f):
    "`f()` and its seconds"
    t = time.perf_counter()
    r = f()
    return r, time.perf_counter() - t

def main(name='lc25000', n_images='2500', n_parts='8'):
    t0, n_parts = time.time(), int(n_parts)
    files, desc, off = features(name, n_images)
    with tempfile.TemporaryDirectory() as tmp:
        qid = query_rows(off)
        q = np.vstack([desc[qid], desc[qid][:, MIRROR]])
        qid = np.r_[qid, np.full(len(qid), -1)][:4000]   # the mirrored queries are not in the index
        truth = exact(desc, q[:4000])
        rows, (parts, build) = [], timed(lambda: build_index(desc, 0, shard=-(-len(desc)//n_parts), codes=SQ8,
                                                              k_factor=2, folder=Path(tmp)/'rows'))
        I, s = timed(lambda: _search(parts, q, 20, 8, 1)[1])
        rows.append(dict(layout='consecutive descriptors (build_index)', parts=len(parts), parts_searched=len(parts),
                         k_factor=int(_faiss().read_index(str(parts[0])).k_factor), us_per_query=round(1e6*s/len(q), 1),
                         **dict(zip(('recall_at_20', 'nn1_found'), scores(I[:4000], truth, qid))),
                         build_s=round(build, 1)))
        print(rows[-1], flush=True)
        for refine, kfs in (('SQ8', (2, 8, 16)), ('SQ4', (16,)), ('PQ32', (16,))):
            # one part holding every descriptor: how much of the quality is re-ranking depth, and with smaller codes?
            whole = build_index(desc, 0, shard=len(desc), codes=f'PQ16x4fsr,Refine({refine})',
                                folder=Path(tmp)/f'one{refine}')
            size = Path(whole[0]).stat().st_size/len(desc)
            for kf in kfs:
                one = [(whole, np.arange(len(desc)))]   # a single "nearby" part: every query searches it
                I, s = timed(lambda: search_nearby(np.zeros((1, 128), np.float32), one, q, 1, kf))
                rows.append(dict(layout=f'one part (all descriptors), re-ranked with {refine}', parts=1,
                                 parts_searched=1, k_factor=kf, us_per_query=round(1e6*s/len(q), 1),
                                 **dict(zip(('recall_at_20', 'nn1_found'), scores(I[:4000], truth, qid))),
                                 bytes_per_descriptor=round(size, 1), build_s=None))
                print(rows[-1], flush=True)
        (centres, near), build = timed(lambda: nearby_parts(desc, n_parts, tmp))
        for n_search, kf in ((1, 2), (2, 2), (2, 8), (3, 8)):
            I, s = timed(lambda: search_nearby(centres, near, q, n_search, kf))
            rows.append(dict(layout='nearby descriptors (k-means)', parts=n_parts, parts_searched=n_search,
                             k_factor=kf, us_per_query=round(1e6*s/len(q), 1),
                             **dict(zip(('recall_at_20', 'nn1_found'), scores(I[:4000], truth, qid))),
                             build_s=round(build, 1)))
            print(rows[-1], flush=True)
    t = pd.DataFrame(rows)
    dest = get_settings().results_dir/'bench'/'index_layout'
    dest.mkdir(parents=True, exist_ok=True)
    t.to_csv(dest/'table.csv', index=False)
    write_json(dest/'run.json', dict(dataset=name, images=len(files), descriptors=len(desc), queries=len(q),
                                     command=f'python experiments/index_layout.py {name} {n_images} {n_parts}',
                                     threads=1, env=env_info(), seconds=round(time.time() - t0, 1)))
    print(t.to_string(index=False))
    print(dest)

if __name__ == '__main__': main(*sys.argv[1:])

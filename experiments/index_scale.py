"""Which index should the copy check build once a dataset outgrows one part? The split against one larger part.

`build_index` used to fill parts of 2 million descriptors re-ranked with 8-bit codes of the whole descriptor (`SQ8`, 144
bytes per descriptor), so that memory held one part at a time, and every query searched every part: a query's cost grew
with the dataset (`experiments/fastscan_cost.py`). Re-ranked with 32 bytes of product quantiser (`PQ32`, 48 bytes per
descriptor) a part three times smaller in memory holds every descriptor of tens of thousands of images. Measured here on
the check's features of every image of both shared datasets (lc25000 and pbc_blood, shrunk to 256 px as `prepare` caches
them): the split of 2-million parts (`SQ8`, 2 x 20 candidates re-ranked per part, 8 lists visited) against one part
holding all descriptors, re-ranked with `PQ32` (or `SQ8`, for reference), 8 or 16 times 20 candidates, 8 or 16 lists.
Queries as `query_matches` makes them (the 400 strongest descriptors of 50 images spread over the datasets, as they are
and mirrored), one thread. Records per index: microseconds per query, bytes per descriptor (the part's file), and for
4,000 queries the share of their exact 20 nearest neighbours found (`recall_at_20`) and of queries whose nearest is
found (`nn1_found`; the query itself not counted).
`build_index` now uses `PQ32np`: the same codes, without faiss's slow polysemous training (which reorders the codes to
serve Hamming-distance filtering, unused here; the distances are the same).
Usage: python experiments/index_scale.py   ->   results/bench/index_scale/{table.csv, run.json}   (about 9 minutes)
"""
import os
os.environ.setdefault('OMP_NUM_THREADS', '1')
import sys, time, tempfile
from pathlib import Path
import numpy as np, pandas as pd
from cns_tissue.config import dataset_path, get_settings
from cns_tissue.images import image_files
from cns_tissue.duplicates import _faiss, _search, MIRROR, build_index, feature_cache
from cns_tissue.records import write_json, env_info
from index_layout import exact, scores, timed   # the same reference and scores as that experiment
from fastscan_cost import SQ8   # the check's former codes

def main():
    t0, faiss = time.time(), _faiss()
    files = [p for d in ('lc25000', 'pbc_blood') for p in image_files(dataset_path(d))]
    with tempfile.TemporaryDirectory() as tmp:
        f = feature_cache(files, Path(tmp)/'features', n_workers=2, progress=False, max_size=256)
        desc, off = np.array(f['desc']), f['off']
        imgs = np.linspace(0, len(files) - 1, 50).astype(int)
        qid = np.concatenate([np.arange(off[i], min(off[i + 1], off[i] + 400)) for i in imgs])
        q = np.vstack([desc[qid], desc[qid][:, MIRROR]])
        sel = np.r_[np.arange(2000), len(qid) + np.arange(2000)]   # 2,000 queries as they are, 2,000 mirrored
        truth, qs = exact(desc, q[sel]), np.r_[qid[:2000], np.full(2000, -1)]   # mirrored: not in the index
        rows = []
        def row(index, parts, kf, nprobe, size, I, s):
            rows.append(dict(index=index, parts=parts, k_factor=kf, nprobe=nprobe, us_per_query=round(1e6*s/len(q), 1),
                             **dict(zip(('recall_at_20', 'nn1_found'), scores(I[sel], truth, qs))),
                             bytes_per_descriptor=round(size, 1)))
            print(rows[-1], flush=True)
        # the split as the check built it: 2 x 20 candidates re-ranked per part
        split = build_index(desc, 0, shard=2_000_000, codes=SQ8, k_factor=2, folder=Path(tmp)/'split')
        size = sum(Path(p).stat().st_size for p in split)/len(desc)
        I, s = timed(lambda: _search(split, q, 20, 8, 1)[1])
        row('parts of 2 million, SQ8', len(split), 2, 8, size, I, s)
        for refine, settings in (('PQ32', ((8, 8), (16, 8), (8, 16), (16, 16))), ('SQ8', ((8, 8), (8, 16)))):
            [one] = build_index(desc, 0, shard=len(desc), codes=f'PQ16x4fsr,Refine({refine})', folder=Path(tmp)/refine)
            ix = faiss.read_index(str(one))
            for kf, nprobe in settings:
                ix.k_factor = kf
                I, s = timed(lambda: _search([ix], q, 20, nprobe, 1)[1])
                row(f'one part, {refine}', 1, kf, nprobe, Path(one).stat().st_size/len(desc), I, s)
            del ix
    t = pd.DataFrame(rows)
    dest = get_settings().results_dir/'bench'/'index_scale'
    dest.mkdir(parents=True, exist_ok=True)
    t.to_csv(dest/'table.csv', index=False)
    write_json(dest/'run.json', dict(datasets=['lc25000', 'pbc_blood'], images=len(files), descriptors=len(desc),
                                     lists_one_part=int(np.clip(2**round(np.log2(np.sqrt(len(desc)))), 16, 16384)),
                                     queries=len(q), command='python experiments/index_scale.py', threads=1,
                                     env=env_info(), seconds=round(time.time() - t0, 1)))
    print(t.to_string(index=False))
    print(dest)

if __name__ == '__main__': main()

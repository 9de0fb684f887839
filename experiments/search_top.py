"""How many candidates of each low-texture image should get the keypoint-free search (`search_top`)?

Runs the copy check of a prepared dataset (notebook 04's stages, as `check_copies` runs them: controls, features from
the cache, index, retrieval) once, then verifies the candidates with each `search_top` and records, per value, the
control recall, the false-positive rate, the threshold, the pairs searched and the verification seconds. The default
is the smallest value that reaches the recall target without raising the false-positive rate above 0.5%.
Needs `cns_tissue_prepare NAME`.
Usage: python experiments/search_top.py pbc_blood 2 8 20   ->   results/bench/search_top_NAME/{table.csv, run.json}
"""
import sys, time, tempfile, inspect
from pathlib import Path
import numpy as np, pandas as pd
from cns_tissue.config import cache_path, get_settings
from cns_tissue.duplicates import (feature_cache, build_index, retrieve, verify_candidates, _controls, _report,
                                   _searchable, SEARCH_KP)
from cns_tissue.records import write_json, env_info, PeakMemory

def main(name, *tops):
    out, t0, cfg = cache_path(name), time.time(), get_settings()
    root = out/str(max(cfg.sizes))   # the images the check reads, as `prepare` passes them
    share = inspect.signature(verify_candidates).parameters['search_share'].default
    files = pd.read_csv(out/'files.csv')
    files = files[files.error.isna()].reset_index(drop=True)
    rows = []
    with PeakMemory() as mem, tempfile.TemporaryDirectory(dir=out, prefix='copy_work') as work:
        cpaths, src, _ = _controls(root, files, out, 200, 0)
        paths = [root/r for r in files.rel] + cpaths
        f = feature_cache(paths, out/'copy_features', 2, False, max_size=256)
        ix = build_index(f['desc'], 0, n_threads=2, folder=Path(work)/'index')
        labels = np.r_[files.label.values, [None]*len(cpaths)].astype(object)
        t = time.time()
        cand, mt = retrieve(ix, f, labels, progress=False, n_threads=2, folder=Path(work)/'matches')
        t_retrieval = time.time() - t
        for top in map(int, tops):
            t = time.time()
            v = verify_candidates(cand, mt, f['kp'], paths, 2, False, n_kp=f['n_kp'], search_top=top)
            s = time.time() - t
            thr, ctl, _ = _report(v, files, src, {})
            rows.append(dict(search_top=top, recall=ctl['recall'], false_positive_rate=ctl['false_positive_rate'],
                             threshold=round(thr, 4), retrieved=ctl['retrieved'],
                             searched=len(_searchable(cand, f["n_kp"], SEARCH_KP, top, int(share*len(paths)))),
                             low_texture_images=int((f['n_kp'] < SEARCH_KP).sum()), verification_s=round(s, 1)))
            print(rows[-1], flush=True)
    t = pd.DataFrame(rows)
    dest = cfg.results_dir/'bench'/f'search_top_{name}'
    dest.mkdir(parents=True, exist_ok=True)
    t.to_csv(dest/'table.csv', index=False)
    write_json(dest/'run.json', dict(dataset=name, command=f"python experiments/search_top.py {name} {' '.join(tops)}",
                                     env=env_info(), seconds=round(time.time() - t0, 1),
                                     retrieval_s=round(t_retrieval, 1), peak_mb=round(mem.peak_mb),
                                     candidate_pairs=len(cand)))
    print(t.to_string(index=False))
    print(dest)

if __name__ == '__main__': main(*sys.argv[1:])

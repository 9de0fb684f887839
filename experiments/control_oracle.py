"""Why the copy check misses some controls: their descriptors, computed where the exact map puts the source's keypoints.

For each positive control of a prepared dataset (notebook 04: a train image copied through a known random affine map),
the source's own SIFT keypoints that the map places inside the copy are described in the copy at the mapped place and
scale, at 36 orientations (and mirrored), and compared with the source's descriptors (RootSIFT, L2). This is the best
any keypoint detector could do on the copy: if even these descriptors are far from the source's, no local-feature
retrieval finds the pair. Needs `cns_tissue_prepare NAME` (its controls.json with each control's fate).
Usage: python experiments/control_oracle.py pbc_blood   ->   results/bench/control_oracle_NAME/{table.csv, run.json}
"""
import sys, json, time
from pathlib import Path
import numpy as np, pandas as pd, cv2
from cns_tissue.config import cache_path, get_settings
from cns_tissue.duplicates import gray, MIRROR, rootsift
from cns_tissue.records import write_json, env_info

def oracle(gc, K, Ds, A, border=8):
    "Source keypoints K (descriptors Ds) mapped by A into copy gc: (inside, nearest right, ratio < 0.8, median dist)"
    M = A[:, :2]
    P, z = K[:, :2] @ M.T + A[:, 2], np.sqrt(abs(np.linalg.det(M)))
    h, w = gc.shape
    inside = np.where((P[:, 0] > border) & (P[:, 1] > border) & (P[:, 0] < w - border) & (P[:, 1] < h - border))[0]
    if not len(inside): return 0, 0, 0, np.nan
    best, sift = np.full((len(inside), len(K)), np.inf, np.float32), cv2.SIFT_create()
    for ang in range(0, 360, 10):   # one call per orientation, all keypoints at once; class_id tracks each
        kps = [cv2.KeyPoint(float(P[j, 0]), float(P[j, 1]), float(K[j, 2]*z), float(ang), 0, 0, int(r))
               for r, j in enumerate(inside)]
        kps, d = sift.compute(gc, kps)
        if d is None or not len(kps): continue
        rows = np.array([k.class_id for k in kps])
        d = rootsift(d)
        for dd in (d, d[:, MIRROR]):
            dist = np.linalg.norm(dd[:, None] - Ds[None], axis=2)
            best[rows] = np.minimum(best[rows], dist)
    own = best[np.arange(len(inside)), inside]
    other = np.where(np.arange(len(K))[None] == inside[:, None], np.inf, best).min(1)
    right = own < other
    return len(inside), int(right.sum()), int((right & (own < 0.8*other)).sum()), float(np.median(own))

def main(name):
    out, t0 = cache_path(name), time.time()
    files, ctl = pd.read_csv(out/'files.csv'), json.loads((out/'controls.json').read_text())
    if 'control_retrieved' not in ctl:
        sys.exit(f"{out/'controls.json'}: no control fates (run cns_tissue_prepare {name} --recheck)")
    f = out/'copy_features'
    off, nk = np.load(f/'off.npy'), np.load(f/'n_kp.npy')
    kp, desc = np.load(f/'kp.npy', mmap_mode='r'), np.load(f/'desc.npy', mmap_mode='r')
    src = pd.Series(np.arange(len(files)), index=files.rel)[ctl['control_sources']].values
    rows = []
    for i, (s, p) in enumerate(zip(src, ctl['control_params'])):
        K, Ds = np.asarray(kp[off[s]:off[s] + nk[s]]), rootsift(desc[off[s]:off[s] + nk[s]])
        n_in, right, ratio, med = oracle(gray(out/f'controls/{i:04d}.jpeg'), K, Ds, np.array(p['A']))
        sc = ctl['control_scores'][i]
        rows.append(dict(control=i, zoom=round(p['zoom'], 2), stretch=round(p['stretch'], 2),
                         overlap=round(p['overlap'], 2), kp_copy=int(nk[len(files) + i]), kp_source=int(nk[s]),
                         source_kp_inside=n_in, nearest_right=right, ratio_ok=ratio, median_distance=round(med, 3),
                         retrieved=ctl['control_retrieved'][i],
                         found=sc is not None and sc == sc and sc >= ctl['threshold']))
    t = pd.DataFrame(rows)
    dest = get_settings().results_dir/'bench'/f'control_oracle_{name}'
    dest.mkdir(parents=True, exist_ok=True)
    t.to_csv(dest/'table.csv', index=False)
    write_json(dest/'run.json', dict(dataset=name, command=f'python experiments/control_oracle.py {name}',
                                     env=env_info(), seconds=round(time.time() - t0, 1), recall=ctl['recall'],
                                     retrieved=ctl['retrieved']))
    cols = ['kp_copy', 'source_kp_inside', 'nearest_right', 'ratio_ok', 'median_distance']
    print(t.groupby('retrieved')[cols].median())
    print(dest)

if __name__ == '__main__': main(sys.argv[1] if len(sys.argv) > 1 else get_settings().dataset)

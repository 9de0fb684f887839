"""Recompute the accuracy intervals of finished runs from their own per-image predictions, after a change to how
intervals are computed (`results.bootstrap_ci`); nothing is predicted again. Rewrites metrics.json in each run folder
(the previous one kept as metrics.before_rescore.json); then re-add the run with `cns_tissue_results add RUN --name NAME`.
Usage: python experiments/rescore.py RUN...   (from the repository root)"""
import sys, json, shutil
from pathlib import Path
from cns_tissue.dataloaders import group_of, dedup_list
from cns_tissue.records import read_preds, read_json, write_json
from cns_tissue.inference import score_split

for run in map(Path, sys.argv[1:]):
    m, classes = read_json(run/'metrics.json'), read_json(run/'model.json')['classes']
    root = Path(read_preds(run, 'test').file[0]).parents[2]          # SIZE/ folder of the cache: SIZE/test/CLASS/file
    groups, dedup = group_of(root), dedup_list(root)
    new = {}
    for split in ('valid', 'test'):
        df = read_preds(run, split)
        files, plain = df.file.tolist(), df[[f'p_{c}' for c in classes]].values
        tta = df[[f'pt_{c}' for c in classes]].values if f'pt_{classes[0]}' in df else None
        r = score_split(split, files, classes, plain, tta, dedup if 'test_dedup_n' in m else None, groups)[0]
        r.pop('per_class', None); new.update(r)
    changed = {k: (m.get(k), v) for k, v in new.items() if m.get(k) != v and not (isinstance(v, tuple) and list(v) == m.get(k))}
    assert all(k.endswith('_ci') for k in changed), f"{run}: accuracies differ from the record: {changed}"
    if not (run/'metrics.before_rescore.json').exists(): shutil.copy(run/'metrics.json', run/'metrics.before_rescore.json')
    write_json(run/'metrics.json', {**m, **{k: list(v) if isinstance(v, tuple) else v for k, v in new.items()}, 'intervals_recomputed_by': 'experiments/rescore.py'})
    print(run, json.dumps(changed))

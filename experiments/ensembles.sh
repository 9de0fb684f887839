#!/usr/bin/env bash
# Ensemble members trained on the same split as the main runs (same seed and valid_pct), then the ensembles chosen on
# validation (notebook 17) for lite0 + MobileNetV2 and lite0 + cellnet on each dataset.
cd "$(dirname "$0")"
# members already in results/ are not trained again. pbc_blood's cellnet member is scratch.sh's pbc_blood_scratch recipe,
# holding out exactly the lite0 run's validation images (--valid-from): the dataset was prepared again after the lite0 run,
# and a re-prepare can change the copy groups that a drawn split follows. The ensembles are chosen and scored from the
# members' recorded probabilities.
[ -d ../results/lc25000/lc25000_mobilenet_v2 ] || bash run.sh lc25000_mobilenet_v2 cns_tissue_train --dataset lc25000 --arch mobilenet_v2
[ -d ../results/pbc_blood/pbc_blood_mobilenet_v2 ] || bash run.sh pbc_blood_mobilenet_v2 cns_tissue_train --dataset pbc_blood --arch mobilenet_v2 --crop 0.7 --schedule 96:4,128:3,160:5
[ -d ../results/lc25000/lc25000_cellnet ] || bash run.sh lc25000_cellnet cns_tissue_train --dataset lc25000 --arch cellnet --schedule 128:12
[ -d ../results/pbc_blood/pbc_blood_cellnet ] || bash run.sh pbc_blood_cellnet cns_tissue_train --dataset pbc_blood --arch cellnet \
  --crop 0.7 --schedule 96:8,128:8,160:6 --lr 1e-2 --label-smoothing 0.1 --valid-from results/pbc_blood/pbc_blood_main
cd ..
python - <<'PY'
import json
from pathlib import Path
from cns_tissue.records import add_result
from cns_tissue.ensemble import ensemble
run = lambda ds, name: Path(f'results/{ds}/{name}')      # a committed result: its recorded probabilities are enough
for ds, lite, others in (('lc25000', 'lc25000_main', ('lc25000_mobilenet_v2', 'lc25000_cellnet')),
                         ('pbc_blood', 'pbc_blood_main', ('pbc_blood_mobilenet_v2', 'pbc_blood_cellnet'))):
    for o in others:
        if not Path(f'results/{ds}/{o}').exists(): print('missing member', o); continue
        name = f"ensemble_lite0_{json.load(open(f'results/{ds}/{o}/run.json'))['config']['arch']}"
        if Path(f'results/{ds}/{name}').exists(): print('already recorded', name); continue
        e = ensemble([run(ds, lite), run(ds, o)], max_size=2)
        print(ds, o, add_result(e['run'], name), {k: e['metrics'][k] for k in ('valid_acc', 'test_acc_tta', 'weights')})
PY

#!/usr/bin/env bash
# Data-parallel parity on pbc_blood (issue 32): one short recipe trained twice on this machine's CPU -- 1 process with 2
# threads, then 2 processes with 1 thread each (torchrun, gloo; --bs is the batch of all processes together, so both
# follow the same optimisation) -- and their test accuracies (with intervals), wall times and training throughput put
# side by side in one record (results/bench/parity; notebook 14 prints it). The recipe is short (300 images per class,
# four epochs, no TTA) so that each run takes about 10 minutes on 2 cores.
# Usage: bash experiments/parity.sh [1x2|2x1|table]   (default: both runs, one after the other, then the table)
# On N GPUs of one machine: torchrun --nproc_per_node N --no-python cns_tissue_train OPTIONS
cd "$(dirname "$0")"
opts="--dataset pbc_blood --crop 0.7 --schedule 96:2,128:2 --n-per-class 300 --bs 64 --precision fp32 --num-workers 0 --no-tta"
want() { [ -z "${1:-}" ] || [ "$1" = "$2" ]; }
want "${1:-}" 1x2 && OMP_NUM_THREADS=2 bash run.sh pbc_blood_parity_1x2 cns_tissue_train $opts
want "${1:-}" 2x1 && OMP_NUM_THREADS=1 bash run.sh pbc_blood_parity_2x1 torchrun --nproc_per_node 2 --no-python cns_tissue_train $opts
want "${1:-}" table && (cd .. && python - "$opts" "${PARITY_NOTES:-}" <<'PY'
import sys, json
from pathlib import Path
import pandas as pd
from cns_tissue.records import record_table, add_result, read_json
rows = []
for name, setup in (('1x2', '1 process x 2 threads'), ('2x1', '2 processes x 1 thread')):
    f = Path('results/pbc_blood')/f'pbc_blood_parity_{name}'
    r, m, h = read_json(f/'run.json'), read_json(f/'metrics.json'), pd.read_csv(f/'history.csv')
    imgs = r['data']['n_train']*len(h)   # training images seen (every epoch sees the training set once)
    rows.append(dict(setup=setup, processes=r.get('launch', {}).get('world_size', 1), test_acc=m['test_acc'],
                     test_ci_lo=m['test_acc_ci'][0], test_ci_hi=m['test_acc_ci'][1], valid_acc=m['valid_acc'],
                     train_s=r['seconds']['train'], total_s=r['seconds']['total'],
                     train_img_s=round(imgs/r['seconds']['train'], 1), result=f.name))
t = pd.DataFrame(rows)
t['speedup'] = (t.train_s[0]/t.train_s).round(2)
notes = sys.argv[2] or 'the machine was shared with other jobs while these ran: times are indicative, the ratio more than the values'
run = record_table('parity', t, dict(options=sys.argv[1], notes=notes,
                                      commands=['OMP_NUM_THREADS=2 cns_tissue_train OPTIONS',
                                                'OMP_NUM_THREADS=1 torchrun --nproc_per_node 2 --no-python cns_tissue_train OPTIONS']))
add_result(run, 'parity')
print(t.to_string(index=False))
PY
)
exit 0

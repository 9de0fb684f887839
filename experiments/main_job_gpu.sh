#!/usr/bin/env bash
# The README's main job trained on a GPU machine: cns_tissue_train with its defaults (precision auto: bf16 or fp16 on
# CUDA), on the cache that cns_tissue_prepare wrote (run prepare there, or copy cache/DATASET/ from the CPU machine that
# ran it: the copy check runs on CPUs). Records: the run (results/DATASET/DATASET_main_gpu/) plus commands.json.
set -euo pipefail
cd "$(dirname "$0")/.."
ds=$(python -c "from cns_tissue.config import get_settings; print(get_settings().dataset)")
mkdir -p runs/logs
t0=$(date +%s.%N); cns_tissue_train > runs/logs/main_gpu_train.log 2>&1; t1=$(date +%s.%N)
run=$(sed -n 's/^model and records written to //p' runs/logs/main_gpu_train.log | tail -1)
out=$(cns_tissue_results add "$run" --name "${ds}_main_gpu")
python - "$out" "$t0" "$t1" <<'PY'
import sys
from cns_tissue.records import write_json, env_info
out, t0, t1 = sys.argv[1], *map(float, sys.argv[2:])
write_json(f'{out}/commands.json',
           dict(commands=[dict(command='cns_tissue_train', seconds=round(t1 - t0, 1))], env=env_info()))
print(out, round((t1 - t0)/60, 1), 'min')
PY

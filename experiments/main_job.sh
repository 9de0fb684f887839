#!/usr/bin/env bash
# The README's first command, timed on a fresh cache of the default dataset: cns_tissue_prepare, then cns_tissue_train.
# Records: the run (results/DATASET/DATASET_main/) plus commands.json (wall seconds of each command, the machine).
# On a GPU machine: `PREPARE=0 NAME=lc25000_main_gpu bash experiments/main_job.sh` trains on the cache prepared on a CPU
# machine (copied to cache/DATASET/: the copy check is CPU work) and records only cns_tissue_train.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
ds=$(python -c "from cns_tissue.config import get_settings; print(get_settings().dataset)")
mkdir -p runs/logs
t0=$(date +%s.%N)
if [ "${PREPARE:-1}" = 1 ]; then rm -rf "cache/$ds"; cns_tissue_prepare > runs/logs/main_prepare.log 2>&1; fi
t1=$(date +%s.%N)
cns_tissue_train > runs/logs/main_train.log 2>&1; t2=$(date +%s.%N)
run=$(sed -n 's/^model and records written to //p' runs/logs/main_train.log | tail -1)
out=$(cns_tissue_results add "$run" --name "${NAME:-${ds}_main}")
python - "$out" "${PREPARE:-1}" "$t0" "$t1" "$t2" <<'PY'
import sys, json
from cns_tissue.records import write_json, env_info
out, prepared, t0, t1, t2 = sys.argv[1], sys.argv[2] == '1', *map(float, sys.argv[3:])
cmds = [dict(command='cns_tissue_prepare', seconds=round(t1 - t0, 1))] if prepared else []
cmds.append(dict(command='cns_tissue_train', seconds=round(t2 - t1, 1)))
write_json(f'{out}/commands.json', dict(commands=cmds, env=env_info()))
print(out, round((t2 - t0)/60, 1), 'min')
PY

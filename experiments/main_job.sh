#!/usr/bin/env bash
# The README's first command, timed on a fresh cache of the default dataset: cns_tissue_prepare, then cns_tissue_train.
# Records: the run (results/lc25000/lc25000_main/) plus commands.json (wall seconds of each command, the machine).
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
ds=$(python -c "from cns_tissue.config import get_settings; print(get_settings().dataset)")
rm -rf "cache/$ds"; mkdir -p runs/logs
t0=$(date +%s.%N); cns_tissue_prepare > runs/logs/main_prepare.log 2>&1; t1=$(date +%s.%N)
cns_tissue_train > runs/logs/main_train.log 2>&1; t2=$(date +%s.%N)
run=$(sed -n 's/^model and records written to //p' runs/logs/main_train.log | tail -1)
out=$(cns_tissue_results add "$run" --name "${ds}_main")
python - "$out" "$t0" "$t1" "$t2" <<'PY'
import sys, json
from cns_tissue.records import write_json, env_info
out, t0, t1, t2 = sys.argv[1], *map(float, sys.argv[2:])
write_json(f'{out}/commands.json', dict(commands=[dict(command='cns_tissue_prepare', seconds=round(t1 - t0, 1)),
                                                  dict(command='cns_tissue_train', seconds=round(t2 - t1, 1))], env=env_info()))
print(out, round((t2 - t0)/60, 1), 'min')
PY

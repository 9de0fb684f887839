#!/usr/bin/env bash
# One experiment run: train with the given options (a new run folder under runs/DATASET/), then copy its records to
# results/DATASET/NAME. Usage: bash experiments/run.sh NAME cns_tissue_train options...
# Runs go one after another (the CPU is shared); each run's configuration and machine are in its run.json.
set -uo pipefail
name=$1; shift
cd "$(dirname "$0")/.."
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
mkdir -p runs/logs; log=runs/logs/$name.log
"$@" > "$log" 2>&1 || { echo "FAILED $name (log: $log)"; exit 1; }
run=$(sed -n 's/^model and records written to //p' "$log" | tail -1)
cns_tissue_results add "$run" --name "$name" > /dev/null
echo "done $name ($run): $(python -c "import json;m=json.load(open('$run/metrics.json'));print({k:m[k] for k in ('valid_acc','test_acc','test_acc_tta','valid_macro_f1','test_macro_f1','test_macro_f1_tta') if k in m})")"

#!/usr/bin/env bash
# pbc_blood test accuracy against training time: the README recipe (pbc_recipe.sh) on an otherwise idle CPU (about 20
# minutes of training here), then the same recipe run longer, with more epochs and larger final sizes (about 40 and 60
# minutes). Every run holds out the same validation images as pbc_blood_main (--valid-from), so the points are chosen
# between on one validation set. Each run's minutes and machine are in its record; notebook 14 tabulates and plots them.
# Usage: bash experiments/pbc_time.sh [20|40|60]   (default: all three, one after the other)
cd "$(dirname "$0")"
main=results/pbc_blood/pbc_blood_main   # relative to the repository root, where run.sh runs
opts="--dataset pbc_blood --crop 0.7 --valid-from $main"
want() { [ -z "${1:-}" ] || [ "$1" = "$2" ]; }
want "${1:-}" 20 && bash run.sh pbc_blood_20min cns_tissue_train $opts --schedule 96:4,128:3,160:5
want "${1:-}" 40 && bash run.sh pbc_blood_40min cns_tissue_train $opts --schedule 96:4,128:4,160:4,192:6
want "${1:-}" 60 && bash run.sh pbc_blood_60min cns_tissue_train $opts --schedule 96:4,128:4,160:6,224:6
exit 0

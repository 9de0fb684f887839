#!/usr/bin/env bash
# pbc_blood test accuracy against training time: the README recipe (pbc_recipe.sh, record pbc_blood_main) run longer,
# with more epochs and larger final sizes (about 40 and 60 minutes of training here). Every run holds out the same
# validation images as pbc_blood_main (--valid-from), so the points are chosen between on one validation set. Each
# run's minutes and machine are in its record; notebook 03a tabulates test accuracy against them.
# Usage: bash experiments/pbc_time.sh [40|60]   (default: both, one after the other)
cd "$(dirname "$0")"
main=results/pbc_blood/pbc_blood_main
[ "${1:-40}" = 40 ] && bash run.sh pbc_blood_40min cns_tissue_train --dataset pbc_blood --crop 0.7 --valid-from $main --schedule 96:4,128:4,160:4,192:6
[ "${1:-60}" = 60 ] && bash run.sh pbc_blood_60min cns_tissue_train --dataset pbc_blood --crop 0.7 --valid-from $main --schedule 96:4,128:4,160:6,224:6
exit 0

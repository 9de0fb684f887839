#!/usr/bin/env bash
# pbc_blood test accuracy against training time: the README recipe (about 20 minutes here, pbc_recipe.sh) run longer --
# more epochs and larger final sizes (40 minutes), and a larger backbone at the largest size (60 minutes). Each run's
# minutes and machine are in its record; notebook 03a plots test accuracy against them.
cd "$(dirname "$0")"
bash run.sh pbc_blood_40min cns_tissue_train --dataset pbc_blood --crop 0.7 --schedule 96:4,128:4,160:4,192:6
bash run.sh pbc_blood_60min cns_tissue_train --dataset pbc_blood --crop 0.7 --arch tf_efficientnet_lite1 --schedule 96:4,128:4,160:4,224:6

#!/usr/bin/env bash
# Fixed size against progressive resizing, about the same number of image-pixels per run, on both datasets.
cd "$(dirname "$0")"
bash run.sh sched_lc25000_fixed cns_tissue_train --dataset lc25000 --schedule 128:6
bash run.sh sched_lc25000_progressive cns_tissue_train --dataset lc25000 --schedule 64:3,96:3,128:3
bash run.sh sched_pbc_blood_fixed cns_tissue_train --dataset pbc_blood --crop 0.7 --schedule 128:10
bash run.sh sched_pbc_blood_progressive cns_tissue_train --dataset pbc_blood --crop 0.7 --schedule 96:4,128:3,160:3

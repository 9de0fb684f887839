#!/usr/bin/env bash
# The pbc_blood recipe of the README: the central 70% of each field, progressive resizing to 160 px.
cd "$(dirname "$0")"
bash run.sh pbc_blood_main cns_tissue_train --dataset pbc_blood --crop 0.7 --schedule 96:4,128:3,160:5

#!/usr/bin/env bash
# Learning-rate pilot for the scratch CNNs (notebook 02): xresnet18 at 128 px for 4 epochs on pbc_blood, one run per
# learning rate; the choice is made on validation accuracy (the records also hold test accuracy, not used to choose).
cd "$(dirname "$0")"
for lr in 2e-3 5e-3 1e-2; do
  bash run.sh scratch_lr_xresnet18_$lr cns_tissue_train --dataset pbc_blood --arch xresnet18 --schedule 128:4 --lr $lr --label-smoothing 0.1
done

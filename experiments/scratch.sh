#!/usr/bin/env bash
# Scratch CNNs on pbc_blood (notebook 09, issue: a scratch CNN at 0.96).
# 1. Learning-rate pilot: xresnet18 and cellnet, 128 px, 4 epochs, 400 images per class; the rate with the best
#    validation accuracy is chosen per architecture (test accuracy is in the records but not used).
# 2. The chosen rate, progressive resizing, the full training set (scratch.sh full; "cellnet": only the cellnet model).
# 3. scratch.sh ablation: the cellnet recipe with one change undone at a time (validation only).
#    Each run's minutes and machine are in its record.
cd "$(dirname "$0")"
if [ "${1:-pilot}" = pilot ]; then
  for arch in xresnet18 cellnet; do for lr in 2e-3 5e-3 1e-2; do
    [ -d ../results/pbc_blood/scratch_pilot_${arch}_lr$lr ] && continue
    bash run.sh scratch_pilot_${arch}_lr$lr cns_tissue_train --dataset pbc_blood --arch $arch --schedule 128:4 --lr $lr \
      --label-smoothing 0.1 --n-per-class 400 --no-tta
  done; done
fi
if [ "${1:-pilot}" = full ] || [ "${1:-pilot}" = cellnet ]; then
  # the best pilot rate of each architecture (validation accuracy); "cellnet" runs only the cellnet model
  [ "$1" = cellnet ] || [ -d ../results/pbc_blood/pbc_blood_xresnet18 ] || bash run.sh pbc_blood_xresnet18 cns_tissue_train --dataset pbc_blood --arch xresnet18 --crop 0.7 --schedule 96:6,128:8,160:6 \
    --lr 2e-3 --label-smoothing 0.1
  [ -d ../results/pbc_blood/pbc_blood_scratch ] || bash run.sh pbc_blood_scratch cns_tissue_train --dataset pbc_blood --arch cellnet \
    --crop 0.7 --schedule 96:8,128:8,160:6 --lr 1e-2 --label-smoothing 0.1
fi
if [ "${1:-pilot}" = ablation ]; then
  # pbc_blood_scratch's recipe with one change undone at a time, same validation images (--valid-from), compared on
  # validation only (notebook 09): label smoothing off; one fixed size (128 px) instead of 96 -> 160 px progressive resizing.
  base="--dataset pbc_blood --arch cellnet --crop 0.7 --lr 1e-2 --valid-from results/pbc_blood/pbc_blood_scratch"
  [ -d ../results/pbc_blood/scratch_ablation_no_smoothing ] || bash run.sh scratch_ablation_no_smoothing cns_tissue_train $base \
    --schedule 96:8,128:8,160:6 --label-smoothing 0
  [ -d ../results/pbc_blood/scratch_ablation_fixed128 ] || bash run.sh scratch_ablation_fixed128 cns_tissue_train $base \
    --schedule 128:22 --label-smoothing 0.1
fi

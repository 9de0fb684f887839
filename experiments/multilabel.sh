#!/usr/bin/env bash
# A multi-label set made of real images (notebook 08): 2x2 mosaics of pbc_blood cells, labels = the cell types present;
# test mosaics only from test/ cells. Then a multi-label model trained on it from the command line.
cd "$(dirname "$0")/.."
python -c "from cns_tissue.multilabel import mosaic_dataset; from cns_tissue.config import get_settings; mosaic_dataset(get_settings().cache_dir/'pbc_mosaics')"
bash experiments/run.sh pbc_mosaics_main cns_tissue_train --dataset cache/pbc_mosaics --schedule 128:4,192:4

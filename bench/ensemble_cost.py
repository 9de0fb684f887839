"""What does an ensemble cost at prediction time, against each of its members?

For every recorded ensemble (`results/DATASET/ensemble_*`), each member's architecture is built at the input size and
preprocessing its run recorded (untrained weights: the speed of a network does not depend on its weights, so the
member model folders need not be on this machine), and `predict_files` -- the command line's path, 8-view TTA as the
ensembles are reported -- classifies the same test images with each member alone and with the weighted ensemble.
Needs the dataset prepared here (notebook 05's cache, where the members' test files were). Writes table.csv and
run.json to runs/bench/DATE-TIME-ensemble_cost/.

    python bench/ensemble_cost.py --n 256
"""
import os
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')
import time
from pathlib import Path
import cns_tissue   # first: it silences a warning fastai's import prints
import pandas as pd
from fastcore.script import call_parse
from cns_tissue.config import get_settings
from cns_tissue.images import file_key
from cns_tissue.transfer import create_model
from cns_tissue.training import parse_schedule
from cns_tissue.inference import predict_files
from cns_tissue.records import read_json, read_preds, record_table

def as_member(result):
    "`(model, meta)` with a member's architecture and recorded preprocessing (size: its last schedule step), untrained"
    info = read_json(Path(result)/'run.json'); c = info['config']; classes = info['data']['classes']
    size = parse_schedule(c['schedule'])[-1][0]
    prep = dict(size=size, crop=c.get('crop', 1.), source_max_size=None, mean=c['stats'][0], std=c['stats'][1])
    return create_model(c['arch'], len(classes), pretrained=False).eval(), dict(arch=c['arch'], classes=classes, preprocess=prep)

def seconds(files, models, weights=None):
    "Wall time of `predict_files` with 8-view TTA"
    t = time.perf_counter(); predict_files(files, models, tta=True, weights=weights, progress=False); return time.perf_counter() - t

@call_parse
def main(n:int=256, # test images classified per measurement
         results:str=None, # results folder (default: settings')
        ):
    "Print and record each recorded ensemble's prediction speed against its members'"
    rows = []
    for e in sorted(p.parent for p in Path(results or get_settings().results_dir).glob('*/ensemble_*/metrics.json')):   # not bench/ensemble_cost
        m = read_json(e/'metrics.json'); ms = [Path(p) for p in m['members']]
        named = {read_json(r)['run']: r.parent for r in e.parent.glob('*/run.json')}   # run name -> its committed result
        res = [e.parent/p.name if (e.parent/p.name/'run.json').exists() else named.get(p.name, p) for p in ms]
        root = Path(read_json(res[0]/'run.json')['data']['path'])
        files = [root/file_key(f) for f in read_preds(e, 'test').file][:n]
        if not all(f.exists() for f in files): print(f"{e.parent.name}/{e.name}: test images not under {root} (prepare the dataset)"); continue
        nets = [as_member(r) for r in res]
        seconds(files[:8], nets[0])   # warm-up
        t = [seconds(files, net) for net in nets] + [seconds(files, nets, m['weights'])]
        rows.append(dict(ensemble=f"{e.parent.name}/{e.name}", members=' + '.join(f"{x[1]['arch']} {x[1]['preprocess']['size']}px" for x in nets),
                         images=len(files), **{f'member {i+1} img/s': round(len(files)/s, 1) for i, s in enumerate(t[:-1])},
                         **{'ensemble img/s': round(len(files)/t[-1], 1), 'time vs fastest member': round(t[-1]/min(t[:-1]), 2)}))
        print(rows[-1])
    if rows: print('record written to', record_table('ensemble_cost', pd.DataFrame(rows), dict(n=n, tta=True)))

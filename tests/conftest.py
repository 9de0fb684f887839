"Shared fixtures: small copies of the real datasets, shaped the way notebook 05 caches them."
import os
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')   # the test runner's processes: no OpenMP spin-waiting on shared cores
import json, shutil, subprocess
from pathlib import Path
import pytest

def run(*args, ok=True, timeout=900, **kw):
    "Run a command as a user would; returns the CompletedProcess (checks the exit status when `ok`)"
    p = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout, **kw)
    if ok: assert p.returncode == 0, p.stderr[-3000:]
    return p

@pytest.fixture(scope='session')
def small_cache(tmp_path_factory):
    "pbc_blood, 8 images per split and class, as a notebook-00 cache of 64 px (`cache/NAME/64` next to summary.json)"
    from cns_tissue.config import sample_dataset
    from cns_tissue.data_prep import cache_images
    tmp = tmp_path_factory.mktemp('small')
    data = sample_dataset('pbc_blood', tmp/'pbc_small', 8)
    cache = tmp/'cache'/'pbc_small'/'64'
    cache_images(data, cache, 64, [str(f.relative_to(data)) for f in data.rglob('*.jpg')], n_workers=0)
    (cache.parent/'summary.json').write_text('{}')
    return data, cache

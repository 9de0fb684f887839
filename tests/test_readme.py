"""Results are data: the README's results table matches the records it cites, and the prose types no figures.

The README is generated from nbs/index.ipynb, whose results table is printed by code from `results/` (notebook 02).
This test re-derives every cell of that table from the record the row cites, so a table edited by hand, or a record
changed without re-running the notebook, fails here."""
import json, re
from pathlib import Path
import pandas as pd, pytest
from cns_tissue.records import load_results, md_table

ROOT = Path(__file__).resolve().parents[1]

def _table(md, heading):
    "The first markdown table after `heading`: header cells and rows of cells"
    sec = md.split(heading, 1)[1]
    lines = [l for l in sec.split('\n## ', 1)[0].splitlines() if l.startswith('|')]
    cells = lambda l: [c.strip() for c in l.strip().strip('|').split('|')]
    return (cells(lines[0]), [cells(l) for l in lines[2:]]) if lines else ([], [])

def test_readme_results_table_matches_records():
    head, rows = _table((ROOT/'README.md').read_text(), '## Results')
    res = load_results(ROOT/'results')
    if not rows: pytest.skip('no results recorded yet')
    cols = {'dataset': 'dataset', 'arch': 'model', 'schedule': 'schedule', 'test_acc': 'test', 'test_acc_ci': '95% CI', 'test_acc_tta': 'TTA',
            'test_dedup_acc': 'de-duplicated', 'test_dedup_acc_ci': '95% CI', 'test_dedup_n': 'images', 'train_min': 'train min'}
    for row in rows:
        rec = re.search(r'\(results/([^/]+)/([^)]+)\)', row[-1])
        assert rec, f'row cites no record: {row}'
        r = res[(res.dataset == rec.group(1)) & (res.name == rec.group(2))]
        assert len(r) == 1, f'no record results/{rec.group(1)}/{rec.group(2)}'
        want = md_table(r, cols).strip().splitlines()[-1].strip('|').split('|')
        assert [c.strip() for c in want] == row[:len(cols)], f'README row differs from its record:\n{row}\n{want}'

# a decimal figure (0.987, 99.5th), a percentage (11.8%, 73 %) or a ratio (1.6x, 2×): measured figures, printed by code.
# The confidence level of the intervals (95%) is a convention, not a measurement.
NUM = re.compile(r'(?<![\w.])\d+\.\d+|(?<![\w.])(?!95\s?%)\d+(?:\.\d+)?\s?(?:%|x\b|×)')

def _markdown(nb):
    return '\n'.join(''.join(c['source']) for c in json.loads(nb.read_text())['cells'] if c['cell_type'] == 'markdown')

@pytest.mark.parametrize('nb', [p.name for p in sorted((ROOT/'nbs').glob('*.ipynb'))])
def test_no_typed_figures(nb):
    "No measured figure in any notebook's prose (decimals, percentages, ratios); code spans are settings, not results"
    prose = re.sub(r'`[^`]*`|https?://\S+|doi:\S+', '', _markdown(ROOT/'nbs'/nb))
    assert not NUM.findall(prose), f'{nb}: figures typed into prose: {NUM.findall(prose)[:10]}'

def test_no_development_paths():
    "No path of a development machine in any notebook (sources and saved outputs) or the README"
    pat = re.compile(r'/(?:work|tmp|root|home|Users)/[^\s\'"\\]*|/runs[0-9]')
    found = {f.name: pat.findall(f.read_text())[:3] for f in [*sorted((ROOT/'nbs').glob('*.ipynb')), ROOT/'README.md']}
    found = {k: v for k, v in found.items() if v}
    assert not found, f'development machine paths: {found}'

"""Results are data: the README's results table matches the records it cites, and the prose types no figures.

The README is generated from nbs/index.ipynb, whose results table is printed by code from `results/` (notebook 03c).
This test re-derives every cell of that table from the record the row cites, so a table edited by hand, or a record
changed without re-running the notebook, fails here."""
import json, re
from pathlib import Path
import pandas as pd, pytest
from cns_tissue.results import load_results, md_table

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

NUM = re.compile(r'(?<![\w.])\d+\.\d+(?![\w.])')

def _markdown(nb):
    return '\n'.join(''.join(c['source']) for c in json.loads(nb.read_text())['cells'] if c['cell_type'] == 'markdown')

@pytest.mark.parametrize('nb', ['index.ipynb', '00a_duplicates.ipynb', *[p.name for p in sorted((ROOT/'nbs').glob('03*.ipynb'))], '05_paper_summary.ipynb'])
def test_no_typed_figures(nb):
    "No measured figure (a number with a decimal point) in the prose of the pages that report results; code spans are settings, not results"
    prose = re.sub(r'`[^`]*`|https?://\S+|doi:\S+', '', _markdown(ROOT/'nbs'/nb))
    assert not NUM.findall(prose), f'{nb}: figures typed into prose: {NUM.findall(prose)[:10]}'

def test_no_development_paths():
    for f in [*(ROOT/'nbs').glob('*.ipynb'), ROOT/'README.md']:
        t = f.read_text()
        assert not re.search(r'/work/|/runs[0-9]', t), f'{f.name} mentions a development machine path'

"report.html as a user opens it: tiny runs trained through the CLI, their pages loaded in headless Chromium."
import json, shutil, subprocess, time
from pathlib import Path
import pandas as pd, pytest
from conftest import run

SINGLE = ['Configuration and machine', 'Training curves', 'Accuracy', 'Confusion matrix',
          'Per-class precision, recall and F1', 'Calibration', 'Top losses and Grad-CAM', 'Dataset and copy check']
MULTI = ['Configuration and machine', 'Training curves', 'Macro and micro F1', 'Per-label scores and thresholds',
         'Precision-recall curves', 'Top label losses and Grad-CAM', 'Dataset and copy check']
COMPARISON = ['Runs', 'Accuracy on the shared test images', 'Agreement', 'Confusion matrices', 'Where they disagree']


@pytest.fixture(scope='module')
def browser(tmp_path_factory):
    "Headless Chromium through selenium, with the browser console log (the same flags as browser_check.py)"
    if not (shutil.which('chromium') and shutil.which('chromedriver')):
        pytest.skip('chromium and chromedriver are not installed (apt-get install chromium chromium-driver)')
    selenium = pytest.importorskip('selenium', reason='selenium is not installed (pip install selenium)')
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from browser_check import FLAGS
    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which('chromium')
    for f in FLAGS + [f'--user-data-dir={tmp_path_factory.mktemp("chromium")}', '--window-size=1400,1000']:
        opts.add_argument(f)
    opts.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    drv = webdriver.Chrome(options=opts, service=Service(shutil.which('chromedriver')))
    yield drv
    drv.quit()


def open_page(drv, f:Path) -> dict:
    "Open a local HTML file: its h2 headings, its images (source start, loaded), severe console messages"
    drv.get(f.as_uri())
    t0 = time.time()
    while drv.execute_script('return document.readyState') != 'complete' and time.time() - t0 < 20: time.sleep(0.1)
    return dict(
        headings=drv.execute_script("return Array.from(document.querySelectorAll('h2')).map(h => h.textContent)"),
        imgs=drv.execute_script("return Array.from(document.images).map(i => [i.getAttribute('src').slice(0, 22), "
                                "i.complete && i.naturalWidth > 0])"),
        errors=[l['message'] for l in drv.get_log('browser') if l['level'] == 'SEVERE'])


def check_page(drv, f:Path, headings:list, min_imgs:int):
    page = open_page(drv, f)
    assert page['headings'] == headings, page['headings']
    assert len(page['imgs']) >= min_imgs and all(ok for _, ok in page['imgs']), page['imgs']
    assert all(src.startswith('data:image/png;base64') for src, _ in page['imgs']), page['imgs']   # nothing external
    assert not page['errors'], page['errors']


@pytest.fixture(scope='module')
def single(small_cache, tmp_path_factory):
    "A tiny single-label run trained through the CLI (it writes report.html itself)"
    out = tmp_path_factory.mktemp('report')/'run'
    p = run('cns_tissue_train', '--dataset', small_cache[1], '--arch', 'cellnet', '--schedule', '48:1', '--bs', '16',
            '--valid-pct', '0.25', '--out', out, '--num-workers', '0', '--precision', 'fp32')
    return out, p.stdout


def test_single_label_and_comparison_reports(single, browser, tmp_path):
    "A run's report.html written by cns_tissue_train; cns_tissue_report comparing it with a second run"
    out, stdout = single
    assert f'report: {out/"report.html"}' in stdout, stdout[-500:]
    secs = json.loads((out/'run.json').read_text())['seconds']
    assert secs['report'] > 0 and secs['total'] > 0, secs   # the report's cost is in the run's record
    check_page(browser, out/'report.html', SINGLE, min_imgs=5)
    # two runs on the same test images (one test: under pytest-xdist a second test could train the run again elsewhere);
    # the second run is the first with other probabilities for some test images
    other = tmp_path/'other'
    shutil.copytree(out, other)
    df = pd.read_csv(other/'test_preds.csv')
    p = [c for c in df.columns if c.startswith('p_')]
    df.loc[::3, p] = df.loc[::3, p[::-1]].values   # another model: every third image gets other probabilities
    df.to_csv(other/'test_preds.csv', index=False)
    r = run('cns_tissue_report', out, other, '--out', tmp_path/'cmp.html')
    assert r.stdout.strip() == f'report written to {tmp_path/"cmp.html"}', r.stdout
    check_page(browser, tmp_path/'cmp.html', COMPARISON, min_imgs=1)


def label_lists(data:Path, dest:Path) -> Path:
    "The images of `data` as a multi-label dataset (train.csv, test.csv of file,labels); every other one has two labels"
    for split in ('train', 'test'):
        rows = []
        (dest/split).mkdir(parents=True)
        for i, f in enumerate(sorted(data.glob(f'{split}/*/*'))):
            shutil.copy(f, dest/split/f.name)
            rows.append(dict(file=f'{split}/{f.name}', labels=f.parent.name + (' extra' if i % 2 else '')))
        pd.DataFrame(rows).to_csv(dest/f'{split}.csv', index=False)
    return dest


def test_multilabel_report(small_cache, browser, tmp_path):
    "A run on a label list (no import of the package here: one process less to start)"
    mos = label_lists(small_cache[0], tmp_path/'labels')
    out = tmp_path/'run'
    run('cns_tissue_train', '--dataset', mos, '--arch', 'cellnet', '--schedule', '48:1', '--bs', '8',
        '--valid-pct', '0.25', '--out', out, '--num-workers', '0', '--precision', 'fp32')
    check_page(browser, out/'report.html', MULTI, min_imgs=2)

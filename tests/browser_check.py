"""Build the offline docs site and check it in headless Chromium.

Usage (from the repo root): `python tests/browser_check.py` (add `--no-build` to check an existing docs/_build/html).
Installs what is missing through the ordinary clients (apt-get: chromium, chromium-driver; pip: selenium and the docs
tools), builds the site with `docs/build_site.py`, then opens every page in one headless Chromium session and checks:
every notebook in nbs/ has a page that loads with its title, the sidebar lists all pages in notebook order, every
internal link and anchor resolves, no image is broken, and each page whose notebook has saved plot outputs shows at
least one plot. Screenshots go to ci_artifacts/site/. Prints one PASS/FAIL line per check and a count; exits 1 on failure.
"""
import argparse, importlib.util, json, os, re, shutil, subprocess, sys, tempfile, time
from pathlib import Path
from urllib.parse import urldefrag, urlparse, unquote

ROOT = Path(__file__).resolve().parents[1]
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
         '--disable-sync', '--no-first-run', '--disable-dev-shm-usage']
IMG_MIMES = ('image/png', 'image/jpeg', 'image/svg+xml', 'image/gif')


def ensure_tools():
    "Install chromium/chromedriver (apt-get) and selenium + docs tools (pip) when missing; no browser downloads"
    if not (shutil.which('chromium') and shutil.which('chromedriver')):
        print('installing chromium + chromium-driver with apt-get ...', flush=True)
        env = {**os.environ, 'DEBIAN_FRONTEND': 'noninteractive'}
        subprocess.run('apt-get update -qq && apt-get install -y -qq chromium chromium-driver', shell=True, env=env)
        if not (shutil.which('chromium') and shutil.which('chromedriver')):
            sys.exit('browser check: chromium/chromedriver missing and `apt-get install chromium chromium-driver` failed '
                     '(needs root and a Debian mirror)')
    pkgs = {'selenium': 'selenium', 'sphinx': 'sphinx', 'myst_nb': 'myst-nb', 'furo': 'furo'}
    missing = [p for m, p in pkgs.items() if importlib.util.find_spec(m) is None]
    if missing:
        print(f'installing {missing} with pip ...', flush=True)
        subprocess.run([sys.executable, '-m', 'pip', 'install', '-q', *missing], check=True)


def load_builder():
    spec = importlib.util.spec_from_file_location('build_site', ROOT/'docs'/'build_site.py')
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def shown_images(nb_path: Path) -> int:
    "Saved image outputs that the page should show: those of cells not removed from the page by their tags"
    nb = json.loads(nb_path.read_text())
    n = 0
    for c in nb['cells']:
        tags = set(c.get('metadata', {}).get('tags', []))
        if c['cell_type'] != 'code' or tags & {'remove-output', 'remove-cell'}: continue
        n += sum(any(m in o.get('data', {}) for m in IMG_MIMES) for o in c.get('outputs', []))
    return n


class Report:
    def __init__(self): self.ok, self.bad = 0, []
    def check(self, cond, what):
        if cond: self.ok += 1
        else: self.bad.append(what)
        print(('PASS  ' if cond else 'FAIL  ') + what, flush=True)
        return cond


def page_ids(html_file: Path, cache={}):
    "All element ids in a built page (anchors are static HTML in this site)"
    if html_file not in cache: cache[html_file] = set(re.findall(r'\bid="([^"]+)"', html_file.read_text(errors='replace')))
    return cache[html_file]


def make_driver(tmp: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which('chromium')
    for f in FLAGS + [f'--user-data-dir={tmp}', '--window-size=1400,1000']: opts.add_argument(f)
    # explicit driver path: selenium-manager must not try to download anything
    return webdriver.Chrome(options=opts, service=Service(shutil.which('chromedriver')))


def run(site: Path, pages: list, srcdir: Path, nbs: list, shots: Path) -> Report:
    "Open every page of `site` and check it; `pages` is build_site's [{page, title, notebook}] in sidebar order"
    r = Report()
    order = [p['page'] for p in pages]
    # every notebook in nbs/ must have a page in the site
    built = {p['notebook']: p['page'] for p in pages if p['notebook']}
    for nb in nbs:
        pg = built.get(nb.name)
        r.check(pg is not None and (site/f'{pg}.html').exists(), f'{nb.name}: page {pg}.html built')
    shots.mkdir(parents=True, exist_ok=True)
    for old in shots.glob('*.png'): old.unlink()
    tmp = Path(tempfile.mkdtemp(prefix='chromium-profile-'))
    drv = make_driver(tmp)
    try:
        for p in pages:
            name, title = p['page'], p['title']
            f = site/f'{name}.html'
            if not f.exists(): continue
            drv.get(f.as_uri())
            t0 = time.time()
            while drv.execute_script('return document.readyState') != 'complete' and time.time()-t0 < 20: time.sleep(0.1)
            h1 = drv.execute_script("const h=document.querySelector('article h1'); return h ? h.textContent : ''")
            r.check(title.strip() in h1, f'{name}: page loads with title {title!r} (got {h1.strip()[:60]!r})')
            # sidebar: every page, in notebook order
            side = drv.execute_script("return Array.from(document.querySelectorAll('.sidebar-tree a.reference'))"
                                      ".map(a => a.href)")
            side_names = [Path(urlparse(unquote(h)).path).stem for h in side]
            want = [n for n in order if n != 'index']
            got = [n for n in side_names if n in order and n != 'index']
            r.check(got == want, f'{name}: sidebar lists {len(want)} pages in order' + ('' if got == want else f' (got {got})'))
            brand = drv.execute_script("const a=document.querySelector('a.sidebar-brand'); return a ? a.href : ''")
            r.check(Path(urlparse(unquote(brand)).path).name == 'index.html', f'{name}: sidebar links home page index.html')
            # internal links and anchors
            hrefs = drv.execute_script("return Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
            bad = []
            for h in hrefs:
                u, frag = urldefrag(h)
                if urlparse(u).scheme != 'file': continue
                tgt = Path(unquote(urlparse(u).path))
                if not tgt.exists(): bad.append(h); continue
                if frag and tgt.suffix == '.html' and unquote(frag) not in page_ids(tgt): bad.append(h)
            n_int = sum(urlparse(urldefrag(h)[0]).scheme == 'file' for h in hrefs)
            r.check(not bad, f'{name}: {n_int} internal links/anchors resolve' + (f'; broken: {bad[:5]}' if bad else ''))
            # show_doc API sections: a heading each, reachable at nbdev's anchor (the lower-cased name)
            api = p.get('api', [])
            if api:
                miss = drv.execute_script("""return arguments[0].filter(a => { const e = document.getElementById(a);
                    if (!e) return true; const s = e.closest('section');
                    return !(s && s.querySelector('h2,h3,h4,h5,h6')); })""", api)
                r.check(not miss, f'{name}: {len(api)} show_doc API sections with anchors' + (f'; missing: {miss[:8]}' if miss else ''))
            # images: none broken; a page whose notebook has plot outputs shows at least one
            imgs = drv.execute_script("return Array.from(document.querySelectorAll('article img'))"
                                      ".map(i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0, i.offsetWidth])")
            broken = [s for s, ok, _ in imgs if not ok]  # shown = decoded and laid out at >= 50 px wide
            r.check(not broken, f'{name}: {len(imgs)} images load' + (f'; broken: {broken[:5]}' if broken else ''))
            src = srcdir/f'{name}.ipynb'
            want_img = shown_images(src) if src.exists() else 0
            shown = 0
            if want_img:
                shown = sum(ok and w >= 50 for _, ok, w in imgs)
                r.check(shown >= 1, f'{name}: notebook has {want_img} saved plot(s); page shows {shown}')
            # close-up of the first plot, then a full-page screenshot, for a human to look at
            if want_img and shown:
                drv.execute_script("const i=Array.from(document.querySelectorAll('article img')).find(i => i.offsetWidth >= 50);"
                                   "if (i) i.scrollIntoView({block: 'start', behavior: 'instant'});")
                drv.save_screenshot(str(shots/f'{name}_plot.png'))
            hgt = min(int(drv.execute_script('return Math.max(document.body.scrollHeight, '
                                             'document.documentElement.scrollHeight)')), 8000)
            drv.execute_cdp_cmd('Emulation.setDeviceMetricsOverride',
                                {'width': 1400, 'height': max(hgt, 800), 'deviceScaleFactor': 1, 'mobile': False})
            drv.save_screenshot(str(shots/f'{name}.png'))
            drv.execute_cdp_cmd('Emulation.clearDeviceMetricsOverride', {})
    finally:
        drv.quit()
        shutil.rmtree(tmp, ignore_errors=True)
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--no-build', action='store_true', help='check the existing docs/_build/html')
    ap.add_argument('--shots', default=str(ROOT/'ci_artifacts'/'site'), help='screenshot folder')
    a = ap.parse_args()
    t0 = time.time()
    ensure_tools()
    bs = load_builder()
    out = ROOT/'docs'/'_build'/'html'
    if not a.no_build: bs.build(ROOT, out)
    built = json.loads((out.parent/'pages.json').read_text())
    pages = built['pages']
    from nbdev.config import get_config
    nbs = bs.ordered_nbs(Path(get_config(ROOT).nbs_path))
    r = run(out, pages, out.parent/'src', nbs, Path(a.shots))
    errs = built['proc_errors']  # show_doc cells nbdev could not run: nbdev-docs (Quarto) would fail on these
    r.check(not errs, f'nbdev doc processing ran every show_doc/import cell' + ''.join(f'\n        {e}' for e in errs)
            + ('\n        (nbdev-docs would stop on these; usual fix: imports in a cell of their own, see nbdev FAQ)' if errs else ''))
    print(f'\nbrowser check: {r.ok} passed, {len(r.bad)} failed ({len(pages)} pages, {time.time()-t0:.0f}s); '
          f'screenshots in {a.shots}')
    for b in r.bad: print('  FAILED:', b)
    sys.exit(1 if r.bad else 0)


if __name__ == '__main__': main()

#!/usr/bin/env bash
# The project's test command: notebooks and package in sync, README in sync with nbs/index.ipynb, every notebook run by
# nbdev-test (IN_TEST=1: small data, same logic), pytest tests/, and the offline docs site + browser check.
# Ends with one line "N passed, N failed" and exits non-zero if anything failed.
set -u
cd "$(dirname "$0")/.."
export PYTHONUNBUFFERED=1 MPLBACKEND=Agg OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}  # no OpenMP spin-waiting on shared cores
start=$(date +%s); pass=0; fail=0; failed=()
record() { if [ "$2" -eq 0 ]; then pass=$((pass+1)); echo "PASS  $1  ($3 s)"; else fail=$((fail+1)); failed+=("$1"); echo "FAIL  $1  ($3 s)"; fi; }
run() { local name=$1; shift; local t=$(date +%s); "$@"; record "$name" $? $(( $(date +%s) - t )); }

snapshot() { git status --porcelain; git diff | sha1sum; }
sync_check() {
  local before after; before=$(snapshot)
  nbdev-export && nbdev-clean && python tools/make_readme.py || return 1
  after=$(snapshot)
  if [ "$before" != "$after" ]; then
    echo "nbdev-export / nbdev-clean / tools/make_readme.py changed the tree: notebooks, package and README are out of sync:"
    diff <(echo "$before") <(echo "$after"); git --no-pager diff --stat; return 1
  fi
}
run "sync: nbdev-export, nbdev-clean and README leave the tree unchanged" sync_check

# Notebooks JOBS at a time, each reported in order with its own output: most of a notebook's test is single-threaded
# start-up (imports) and small data, so two at a time on 2 cores finish sooner than one after another.
JOBS=${CNS_TEST_JOBS:-2}
logs=$(mktemp -d)
nb_test() { local t=$(date +%s); nbdev-test "$1" > "$2" 2>&1; echo "$? $(( $(date +%s) - t ))" > "$2.rc"; }
export -f nb_test
# The slowest notebooks start first, so that none of them runs alone at the end; results are still reported in order.
slow="nbs/19_cli.ipynb nbs/05_data_prep.ipynb nbs/16_explain.ipynb nbs/11_speed.ipynb nbs/15_interpret.ipynb"
{ for nb in $slow; do [ -f "$nb" ] && echo "$nb"; done; ls nbs/[0-9]*.ipynb nbs/index.ipynb 2>/dev/null | grep -vxF -f <(tr ' ' '\n' <<< "$slow"); } |
  xargs -P "$JOBS" -I{} bash -c 'nb_test "$1" "$2/$(basename "$1").log"' _ {} "$logs"
for nb in nbs/[0-9]*.ipynb nbs/index.ipynb; do
  [ -f "$nb" ] || continue
  log=$logs/$(basename "$nb").log; cat "$log"
  read -r rc secs < "$log.rc" 2>/dev/null || { rc=1; secs=0; }
  record "nbdev-test $nb" "$rc" "$secs"
done
rm -rf "$logs"

# the report tests open pages in headless Chromium: the docs check's tools, installed first where they are missing
python -c "import sys; sys.path.insert(0, 'tests'); from browser_check import ensure_tools; ensure_tools()" || true
t=$(date +%s)
python -m pytest tests -q -rs -p no:cacheprovider -n "$JOBS" 2>&1 | tee /tmp/cns_pytest.log
rc=${PIPESTATUS[0]}
line=$(grep -E "^[=]* ?[0-9]+ (passed|failed)|no tests ran" /tmp/cns_pytest.log | tail -1)
p=$(echo "$line" | grep -oE "[0-9]+ passed" | grep -oE "[0-9]+"); p=${p:-0}
f=0; for n in $(echo "$line" | grep -oE "[0-9]+ (failed|errors?)" | grep -oE "[0-9]+"); do f=$((f+n)); done
if [ "$rc" -ne 0 ] && [ "$rc" -ne 5 ] && [ "$f" -eq 0 ]; then f=1; fi
pass=$((pass+p)); fail=$((fail+f)); [ "$f" -gt 0 ] && failed+=("pytest ($f)")
echo "pytest: $p passed, $f failed ($(( $(date +%s) - t )) s)"

if [ -f tests/browser_check.py ]; then run "offline docs site + headless Chromium check" python tests/browser_check.py; fi

echo "total time: $(( $(date +%s) - start )) s"
[ ${#failed[@]} -gt 0 ] && printf 'failed: %s\n' "${failed[@]}"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

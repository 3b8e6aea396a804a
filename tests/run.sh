#!/usr/bin/env bash
# Runs every test: the unit programs (build*/tests/test_*), then the CLI
# tests (tests/cli/*.sh), each printing TAP. Ends with "N passed, N failed".
# Environment: BUILD (default build), TEST_FILTER (substring of test names),
# SOLEMATE_FAST=1 (leave out scripts marked '# slow').
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export SOLEMATE="$PWD/$BUILD/solemate" BUILD
export NO_COLOR=1
# Call the Python interpreter itself rather than a version manager's shim
# (pyenv's is a bash script per call: 0.4 s against 0.08 s here, and the
# tests start Python hundreds of times). The same interpreter either way.
if py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) && [ -x "$py" ]; then
  PATH="$(dirname "$py"):$PATH"; export PATH
fi
# no test ever reaches the real instance metadata address (169.254.169.254)
export AWS_EC2_METADATA_DISABLED=true
passed=0 failed=0 skipped=0
failed_names=()
logdir=tests/out; mkdir -p "$logdir"

run_one() { # name, command...
  local name=$1; shift
  local log="$logdir/${name//\//_}.log"
  "$@" >"$log" 2>&1
  local rc=$?
  local p f s
  p=$(grep -cE '^ok [0-9]+' "$log" | tr -d ' ')
  f=$(grep -cE '^not ok [0-9]+' "$log" | tr -d ' ')
  s=$(grep -cE '^ok [0-9]+ .*# (SKIP|skip)' "$log" | tr -d ' ')
  if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi   # crashed before reporting
  passed=$((passed + p - s)) failed=$((failed + f)) skipped=$((skipped + s))
  if [ "$f" != 0 ]; then
    failed_names+=("$name")
    echo "FAIL $name ($p ok, $f not ok, exit $rc)"
    grep -E '^not ok|^#' "$log" | head -30 | sed 's/^/    /'
  else
    echo "ok   $name ($((p - s)) passed${s:+, $s skipped})"
  fi
}

for t in "$BUILD"/tests/test_*; do
  [ -x "$t" ] || continue
  name=unit/$(basename "$t")
  [ -n "${TEST_FILTER:-}" ] && [[ $name != *$TEST_FILTER* ]] && continue
  run_one "$name" "$t"
done
for t in tests/cli/*.sh; do
  [ -f "$t" ] || continue
  name=cli/$(basename "$t" .sh)
  [ -n "${TEST_FILTER:-}" ] && [[ $name != *$TEST_FILTER* ]] && continue
  # SOLEMATE_FAST=1 (the sanitizer pass of CI) leaves out the scripts marked
  # "# slow" (external oracles, the AWS emulator): the normal pass runs them.
  if [ -n "${SOLEMATE_FAST:-}" ] && grep -q '^# slow' "$t"; then
    echo "skip $name (slow; run in the normal pass)"; continue
  fi
  run_one "$name" bash "$t"
done

if [ ${#failed_names[@]} -gt 0 ]; then
  echo "failed: ${failed_names[*]}"
fi
if [ "$skipped" != 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]

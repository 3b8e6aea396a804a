#!/usr/bin/env bash
# validate, one template a case: tests/fixtures/validate/cases/*.{yaml,json}.
# A YAML case says what it expects in its first comment lines:
#   # exit: 0|1|2
#   # expect: PATH-SUBSTRING | MESSAGE-SUBSTRING     (an error with both; repeatable)
#   # warn: PATH-SUBSTRING | MESSAGE-SUBSTRING       (a warning with both)
#   # at: LINE:COL | PATH-SUBSTRING                   (a diagnostic of that path placed there)
# A JSON case NAME.json takes these lines from NAME.expect. Each check has a
# failing case (bad-*) and a passing one (good-*).
. tests/lib.sh
for f in tests/fixtures/validate/cases/*.yaml tests/fixtures/validate/cases/*.json; do
  [ -e "$f" ] || continue
  n=$(basename "$f"); spec=$f
  case $f in *.json) spec=${f%.json}.expect ;; esac
  want=$(sed -n 's/^# exit: *//p' "$spec" | head -1)
  NO_COLOR=1 "$SOLEMATE" validate "$f" >"$TMP/out" 2>&1; rc=$?
  msgs=()
  [ "$rc" = "${want:-0}" ] || msgs+=("exit $rc, expected ${want:-0}")
  while IFS= read -r line; do
    kind=${line%%:*}; rest=${line#*: }
    p=${rest%% | *}; m=${rest#* | }
    sev=error; [ "$kind" = "# warn" ] && sev=warning
    grep -F -- ": $sev: " "$TMP/out" | grep -F -- "$m" | grep -qF -- "$p" || msgs+=("no $sev '$m' at '$p'")
  done < <(grep -E '^# (expect|warn): ' "$spec")
  while IFS= read -r line; do
    rest=${line#*: }; pos=${rest%% | *}; p=${rest#* | }
    grep -F -- "$f:$pos: " "$TMP/out" | grep -qF -- "$p" || msgs+=("nothing at $pos for '$p'")
  done < <(grep -E '^# at: ' "$spec")
  if [ ${#msgs[@]} = 0 ]; then ok "case $n"; else notok "case $n" "${msgs[@]}" "$(grep -E 'error|warning' "$TMP/out" | head -4)"; fi
done
done_testing

#!/usr/bin/env bash
# slow
# validate against cfn-lint on cfn-lint's own fixtures (../shared/corpus,
# used in place): no error on a good/ template cfn-lint accepts unless
# tests/oracle/cfn-lint-corpus.expect says why CloudFormation refuses it, and
# at least the recorded share of the bad/ templates cfn-lint rejects flagged,
# and of them at the logical ID cfn-lint names (the floors in the .expect).
# cfn-lint's verdicts come from tests/oracle/cfn-lint-corpus.tsv (regenerate:
# tests/oracle/cfn_lint_corpus.py snapshot).
. tests/lib.sh
if ! [ -d ../../shared/corpus/cfn-lint-templates ] && ! [ -d /work/shared/corpus/cfn-lint-templates ]; then
  skip "cfn-lint corpus" "../shared/corpus/cfn-lint-templates not present"; done_testing; exit 0
fi
python3 tests/oracle/cfn_lint_corpus.py measure --solemate "$SOLEMATE" >"$TMP/m" 2>&1; rc=$?
sed 's/^/# /' "$TMP/m"
if [ $rc = 0 ]; then ok "validate vs cfn-lint on its fixtures: $(grep -oE 'validate flags [0-9]+ with exit 1 \([0-9.]+ %|[0-9]+ \([0-9.]+ %\) at a logical ID' "$TMP/m" | tr '\n' ';')"
else notok "validate vs cfn-lint on its fixtures" "$(grep -E '^  FALSE|^bad/' "$TMP/m" | head -5)"; fi
done_testing

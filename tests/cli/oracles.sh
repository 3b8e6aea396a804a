#!/usr/bin/env bash
# slow
# External oracles agree: cdk-nag's four packs (AwsSolutions, NIST 800-53 R5,
# PCI DSS 3.2.1, HIPAA) report no unsuppressed error on our templates, and
# `check` finds everything cdk-nag finds on the PRD's own CDK sample.
. tests/lib.sh
NAG=tests/oracle/cdk-nag-check.js
if [ ! -d tests/oracle/node_modules/cdk-nag ]; then
  if [ "${CI:-}" = true ]; then notok "cdk-nag oracle missing in CI (scripts/install-deps.sh --test)"; else skip "cdk-nag" "tests/oracle/node_modules missing"; fi
  done_testing; exit 0
fi
"$SOLEMATE" synth --env all --out "$TMP/a" --quiet
packs=AwsSolutions,NIST80053R5,PCIDSS321,HIPAASecurity
(cd tests/oracle && node cdk-nag-check.js "$packs" "$TMP"/a/*.template.json) > "$TMP/nag.txt" 2>"$TMP/nag.err"; rc=$?
if [ $rc = 0 ]; then ok "cdk-nag: no unsuppressed error in any of the 4 packs on both environments"
else notok "cdk-nag on our templates (exit $rc)" "$(head -10 "$TMP/nag.txt")" "$(tail -3 "$TMP/nag.err")"; fi
prd="tests/fixtures/prd-sample/SolemateStaging.template.json tests/fixtures/prd-sample/SolemateProduction.template.json"
(cd tests/oracle && node cdk-nag-check.js "$packs" $(for f in $prd; do echo "../../$f"; done)) > "$TMP/prd.txt" 2>/dev/null; rc=$?
n=$(wc -l < "$TMP/prd.txt")
[ $rc = 1 ] && [ "$n" -gt 100 ] && ok "cdk-nag finds $n errors on the PRD sample (the harness sees findings)" || notok "cdk-nag on the PRD sample" "exit $rc, $n findings"
if python3 tests/oracle/nag-coverage.py "$SOLEMATE" "$TMP/prd.txt" $prd > "$TMP/cov" 2>&1; then ok "check finds what cdk-nag finds on the PRD sample: $(head -1 "$TMP/cov")"
else notok "check covers cdk-nag on the PRD sample" "$(head -8 "$TMP/cov")"; fi
done_testing

#!/usr/bin/env bash
# slow
# validate: both environments are valid; the PRD's CDK sample is valid;
# every kind of mutation is caught (exit 1, the resource named); and
# everything cfn-lint calls an error is an error for us too.
. tests/lib.sh
"$SOLEMATE" synth --env all --out "$TMP/a" --quiet
expect_exit "validate --env all is clean" 0 "$SOLEMATE" validate --env all
expect_grep "validate names the schema version" "schemas: @aws-cdk/aws-service-spec [0-9.]+" "$TMP/out"
expect_exit "validate of the synthesized assembly directory" 0 "$SOLEMATE" validate "$TMP/a"
expect_exit "validate of the PRD's CDK sample" 0 "$SOLEMATE" validate tests/fixtures/prd-sample/SolemateStaging.template.json tests/fixtures/prd-sample/SolemateProduction.template.json
"$SOLEMATE" synth --env staging --format yaml --out "$TMP/y" --quiet
expect_exit "validate reads YAML templates" 0 "$SOLEMATE" validate "$TMP/y/SolemateStagingData.template.yaml"

mkdir -p "$TMP/mut"
python3 tests/fixtures/validate/mutations.py "$TMP/a/SolemateStagingData.template.json" "$TMP/mut"
for f in "$TMP"/mut/*.json; do
  n=$(basename "$f" .json)
  res=$(sed -n 1p "$TMP/mut/$n.expect"); msg=$(sed -n 2p "$TMP/mut/$n.expect")
  "$SOLEMATE" validate "$f" >"$TMP/out" 2>&1; rc=$?
  if [ $rc = 1 ] && grep -F -- "$msg" "$TMP/out" | grep -qF -- "$res"; then ok "mutation $n: exit 1, $res named"
  else notok "mutation $n" "exit $rc; want '$msg' on $res" "$(grep error "$TMP/out" | head -3)"; fi
done
# a file whose text is not a template is a finding (exit 1, as cfn-lint's
# E0000 is an error finding), reported with the others; nothing to read is
# bad usage (exit 2); check, cost, graph... refuse such input (exit 2)
expect_exit "a file that is not a template is an error (exit 1)" 1 "$SOLEMATE" validate tests/fixtures/config/bad/trailing-comma.json
expect_grep "its line and column are named on stdout" "trailing-comma\.json:[0-9]+:[0-9]+: error: invalid JSON" "$TMP/out"
expect_grep "the summary counts it" "^invalid: 1 template, 1 error" "$TMP/out"
printf 'Resources:\n  T:\n    Type: AWS::SNS::Topic\n  T:\n    Type: AWS::SNS::Topic\n' >"$TMP/dup.yaml"
expect_exit "with a valid template beside it, still exit 1" 1 "$SOLEMATE" validate --format json "$TMP/dup.yaml" tests/fixtures/prd-sample/SolemateStaging.template.json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["templates"] == 2 and d["errors"] == 1 and d["diagnostics"][0]["line"] == 4, d' "$TMP/out" \
  && ok "JSON: the parse error is a diagnostic at its line, both templates counted" || notok "JSON: the parse error is a diagnostic" "$(head -c 400 "$TMP/out")"
mkdir -p "$TMP/asm" && "$SOLEMATE" synth --env staging --out "$TMP/asm" --quiet
victim=$(ls "$TMP"/asm/*.template.json | head -1); printf '{"Resources": ' >"$victim"
expect_exit "an assembly with one template cut short: exit 1" 1 "$SOLEMATE" validate "$TMP/asm"
expect_grep "the other templates are validated and counted" "^invalid: $(ls "$TMP"/asm/*.template.json | wc -l) templates, 1 error" "$TMP/out"
expect_exit "check refuses a template that does not parse as bad input" 2 "$SOLEMATE" check "$TMP/dup.yaml"
expect_exit "a missing file is bad input" 2 "$SOLEMATE" validate "$TMP/nope.json"
expect_exit "a missing file beside an invalid one is still bad input" 2 "$SOLEMATE" validate "$TMP/dup.yaml" "$TMP/nope.json"
# hostile: deep nesting in a template must not crash
python3 -c "print('{\"Resources\":' + '{\"a\":'*5000 + '1' + '}'*5001)" > "$TMP/deep.json"
"$SOLEMATE" validate "$TMP/deep.json" >/dev/null 2>&1; rc=$?
[ $rc = 1 ] && ok "deeply nested template refused (exit 1)" || notok "deeply nested template refused" "exit $rc"

# cfn-lint as the oracle: every template it marks with an error, we flag too
if command -v cfn-lint >/dev/null; then
  cfnlint --format json "$TMP"/mut/*.json > "$TMP/lint.json" 2>/dev/null
  python3 - "$TMP/lint.json" "$SOLEMATE" <<'PY' && ok "validate flags every template cfn-lint rejects" || notok "validate flags every template cfn-lint rejects"
import json, subprocess, sys
lint = json.load(open(sys.argv[1]))
bad = sorted({m["Filename"] for m in lint if m["Level"] == "Error"})
missed = [f for f in bad if subprocess.run([sys.argv[2], "validate", f], capture_output=True).returncode != 1]
print("# cfn-lint errors in %d templates, missed by validate: %s" % (len(bad), missed))
sys.exit(1 if missed or not bad else 0)
PY
elif [ "${CI:-}" = true ]; then notok "cfn-lint missing in CI"; else skip "cfn-lint oracle" "not installed"; fi
# the inline limit (51,200 bytes) bounds the template as deploy sends it:
# compact. An indented file over it that goes inline compact gets no note.
python3 - "$TMP" <<'PY'
import json, sys
def topics(n, width):
    return {"Resources": {"Topic%03d" % i: {"Type": "AWS::SNS::Topic", "Properties": {
        "DisplayName": ("topic %d " % i).ljust(width, "x")}} for i in range(n)}}
open(sys.argv[1] + "/indented.json", "w").write(json.dumps(topics(300, 40), indent=8))
open(sys.argv[1] + "/long.json", "w").write(json.dumps(topics(400, 100), separators=(",", ":")))
PY
expect_exit "validate: an indented 60 KB+ template that is short compact" 0 "$SOLEMATE" validate "$TMP/indented.json"
if [ "$(wc -c <"$TMP/indented.json")" -gt 51200 ] && ! grep -q 'carry inline' "$TMP/out" "$TMP/err"; then
  ok "validate: no upload note when the compact form goes inline"
else notok "validate: no upload note when the compact form goes inline" "$(wc -c <"$TMP/indented.json") bytes" "$(cat "$TMP/out")"; fi
expect_exit "validate: a template over the inline limit compact" 0 "$SOLEMATE" validate "$TMP/long.json"
expect_grep "validate: its compact size named, and the upload" 'template is [0-9]+ bytes compact, above the 51200 bytes a request can carry inline: deploy uploads it' "$TMP/out"

done_testing

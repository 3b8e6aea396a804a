#!/usr/bin/env bash
# config_formats: configurations in YAML as in JSON (same keys, same errors
# with line and column), --set key=value for one run, NAME.yaml found by --env.
. tests/lib.sh
mkdir -p "$TMP/c"
python3 - "$TMP/c" <<'PY'
import json, sys, yaml
d = json.load(open("config/staging.json")); d.pop("$schema", None)
d["environment"] = "qa"; d["vpcCidr"] = "10.50.0.0/16"
open(sys.argv[1] + "/qa.yaml", "w").write(yaml.safe_dump(d, sort_keys=False))
PY
expect_exit "--env finds NAME.yaml" 0 "$SOLEMATE" synth --config-dir "$TMP/c" --env qa --out "$TMP/qa" --quiet
grep -q '"CidrBlock": "10.50.0.0/16"' "$TMP/qa/SolemateQaNetwork.template.json" && ok "the YAML config's values are used" || notok "the YAML config's values are used"
expect_exit "--env all lists YAML configs" 0 "$SOLEMATE" list --config-dir "$TMP/c" --env all
expect_grep "qa is listed" "^SolemateQaNetwork" "$TMP/out"
# the same YAML as JSON synthesizes the same bytes
python3 -c 'import sys,yaml,json; json.dump(yaml.safe_load(open(sys.argv[1])), open(sys.argv[2],"w"))' "$TMP/c/qa.yaml" "$TMP/qa.json"
"$SOLEMATE" synth --config "$TMP/qa.json" --out "$TMP/qaj" --quiet
diff -r "$TMP/qa" "$TMP/qaj" >/dev/null && ok "YAML and JSON of one config synthesize the same bytes" || notok "YAML and JSON of one config synthesize the same bytes"
# errors carry line and column in YAML too
line=$(grep -n '^maxAzs:' "$TMP/c/qa.yaml" | cut -d: -f1)
sed -i 's/^maxAzs: .*/maxAzs: two/' "$TMP/c/qa.yaml"
expect_exit "a bad YAML value: exit 2" 2 "$SOLEMATE" list --config-dir "$TMP/c" --env qa
expect_grep "named with its line and column" "qa.yaml:$line:[0-9]+: error: 'maxAzs' must be an integer" "$TMP/err"
printf 'environment: qa\nvpcCidr: [unclosed\n' >"$TMP/c/broken.yaml"
expect_exit "malformed YAML: exit 2" 2 "$SOLEMATE" list --config "$TMP/c/broken.yaml"
expect_grep "malformed YAML names the file and line" "broken.yaml:[0-9]+" "$TMP/err"

# --set
expect_exit "--set overrides a key" 0 "$SOLEMATE" synth --env staging --set ecsMaxCapacity=20 --out "$TMP/s" --quiet
grep -q '"MaxCapacity": 20' "$TMP/s/SolemateStagingCompute.template.json" && ok "--set ecsMaxCapacity=20 is in the template" || notok "--set ecsMaxCapacity=20 is in the template"
expect_exit "--set=key=value spelling" 0 "$SOLEMATE" synth --env staging --set=ecsMaxCapacity=21 --out "$TMP/s2" --quiet
grep -q '"MaxCapacity": 21' "$TMP/s2/SolemateStagingCompute.template.json" && ok "--set=ecsMaxCapacity=21 is in the template" || notok "--set=ecsMaxCapacity=21 is in the template"
expect_exit "--set with a string value" 0 "$SOLEMATE" synth --env staging --set alarmEmail=oncall@example.com --out "$TMP/s3" --quiet
grep -rq 'oncall@example.com' "$TMP/s3" && ok "--set alarmEmail is used" || notok "--set alarmEmail is used"
expect_exit "--set of a misspelt key: exit 2" 2 "$SOLEMATE" synth --env staging --set ecsMaxCapacty=3 --out "$TMP/x"
expect_grep "the error names the override and suggests the key" "^--set ecsMaxCapacty=3: error: unknown key.*" "$TMP/err"
expect_grep "did you mean" "did you mean 'ecsMaxCapacity'" "$TMP/err"
expect_exit "--set of a wrong type: exit 2" 2 "$SOLEMATE" synth --env staging --set maxAzs=many --out "$TMP/x"
expect_grep "the wrong type is named" "^--set maxAzs=many: error: 'maxAzs' must be an integer" "$TMP/err"
expect_exit "--set without '=': exit 2" 2 "$SOLEMATE" synth --env staging --set maxAzs --out "$TMP/x"
expect_grep "it says key=value" "is not key=value" "$TMP/err"
[ ! -e "$TMP/x" ] && ok "nothing written on a bad --set" || notok "nothing written on a bad --set"
cmp -s config/staging.json <(git show HEAD:infrastructure/config/staging.json) && ok "--set never writes the config file" || notok "--set never writes the config file"
done_testing

#!/usr/bin/env bash
# acceptances: a finding on our own resources is accepted in the environment's
# configuration ("acceptances": [{rule, resource, reason, expires}]), not in C.
# The entry becomes the resource's Metadata that check and cdk-nag read (the
# rule's ID and its cdk-nag IDs); an expired one is itself a finding and mutes
# nothing; an unknown rule or resource, a missing reason or a bad date are bad
# input with the closest name suggested; SARIF lists accepted findings as
# suppressions of kind external.
. tests/lib.sh
mkdir -p "$TMP/c"
cp config/staging.json config/production.json config/baseline.json "$TMP/c/"
# staging with its acceptances replaced: edit(PYTHON-EXPRESSION on the list a)
edit() {
  python3 - "$1" "$TMP/c/staging.json" <<'PY'
import json, sys
d = json.load(open("config/staging.json"))
a = d["acceptances"]
exec(sys.argv[1])
d["acceptances"] = a
json.dump(d, open(sys.argv[2], "w"), indent=2)
PY
}
S() { "$SOLEMATE" "$@" --config-dir "$TMP/c"; }

expect_exit "the shipped staging passes check" 0 S check --env staging
S check --env staging --show-suppressed >"$TMP/out"
expect_grep "its single-AZ database is muted with the configuration's reason" "muted   SM-RDS-003  Database: .*" "$TMP/out"
expect_grep "the reason is the configuration's" "suppressed: staging runs single-AZ to halve its cost" "$TMP/out"

# the Metadata check and cdk-nag read: our ID and each cdk-nag ID of the rule
S synth --env staging --out "$TMP/a" --quiet
python3 - "$TMP/a/SolemateStagingData.template.json" <<'PY' && ok "Metadata carries SM-RDS-003 and its cdk-nag IDs, source 'acceptances of staging'" || notok "Metadata of the acceptance"
import json, sys
t = json.load(open(sys.argv[1]))
s = t["Resources"]["Database"]["Metadata"]["cdk_nag"]["rules_to_suppress"]
ids = {e["id"] for e in s if e.get("source") == "acceptances of staging"}
want = {"SM-RDS-003", "AwsSolutions-RDS3", "NIST.800.53.R5-RDSMultiAZSupport",
        "PCI.DSS.321-RDSMultiAZSupport", "HIPAA.Security-RDSMultiAZSupport", "SM-RDS-005", "AwsSolutions-RDS10"}
assert want <= ids, ids
PY

# SARIF: accepted in the configuration = suppressed externally, with the reason
S check --env staging --format sarif >"$TMP/s.json"
python3 - "$TMP/s.json" <<'PY' && ok "SARIF: the acceptance is a suppression of kind external, justified by its reason" || notok "SARIF suppressions"
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]["results"]
x = [x for x in r if x["ruleId"] == "SM-RDS-003"]
assert x and x[0]["suppressions"] == [{"kind": "external", "justification":
  "staging runs single-AZ to halve its cost; production is Multi-AZ (databaseMultiAz)"}], x
# the template's own Metadata (C) stays inSource
assert any(s["kind"] == "inSource" for y in r for s in y.get("suppressions", [])), "no inSource left"
PY

# without the acceptances, the findings are there (the test above can fail)
edit 'a = []'
S check --env staging >"$TMP/out"
expect_grep "without them, the single-AZ database is a warning" "warning SM-RDS-003  Database" "$TMP/out"
expect_grep "and the missing deletion protection" "warning SM-RDS-005  Database" "$TMP/out"

# an expired acceptance mutes nothing and is itself a finding
edit 'a[0]["expires"] = "2001-01-31"'
expect_exit "an expired acceptance fails check" 1 S check --env staging
expect_grep "it is an error naming the rule, the day and the file" "error   SM-NAG-002  Database: the acceptance of 'SM-RDS-003' expired on 2001-01-31 \(acceptances of staging\): staging runs single-AZ" "$TMP/out"
[ "$(grep -c 'SM-NAG-002' "$TMP/out")" = 1 ] && ok "once per acceptance (not per cdk-nag ID)" || notok "SM-NAG-002 count" "$(grep SM-NAG-002 "$TMP/out")"
expect_grep "and the finding it muted is back" "warning SM-RDS-003  Database" "$TMP/out"
edit 'a[0]["expires"] = "2999-12-31"'
expect_exit "an acceptance expiring in the future mutes" 0 S check --env staging
grep -q 'SM-RDS-003' "$TMP/out" && notok "still muted until it expires" || ok "still muted until it expires"

# bad acceptances are bad input, at their line, with a suggestion
edit 'a[0]["rule"] = "SM-RDS-03"'
expect_exit "an unknown rule" 2 S synth --env staging --out "$TMP/x"
expect_grep "is named at its line with the closest rule" "staging.json:[0-9]+:[0-9]+: error: no check rule 'SM-RDS-03' \(at acceptances\[0\]\.rule\)" "$TMP/err"
expect_grep "did you mean" "did you mean 'SM-RDS-003'" "$TMP/err"
edit 'a[1]["resource"] = "Databse"'
expect_exit "an unknown resource" 2 S check --env staging
expect_grep "is named with the closest logical ID" "environment 'staging' has no resource 'Databse' \(at acceptances\[1\]\.resource\)" "$TMP/err"
expect_grep "did you mean the resource" "did you mean 'Database'" "$TMP/err"
edit 'del a[2]["reason"]'
expect_exit "an acceptance without a reason" 2 S list --env staging
expect_grep "says the reason is missing" "acceptance without 'reason'" "$TMP/err"
edit 'a[2]["reason"] = "because"'
expect_exit "a reason of one word" 2 S list --env staging
edit 'a[3]["expires"] = "2027-02-30"'
expect_exit "a day that does not exist" 2 S list --env staging
expect_grep "is refused as a date" "'2027-02-30' is not a date YYYY-MM-DD \(at acceptances\[3\]\.expires\)" "$TMP/err"
edit 'a[0]["reson"] = "x"'
expect_exit "a misspelt key of an entry" 2 S list --env staging
expect_grep "gets did-you-mean" "did you mean 'reason'" "$TMP/err"

# another environment's resources are not touched: production's database keeps its findings
edit 'a.append({"rule": "SM-RDS-007", "resource": "Database", "reason": "IAM authentication comes with the next release"})'
S synth --env all --out "$TMP/all" --quiet
python3 - "$TMP/all" <<'PY' && ok "--env all: staging's acceptances stay in staging's stacks" || notok "acceptance leaked"
import json, sys
p = json.load(open(sys.argv[1] + "/SolemateProductionData.template.json"))["Resources"]["Database"]
s = (p.get("Metadata") or {}).get("cdk_nag", {}).get("rules_to_suppress", [])
assert not any(e.get("source") for e in s), s
PY

# YAML configurations take them too
python3 -c 'import json,sys,yaml; yaml.safe_dump(json.load(open("config/staging.json")), open(sys.argv[1], "w"), sort_keys=False)' "$TMP/y.yaml" 2>/dev/null &&
  { expect_exit "a YAML configuration with acceptances" 0 "$SOLEMATE" check --config "$TMP/y.yaml"; } || skip "YAML" "python3-yaml missing"

# a foreign template's own Metadata may carry an expiry too
cat >"$TMP/t.json" <<'EOF'
{"Resources": {"Db": {"Type": "AWS::RDS::DBInstance", "Metadata": {"cdk_nag": {"rules_to_suppress": [
  {"id": "AwsSolutions-RDS3", "reason": "single-AZ during the migration", "expires": "2002-02-02"}]}},
  "Properties": {"DBInstanceClass": "db.t3.micro", "Engine": "postgres", "StorageEncrypted": true, "MultiAZ": false}}}}
EOF
expect_exit "a lapsed suppression in a template" 1 "$SOLEMATE" check --pack aws-foundational "$TMP/t.json"
expect_grep "is reported as expired" "SM-NAG-002 .*Db: the acceptance of 'AwsSolutions-RDS3' expired on 2002-02-02: single-AZ" "$TMP/out"

# a cdk-nag ID mutes only the rules it is the exact equal of: AwsSolutions-ECS2 flags every plain
# variable, and its suppression ("the variables are not secrets") does not accept SM-ECS-005, a
# secret in one; AwsSolutions-RDS3 is SM-RDS-003's equal and mutes it; our own ID mutes its rule
task() { # task METADATA-ENTRY
  cat >"$TMP/task.json" <<EOF
{"Resources": {"Task": {"Type": "AWS::ECS::TaskDefinition", "Metadata": {"cdk_nag": {"rules_to_suppress": [$1]}},
  "Properties": {"ContainerDefinitions": [{"Name": "app", "Image": "app:1", "User": "1000",
    "Environment": [{"Name": "DB_PASSWORD", "Value": "hunter2"}]}]}}}}
EOF
}
task '{"id": "AwsSolutions-ECS2", "reason": "the plain variables are hosts and ports, not secrets"}'
expect_exit "a secret in a variable, cdk-nag's ECS2 suppressed" 1 "$SOLEMATE" check --pack all "$TMP/task.json"
expect_grep "SM-ECS-005 still fires under a suppression of AwsSolutions-ECS2" "error .*SM-ECS-005 .*Task: .*DB_PASSWORD" "$TMP/out"
task '{"id": "SM-ECS-005", "reason": "a throwaway password of a test database"}'
"$SOLEMATE" check --pack all --show-suppressed "$TMP/task.json" >"$TMP/out" 2>&1
expect_grep "our own ID mutes it" "muted   SM-ECS-005  Task:" "$TMP/out"
sed 's/"expires": "2002-02-02"/"expires": "2999-12-31"/' "$TMP/t.json" >"$TMP/rds3.json"
"$SOLEMATE" check --pack aws-foundational --show-suppressed "$TMP/rds3.json" >"$TMP/out" 2>&1
expect_grep "an exact cdk-nag equal still mutes: AwsSolutions-RDS3 mutes SM-RDS-003" "muted   SM-RDS-003  Db:" "$TMP/out"
done_testing

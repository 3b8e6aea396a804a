#!/usr/bin/env bash
# diff --against: no change is exit 0; each kind of change is shown with its
# replacement and data-at-risk verdict from the schemas; security changes apart.
. tests/lib.sh

# structural: a statement inserted at the front is one addition; the next
# one's grown action list and changed resource are shown down to the leaf
mkdir -p "$TMP/s1" "$TMP/s2"
python3 - "$TMP/s1/t.json" "$TMP/s2/t.json" <<'PY'
import copy, json, sys
t = {"Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {
  "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
  "Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": [
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/*"]]}},
    {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}]}}]}},
  "Bucket": {"Type": "AWS::S3::Bucket"}}}
json.dump(t, open(sys.argv[1], "w"))
st = t["Resources"]["Role"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
st.insert(0, {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"})
st[1]["Action"].append("s3:DeleteObject")
st[1]["Resource"]["Fn::Join"][1][1] = "/uploads/*"
json.dump(t, open(sys.argv[2], "w"))
PY
"$SOLEMATE" diff --against "$TMP/s1/t.json" "$TMP/s2/t.json" >"$TMP/out"
expect_grep "structural: the inserted statement, at its index" "^    Properties.Policies\[0\].PolicyDocument.Statement\[0\]: \(none\) -> \{\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"\*\"\}$" "$TMP/out"
expect_grep "structural: the action added to the next one" "^    Properties.Policies\[0\].PolicyDocument.Statement\[1\].Action\[2\]: \(none\) -> \"s3:DeleteObject\"$" "$TMP/out"
expect_grep "structural: inside Fn::Join, the part that changed" "^    Properties.Policies\[0\].PolicyDocument.Statement\[1\].Resource.Fn::Join\[1\]\[1\]: \"/\*\" -> \"/uploads/\*\"$" "$TMP/out"
n=$(grep -c "^    Properties" "$TMP/out"); [ "$n" = 3 ] && ok "structural: three changes, nothing else" || notok "structural: three changes" "$n: $(cat "$TMP/out")"
expect_grep "IAM table: references read as \${Bucket.Arn}" "^- \| \\\$\{Bucket.Arn\}/\* +\| Allow +\| s3:GetObject, s3:PutObject +\| AWS:\\\$\{Role\}" "$TMP/out"
"$SOLEMATE" diff --against "$TMP/s1/t.json" "$TMP/s2/t.json" --format markdown >"$TMP/md"
expect_grep "markdown: the IAM table" "^\| \*\*\+\*\* \| \`\*\` \| Allow \| \`kms:Decrypt\` \| .* wildcard resource \|$" "$TMP/md"
expect_grep "markdown: the leaf path" "Statement\[1\].Action\[2\]" "$TMP/md"
expect_grep "IAM table: the new statement with a wildcard resource" "^\+ \| \* +\| Allow +\| kms:Decrypt .*\| wildcard resource$" "$TMP/out"

"$SOLEMATE" synth --env all --out "$TMP/old" --quiet
expect_exit "no differences: exit 0" 0 "$SOLEMATE" diff --against "$TMP/old"
expect_exit "two identical assemblies: exit 0" 0 "$SOLEMATE" diff --against "$TMP/old" "$TMP/old"
cp -r "$TMP/old" "$TMP/new"
python3 - "$TMP/new" <<'PY'
import json, sys, os
d = sys.argv[1]
def edit(name, fn):
    p = os.path.join(d, name); t = json.load(open(p)); fn(t["Resources"]); json.dump(t, open(p, "w"), indent=1)
def data(r):
    r["Database"]["Properties"]["StorageEncrypted"] = False          # replaces the database
    r["AppLogs"]["Properties"]["RetentionInDays"] = 60                # in place
    r.pop("LogsBucket"); r.pop("LogsBucketPolicy")                    # stateful removal (Retain: kept)
    r["NewTopic"] = {"Type": "AWS::SNS::Topic", "Properties": {}}     # added
def net(r):
    r["AppSecurityGroup"]["Properties"]["SecurityGroupIngress"] = [{"CidrIp": "0.0.0.0/0", "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22}]
def comp(r):
    r["TaskRolePolicy"]["Properties"]["PolicyDocument"]["Statement"].append({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
edit("SolemateProductionData.template.json", data)
edit("SolemateStagingNetwork.template.json", net)
edit("SolemateStagingCompute.template.json", comp)
PY
"$SOLEMATE" diff --against "$TMP/old" "$TMP/new" > "$TMP/out"; rc=$?
[ $rc = 0 ] && ok "differences: exit 0, as cdk diff" || notok "differences: exit 0, as cdk diff" "exit $rc"
expect_exit "differences with --fail: exit 1" 1 "$SOLEMATE" diff --against "$TMP/old" "$TMP/new" --fail
expect_exit "no differences with --fail: exit 0" 0 "$SOLEMATE" diff --against "$TMP/old" "$TMP/old" --fail
"$SOLEMATE" diff --against "$TMP/old" "$TMP/new" > "$TMP/out"
expect_grep "database replacement named" "\[~\] AWS::RDS::DBInstance Database \(requires replacement\)" "$TMP/out"
expect_grep "data at risk shouted" "DATA AT RISK: Database is stateful and would be replaced" "$TMP/out"
expect_grep "property change shown old -> new" "Properties.StorageEncrypted: true -> false \(requires replacement\)" "$TMP/out"
expect_grep "in-place change not marked as replacement" "^\[~\] AWS::Logs::LogGroup AppLogs$" "$TMP/out"
expect_grep "removed resource" "\[-\] AWS::S3::Bucket LogsBucket" "$TMP/out"
expect_grep "added resource" "\[\+\] AWS::SNS::Topic NewTopic" "$TMP/out"
expect_grep "security-group rule table: the new rule, open to the internet" "^\+ \| \\\$\{AppSecurityGroup.GroupId\} \| In +\| tcp 22 +\| 0.0.0.0/0 +\| open to the internet$" "$TMP/out"
expect_grep "IAM statement table: the new statement, a wildcard action" "^\+ \| \* +\| Allow +\| s3:\* +\| AWS:\\\$\{TaskRole\} .*\| wildcard action$" "$TMP/out"
expect_grep "the statement added is one change, at its index" "Properties.PolicyDocument.Statement\[5\]: \(none\) -> \{\"Effect\":\"Allow\",\"Action\":\"s3:\*\",\"Resource\":\"\*\"\}" "$TMP/out"
expect_grep "the summary counts them" "4 IAM statement and 1 security-group rule changes \(2 widening access\)" "$TMP/out"
"$SOLEMATE" diff --against "$TMP/old" "$TMP/new" --format json > "$TMP/j"
python3 - "$TMP/j" <<'PY' && ok "JSON: summary and per-resource verdicts" || notok "JSON diff"
import json, sys
d = json.load(open(sys.argv[1]))
s = d["summary"]
assert s["added"] == 1 and s["removed"] == 2 and s["replaced"] == 1 and s["dataAtRisk"] >= 1, s
db = [r for st in d["stacks"] for r in st["resources"] if r["id"] == "Database"][0]
assert db["replacement"] == "yes" and db["stateful"] and db["dataAtRisk"]
logs = [r for st in d["stacks"] for r in st["resources"] if r["id"] == "LogsBucket"][0]
assert s["iamStatements"] == 4 and s["securityGroupRules"] == 1 and s["widening"] == 2, s
iam = [x for st in d["stacks"] for x in st["iamStatements"]]
assert [(x["action"], x["note"]) for x in iam if x["change"] == "+"] == [("s3:*", "wildcard action")], iam
assert {x["owner"] for x in iam if x["change"] == "-"} == {"LogsBucketPolicy"}, iam
assert logs["change"] == "removed" and not logs["dataAtRisk"]  # DeletionPolicy Retain keeps it
PY
# against the deployed stacks: needs credentials, and says which when there are none
mkdir -p "$TMP/home"
expect_exit "diff --env without credentials: exit 2" 2 env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY \
  -u AWS_PROFILE HOME="$TMP/home" AWS_CONFIG_FILE="$TMP/home/none" AWS_SHARED_CREDENTIALS_FILE="$TMP/home/none" \
  "$SOLEMATE" diff --env staging
expect_grep "diff --env without credentials: says what to set" "AWS_ACCESS_KEY_ID" "$TMP/err"
expect_exit "diff --env all against the deployed stacks: one environment at a time, exit 2" 2 \
  "$SOLEMATE" diff --env all --endpoint-url http://127.0.0.1:9
expect_exit "unreadable assembly is bad input" 2 "$SOLEMATE" diff --against "$TMP/nope"

# Parameters, Conditions, Mappings and Outputs are compared too (only
# Resources were: a changed parameter default was "no differences"); a
# NoEcho parameter's values are masked, and so is a secret copied into an Output
D=tests/fixtures/diff-sections
expect_exit "sections: a template whose only changes are outside Resources, --fail: exit 1" 1 \
  "$SOLEMATE" diff --against "$D/old/t.json" "$D/new/t.json" --fail
for pat in '^Parameters$' '^\[~\] Env$' '^    Default: "staging" -> "production"$' \
           '^    AllowedValues: \(none\) -> \["staging","production"\]$' '^\[-\] Gone$' '^\[\+\] New$' \
           '^Conditions$' '^    Fn::Equals\[1\]: "production" -> "prod"$' '^Outputs$' \
           '^    Value: \{"Ref":"B"\} -> \{"Fn::GetAtt":\["B","Arn"\]\}$' '^7 changes to Parameters'; do
  expect_grep "sections, text: $pat" "$pat" "$TMP/out"
done
expect_grep "sections: a NoEcho parameter's default is masked" '^    Default: "\(secret\)" -> "\(secret\)"$' "$TMP/out"
"$SOLEMATE" diff --against "$D/old/t.json" "$D/new/t.json" --format json >"$TMP/j"
"$SOLEMATE" diff --against "$D/old/t.json" "$D/new/t.json" --format markdown >"$TMP/md"
expect_grep "sections, markdown: the parameter change" '^  - `Default`: `"staging"` → `"production"`$' "$TMP/md"
python3 - "$TMP/j" <<'PY' && ok "sections, JSON: one entry per changed entry, counted" || notok "sections, JSON"
import json, sys
d = json.load(open(sys.argv[1]))
st = d["stacks"][0]
got = [(x["section"], x["id"], x["change"]) for x in st["sections"]]
assert got == [("Parameters", "Env", "modified"), ("Parameters", "Pw", "modified"), ("Parameters", "Gone", "removed"),
               ("Parameters", "New", "added"), ("Conditions", "IsProd", "modified"), ("Outputs", "O", "modified"),
               ("Outputs", "P", "added")], got
assert st["status"] == "modified" and d["summary"]["otherSections"] == 7, d["summary"]
PY
if cat "$TMP/out" "$TMP/j" "$TMP/md" | grep -q hunter2; then notok "sections: no secret in any output" "$(grep hunter2 "$TMP/out" "$TMP/j" "$TMP/md" | head -3)"
else ok "sections: no secret in any output"; fi
done_testing

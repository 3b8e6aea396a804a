#!/usr/bin/env bash
# diff --against: no change is exit 0; each kind of change is shown with its
# replacement and data-at-risk verdict from the schemas; security changes apart.
. tests/lib.sh
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
expect_grep "security-group change listed" "modified security-group AppSecurityGroup" "$TMP/out"
expect_grep "IAM statement change listed" "modified iam TaskRolePolicy" "$TMP/out"
"$SOLEMATE" diff --against "$TMP/old" "$TMP/new" --format json > "$TMP/j"
python3 - "$TMP/j" <<'PY' && ok "JSON: summary and per-resource verdicts" || notok "JSON diff"
import json, sys
d = json.load(open(sys.argv[1]))
s = d["summary"]
assert s["added"] == 1 and s["removed"] == 2 and s["replaced"] == 1 and s["dataAtRisk"] >= 1, s
db = [r for st in d["stacks"] for r in st["resources"] if r["id"] == "Database"][0]
assert db["replacement"] == "yes" and db["stateful"] and db["dataAtRisk"]
logs = [r for st in d["stacks"] for r in st["resources"] if r["id"] == "LogsBucket"][0]
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
done_testing

#!/usr/bin/env bash
# slow
# End to end against moto (the AWS emulator) with SigV4 signatures and IAM
# checked on every request: bootstrap, first deploy of both environments
# (templates uploaded to the bootstrap bucket), resource validation through
# boto3 (the PRD's testing section), storage, a no-op deploy, diff against
# the deployed stacks, an update, termination protection, credentials that
# are wrong or not allowed, faults injected by a proxy (throttling, 500s,
# dropped connections, lost answers), and destroy. What moto cannot do is
# in tests/aws/moto_fixes.py (gaps filled) and tests/cli/deploy_responder.sh.
. tests/lib.sh

if ! python3 -c 'import moto.server, boto3' 2>/dev/null; then
  skip "deploy against moto" "moto[server] or boto3 missing (scripts/install-deps.sh --test)"
  done_testing; exit 0
fi
if ! python3 tests/aws/moto_env.py start --dir "$TMP/moto" >"$TMP/moto.out" 2>&1; then
  notok "moto starts with signature checks on" "$(tail -5 "$TMP/moto.out")"; done_testing; exit 1
fi
PROXY_PID=
trap 'python3 tests/aws/moto_env.py stop --dir "$TMP/moto" >/dev/null 2>&1; [ -n "$PROXY_PID" ] && kill $PROXY_PID 2>/dev/null; rm -rf "$TMP"' EXIT
. "$TMP/moto/env.sh"
# "localhost": moto reads a TemplateURL from its own S3 only under that name
EP=http://localhost:$MOTO_PORT
E=(--endpoint-url "$EP")
export SOLEMATE_POLL_MS=50 SOLEMATE_RETRY_BASE_MS=1
export HOME=$TMP/home AWS_CONFIG_FILE=$TMP/home/none AWS_SHARED_CREDENTIALS_FILE=$TMP/home/none
mkdir -p "$HOME"
ok "moto starts with signature checks on ($SOLEMATE_ENDPOINT)"

py() { python3 - "$@"; }  # boto3 against moto, as the ci user

# The HTTPS listener needs a certificate that exists: import one into moto's
# ACM and point both environments at it (as one would with a real ARN). It
# covers both distributions' aliases, or deploy's preflight stops the deploy.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -days 7 \
  -subj "/CN=solemate.com" \
  -addext "subjectAltName=DNS:solemate.com,DNS:*.solemate.com,DNS:*.staging.solemate.com" 2>/dev/null
import_cert() { py "$TMP" "$1" <<'EOF'
import boto3, os, sys
d, region = sys.argv[1], sys.argv[2]
acm = boto3.client("acm", endpoint_url=os.environ["SOLEMATE_ENDPOINT"], region_name=region)
print(acm.import_certificate(Certificate=open(d + "/cert.pem", "rb").read(),
                             PrivateKey=open(d + "/key.pem", "rb").read())["CertificateArn"])
EOF
}
CERT=$(import_cert us-east-1)
# the standby's load balancer (drReadiness) takes one of its own region
DR_CERT=$(import_cert us-west-2)
mkdir -p "$TMP/cfg"
for env in staging production; do
  py config/$env.json "$TMP/cfg/$env.json" "$CERT" "$DR_CERT" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1])); c.pop("$schema", None); c["certificateArn"] = sys.argv[3]
if "drAlbCertificateArn" in c: c["drAlbCertificateArn"] = sys.argv[4]
# production deploys and is destroyed here with its backups in the DR region
# (the Dr stack, the Data stack's replication and copies): moto 5.2.1 cannot
# delete the warm standby's VPC (it leaves the NAT gateway and the gateway
# attachment behind: DependencyViolation), which would stop the destroy
# before the Data stack. The warm standby is deployed and failed over in
# dr_standby_moto.sh
if c.get("drReadiness") in ("pilot-light", "warm-standby"): c["drReadiness"] = "backup-restore"
c["accountId"] = "123456789012"  # moto's account: production's placeholder is another
json.dump(c, open(sys.argv[2], "w"), indent=2)
EOF
done
cp config/baseline.json "$TMP/cfg/"   # the account baseline: no certificate in it
C=(--config-dir "$TMP/cfg")
B=SolemateBaseline-123456789012-us-east-1   # moto's account, the shipped baseline's region

# --- credentials that moto refuses
expect_exit "wrong secret: exit 1" 1 env AWS_SECRET_ACCESS_KEY=wrong-secret "$SOLEMATE" deploy --env staging "${C[@]}" --yes "${E[@]}"
expect_grep "wrong secret: SignatureDoesNotMatch" "SignatureDoesNotMatch" "$TMP/err"
# the first call, the account check's GetCallerIdentity, is refused and not retried
expect_grep "wrong secret: the account check's call refused" "STS GetCallerIdentity: SignatureDoesNotMatch" "$TMP/err"
if grep -q "gave up after" "$TMP/err"; then notok "wrong secret: not retried (a client error)"; else ok "wrong secret: not retried (a client error)"; fi
if grep -q "wrong-secret" "$TMP/out" "$TMP/err"; then notok "wrong secret: never printed"; else ok "wrong secret: never printed"; fi

# --- bootstrap
expect_exit "bootstrap staging: exit 0" 0 "$SOLEMATE" bootstrap --env staging "${C[@]}" --yes "${E[@]}"
expect_grep "bootstrap: names the bucket" "BucketName = solemate-toolkit-" "$TMP/out"
py <<'EOF' && ok "bootstrap bucket: encrypted, versioned, public access blocked (its TLS-only policy: moto does not model bucket policies)" || notok "bootstrap bucket"
import boto3, json, os
s3 = boto3.client("s3", endpoint_url=os.environ["SOLEMATE_ENDPOINT"])
b = [x["Name"] for x in s3.list_buckets()["Buckets"] if x["Name"].startswith("solemate-toolkit-")][0]
assert s3.get_bucket_encryption(Bucket=b)["ServerSideEncryptionConfiguration"]["Rules"][0]
assert s3.get_bucket_versioning(Bucket=b)["Status"] == "Enabled"
assert all(s3.get_public_access_block(Bucket=b)["PublicAccessBlockConfiguration"].values())
EOF
expect_exit "bootstrap again: unchanged, exit 0" 0 "$SOLEMATE" bootstrap --env staging "${C[@]}" --yes "${E[@]}"
expect_grep "bootstrap again: no changes" "no changes" "$TMP/out"

# --- first deploy of staging, every template through the bootstrap bucket
expect_exit "first deploy of staging (--upload always): exit 0" 0 \
  "$SOLEMATE" deploy --env staging "${C[@]}" --yes --upload always "${E[@]}"
cp "$TMP/out" "$TMP/deploy-staging.out"
expect_grep "staging: 5 stacks deployed" "staging: 5 deployed, 0 unchanged, 0 failed" "$TMP/deploy-staging.out"
expect_grep "templates uploaded to the bootstrap bucket" "uploaded to http://localhost:[0-9]+/solemate-toolkit-" "$TMP/deploy-staging.out"

# --- the account baseline: its own unit, deployed once per account and region
expect_exit "deploy --env baseline: exit 0" 0 "$SOLEMATE" deploy --env baseline "${C[@]}" --yes "${E[@]}"
expect_grep "baseline: its one stack deployed" "baseline: 1 deployed, 0 unchanged, 0 failed" "$TMP/out"
expect_exit "deploy --env baseline again: exit 0" 0 "$SOLEMATE" deploy --env baseline "${C[@]}" --yes "${E[@]}"
expect_grep "baseline: deployed once, the second time unchanged" "baseline: 0 deployed, 1 unchanged" "$TMP/out"
baseline_stands() { # $1: what the check is about
  py "$B" <<'EOF' && ok "$1" || notok "$1"
import boto3, os, sys
cf = boto3.client("cloudformation", endpoint_url=os.environ["SOLEMATE_ENDPOINT"])
s = cf.describe_stacks(StackName=sys.argv[1])["Stacks"][0]
assert s["StackStatus"] in ("CREATE_COMPLETE", "UPDATE_COMPLETE"), s["StackStatus"]
assert s.get("EnableTerminationProtection"), "no termination protection"
# its own key and delivery bucket (moto lists CloudTrail, Config and Cost
# Explorer resources of a stack without their type: not asserted here)
ids = {r["LogicalResourceId"]: r["ResourceType"]
       for r in cf.list_stack_resources(StackName=sys.argv[1])["StackResourceSummaries"]}
assert ids.get("AuditKey") == "AWS::KMS::Key" and ids.get("AuditBucket") == "AWS::S3::Bucket", ids
EOF
}
baseline_stands "baseline: one protected stack with its own key and delivery bucket"

# --- resource validation (the PRD's testing section), read back through the AWS API
validate_env() { # ENV CONFIG
  py "$1" "$2" <<'EOF'
import boto3, json, os, sys
env, cfgf = sys.argv[1], sys.argv[2]
cfg = json.load(open(cfgf))
prefix = "Solemate" + env.capitalize()
ep = os.environ["SOLEMATE_ENDPOINT"]
cf, ec2, rds, s3, ecs = (boto3.client(s, endpoint_url=ep) for s in ("cloudformation", "ec2", "rds", "s3", "ecs"))
def phys(stack, logical):
    for r in cf.list_stack_resources(StackName=prefix + stack)["StackResourceSummaries"]:
        if r["LogicalResourceId"] == logical:
            return r["PhysicalResourceId"]
    raise SystemExit(f"{logical} not in {prefix}{stack}")
fail = []
def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else f": {detail}"))
    cond or fail.append(name)
vpc = phys("Network", "Vpc")
v = ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]
check("VPC has the configured CIDR", v["CidrBlock"] == cfg["vpcCidr"], v["CidrBlock"])
subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
azs = {s["AvailabilityZone"] for s in subnets}
check("subnets: 3 tiers x AZs", len(subnets) == 3 * cfg.get("maxAzs", 2) and len(azs) == cfg.get("maxAzs", 2), subnets)
db = rds.describe_db_instances(DBInstanceIdentifier=phys("Data", "Database"))["DBInstances"][0]
check("database encrypted", db["StorageEncrypted"] is True)
check("database Multi-AZ as configured", db["MultiAZ"] == cfg.get("databaseMultiAz", False), db["MultiAZ"])
check("database not publicly accessible", db.get("PubliclyAccessible") is False)
check("database engine postgres", db["Engine"] == "postgres")
# the first group of the Data stack's ID: what outlives the stack (its export groups) is named
# per stack, so that the stack can be created again after a destroy (SM-DEP-080)
group = cf.describe_stacks(StackName=prefix + "Data")["Stacks"][0]["StackId"].split("/")[2].split("-")[0]
ident = f"solemate-{env}-{group}"
check("database identifier known before creation, per environment and Data stack", db["DBInstanceIdentifier"] == ident, db["DBInstanceIdentifier"])
check("database engine version as configured", db["EngineVersion"] == cfg["databaseEngineVersion"], db["EngineVersion"])
check("database master password not managed by RDS (replicas allowed)", not db.get("MasterUserSecret"), db.get("MasterUserSecret"))
lg = {g["logGroupName"]: g for g in boto3.client("logs", endpoint_url=ep).describe_log_groups(logGroupNamePrefix=f"/aws/rds/instance/{ident}/")["logGroups"]}
want = {f"/aws/rds/instance/{ident}/{l}" for l in ("postgresql", "upgrade")}
# (moto's AWS::Logs::LogGroup drops KmsKeyId: the key is asserted on the template, tests/unit/test_infra.c)
check("RDS log export groups exist before RDS writes, with the configured retention", want <= set(lg) and all(lg[n].get("retentionInDays") == cfg.get("logRetentionDays", 90) for n in want), lg)
for logical in ("AssetsBucket", "LogsBucket"):
    b = phys("Data", logical)
    enc = s3.get_bucket_encryption(Bucket=b)["ServerSideEncryptionConfiguration"]["Rules"][0]
    check(f"{logical} encrypted", enc["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("aws:kms", "AES256"))
    check(f"{logical} versioned", s3.get_bucket_versioning(Bucket=b).get("Status") == "Enabled")
    check(f"{logical} public access blocked", all(s3.get_public_access_block(Bucket=b)["PublicAccessBlockConfiguration"].values()))
sg = {n: phys("Network", n) for n in ("AlbSecurityGroup", "AppSecurityGroup", "DatabaseSecurityGroup")}
def ingress(g):
    out = set()
    for p in ec2.describe_security_groups(GroupIds=[g])["SecurityGroups"][0]["IpPermissions"]:
        for src in ([x["GroupId"] for x in p["UserIdGroupPairs"]] + [x["CidrIp"] for x in p["IpRanges"]] + [x["CidrIpv6"] for x in p.get("Ipv6Ranges", [])]
                    + [x["PrefixListId"] for x in p.get("PrefixListIds", [])]):
            out.add((p.get("FromPort"), p.get("ToPort"), src))
    return out
port = cfg.get("containerPort", 8080)
check("database SG: only the app tier on 5432", ingress(sg["DatabaseSecurityGroup"]) == {(5432, 5432, sg["AppSecurityGroup"])}, ingress(sg["DatabaseSecurityGroup"]))
check("app SG: only the load balancer on the container port", ingress(sg["AppSecurityGroup"]) == {(port, port, sg["AlbSecurityGroup"])}, ingress(sg["AppSecurityGroup"]))
alb = ingress(sg["AlbSecurityGroup"])
# deploy looked the list's ID up in the region (issue 12: only CloudFront reaches the ALB)
cfl = ec2.describe_managed_prefix_lists(Filters=[{"Name": "prefix-list-name", "Values": ["com.amazonaws.global.cloudfront.origin-facing"]}])["PrefixLists"]
net = cf.describe_stacks(StackName=prefix + "Network")["Stacks"][0]
given = {p["ParameterKey"]: p["ParameterValue"] for p in net.get("Parameters", [])}.get("CloudFrontOriginFacingPrefixList")
check("deploy passed the region's CloudFront origin-facing prefix list", cfl and given == cfl[0]["PrefixListId"], (given, cfl))
# moto's AWS::EC2::SecurityGroup drops SourcePrefixListId rules: nothing else may be open
check("ALB SG: only 443, from CloudFront's origin-facing prefix list", alb in (set(), {(443, 443, given)}), alb)
# issue 12 #16: after the second run of the Data stack, the key names this distribution, no other
kp = boto3.client("kms", endpoint_url=ep).get_key_policy(KeyId=phys("Data", "DataKey"), PolicyName="default")["Policy"]
dist = cf.describe_stacks(StackName=prefix + "Edge")["Stacks"][0]
dist_id = {o["OutputKey"]: o["OutputValue"] for o in dist.get("Outputs", [])}.get("DistributionId")
# (moto models no AWS::CloudFront::Distribution: its Edge stack has no DistributionId
# output, so the key keeps no CloudFront statement; with one, the key names it)
check("data key: CloudFront may decrypt for this distribution only", "distribution/*" not in kp
      and (f"distribution/{dist_id}" in kp if dist_id else "cloudfront.amazonaws.com" not in kp), (dist_id, kp))
svc = ecs.describe_services(cluster=phys("Compute", "Cluster"), services=[phys("Compute", "Service")])["services"][0]
check("ECS service desired count as configured", svc["desiredCount"] == cfg["ecsDesiredCount"], svc["desiredCount"])
sys.exit(1 if fail else 0)
EOF
}
if validate_env staging "$TMP/cfg/staging.json" >"$TMP/val.out" 2>&1; then ok "staging resources as designed (VPC, subnets, database, buckets, security groups, service)"
else notok "staging resources as designed" "$(grep -v '^ok' "$TMP/val.out" | head -8)"; fi

# --- storage: an object through the deployed assets bucket, and its versions
py <<'EOF' >"$TMP/storage.out" 2>&1 && ok "storage: put, get, and two versions of an object in the assets bucket" || notok "storage" "$(tail -3 "$TMP/storage.out")"
import boto3, os
ep = os.environ["SOLEMATE_ENDPOINT"]
cf, s3 = boto3.client("cloudformation", endpoint_url=ep), boto3.client("s3", endpoint_url=ep)
b = [r["PhysicalResourceId"] for r in cf.list_stack_resources(StackName="SolemateStagingData")["StackResourceSummaries"] if r["LogicalResourceId"] == "AssetsBucket"][0]
s3.put_object(Bucket=b, Key="img/shoe.png", Body=b"v1")
s3.put_object(Bucket=b, Key="img/shoe.png", Body=b"v2")
assert s3.get_object(Bucket=b, Key="img/shoe.png")["Body"].read() == b"v2"
# (with Prefix, moto checks ListObjectVersions' signature wrongly: SignatureDoesNotMatch)
vs = [v for v in s3.list_object_versions(Bucket=b)["Versions"] if v["Key"] == "img/shoe.png"]
assert len(vs) == 2, vs
EOF

# --- no-op deploy, and diff against the deployed stacks
expect_exit "no-op deploy: exit 0" 0 "$SOLEMATE" deploy --env staging "${C[@]}" --yes "${E[@]}"
expect_grep "no-op deploy: every stack unchanged" "staging: 0 deployed, 5 unchanged" "$TMP/out"
py <<'EOF' && ok "no-op deploy: no change set left behind" || notok "no-op deploy: change sets left"
import boto3, os
cf = boto3.client("cloudformation", endpoint_url=os.environ["SOLEMATE_ENDPOINT"])
left = [(s["StackName"], c["ChangeSetName"]) for s in cf.describe_stacks()["Stacks"]
        for c in cf.list_change_sets(StackName=s["StackName"])["Summaries"]
        if c.get("ExecutionStatus") == "AVAILABLE"]
assert not left, left
EOF
expect_exit "diff --env staging against the deployed stacks: none, exit 0" 0 "$SOLEMATE" diff --env staging "${C[@]}" "${E[@]}"

# --- an update: one more task
py "$TMP/cfg/staging.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1])); c["ecsDesiredCount"] += 1; c["ecsMaxCapacity"] = max(c.get("ecsMaxCapacity", 4), c["ecsDesiredCount"])
json.dump(c, open(sys.argv[1], "w"), indent=2)
EOF
expect_exit "diff --fail after a config change: differences, exit 1" 1 "$SOLEMATE" diff --fail --env staging "${C[@]}" "${E[@]}"
expect_grep "diff: the service's DesiredCount" "DesiredCount" "$TMP/out"
expect_exit "update deploy: exit 0" 0 "$SOLEMATE" deploy --env staging "${C[@]}" --yes "${E[@]}"
expect_grep "update: only what changed is deployed" "staging: [1-2] deployed, [3-4] unchanged" "$TMP/out"
if validate_env staging "$TMP/cfg/staging.json" >"$TMP/val2.out" 2>&1; then ok "update: the service runs the new desired count"
else notok "update: read back" "$(grep -v '^ok' "$TMP/val2.out" | head -5)"; fi

# --- production: Multi-AZ, termination protection
# its DR region's templates are uploaded too: us-west-2 needs the toolkit
expect_exit "bootstrap production's DR region (us-west-2): exit 0" 0 "$SOLEMATE" bootstrap --env production --region us-west-2 "${C[@]}" --yes "${E[@]}"
expect_exit "first deploy of production: exit 0" 0 "$SOLEMATE" deploy --env production "${C[@]}" --yes "${E[@]}"
expect_grep "production: its stacks deployed" "production: [0-9]+ deployed, 0 unchanged, 0 failed" "$TMP/out"
if validate_env production "$TMP/cfg/production.json" >"$TMP/valp.out" 2>&1; then ok "production resources as designed (Multi-AZ database among them)"
else notok "production resources as designed" "$(grep -v '^ok' "$TMP/valp.out" | head -8)"; fi
py "$B" <<'EOF' && ok "production stacks and the account baseline have termination protection, staging's do not" || notok "termination protection"
import boto3, os, sys
cf = boto3.client("cloudformation", endpoint_url=os.environ["SOLEMATE_ENDPOINT"])
for s in cf.describe_stacks()["Stacks"]:
    want = s["StackName"].startswith("SolemateProduction") or s["StackName"] == sys.argv[1]
    assert bool(s.get("EnableTerminationProtection")) == want, (s["StackName"], s.get("EnableTerminationProtection"))
EOF

# --- a user allowed to read only: AccessDenied, exit 1, nothing left behind
expect_exit "read-only user: deploy refused by IAM, exit 1" 1 env AWS_ACCESS_KEY_ID="$RO_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$RO_SECRET_ACCESS_KEY" \
  "$SOLEMATE" deploy --env staging "${C[@]}" --yes --stack SolemateStagingNetwork --require-approval never "${E[@]}"
expect_grep "read-only user: AccessDenied named" "AccessDenied" "$TMP/err"

# --- faults between solemate and moto (tests/aws/fault_proxy.py)
python3 tests/aws/fault_proxy.py --upstream "$SOLEMATE_ENDPOINT" --port 0 --log "$TMP/proxy.jsonl" \
  --fault 'Action=CreateChangeSet:throttle:2' --fault 'Action=DescribeStacks:500:1' \
  --fault 'Action=DescribeChangeSet:drop:1' --fault 'Action=ExecuteChangeSet:lose:1' >"$TMP/proxy.port" 2>"$TMP/proxy.err" &
PROXY_PID=$!
for _ in $(seq 50); do [ -s "$TMP/proxy.port" ] && break; sleep 0.1; done
PX=http://localhost:$(head -1 "$TMP/proxy.port")
py "$TMP/cfg/staging.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1])); c["logRetentionDays"] = 90
json.dump(c, open(sys.argv[1], "w"), indent=2)
EOF
expect_exit "faults (throttling, a 500, a dropped connection, a lost answer): deploy still succeeds" 0 \
  "$SOLEMATE" deploy --env staging "${C[@]}" --yes --stack SolemateStagingNetwork --stack SolemateStagingData --endpoint-url "$PX"
cp "$TMP/out" "$TMP/faults.out"
py "$TMP/proxy.jsonl" <<'EOF' >"$TMP/faults.chk" 2>&1 && ok "faults: each retried as it should (log of the proxy)" || notok "faults: retries" "$(cat "$TMP/faults.chk")"
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
def n(action, fault=None):
    return sum(1 for e in log if e["action"] == action and (fault is None or e["fault"] == fault))
assert n("CreateChangeSet", "throttle") == 2, log
assert n("DescribeStacks", "500") == 1
assert n("DescribeChangeSet", "drop") == 1
assert n("ExecuteChangeSet", "lose") == 1
EOF
expect_grep "faults: the retries are counted" "\([0-9]+ requests, [1-9][0-9]* retried\)" "$TMP/faults.out"
kill $PROXY_PID 2>/dev/null; wait $PROXY_PID 2>/dev/null
python3 tests/aws/fault_proxy.py --upstream "$SOLEMATE_ENDPOINT" --port 0 --log "$TMP/proxy2.jsonl" \
  --fault 'Action=CreateChangeSet:denied:all' >"$TMP/proxy.port" 2>"$TMP/proxy.err" &
PROXY_PID=$!
for _ in $(seq 50); do [ "$(head -1 "$TMP/proxy.port" 2>/dev/null)" != "${PX##*:}" ] && [ -s "$TMP/proxy.port" ] && break; sleep 0.1; done
PX=http://localhost:$(head -1 "$TMP/proxy.port")
py "$TMP/cfg/staging.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1])); c["logRetentionDays"] = 60
json.dump(c, open(sys.argv[1], "w"), indent=2)
EOF
expect_exit "AccessDenied from the proxy: exit 1" 1 "$SOLEMATE" deploy --env staging "${C[@]}" --yes --stack SolemateStagingNetwork --stack SolemateStagingData --endpoint-url "$PX"
n=$(grep -c '"CreateChangeSet"' "$TMP/proxy2.jsonl")
if [ "$n" = 1 ]; then ok "AccessDenied: not retried (1 CreateChangeSet)"; else notok "AccessDenied: not retried" "$n CreateChangeSet requests"; fi
kill $PROXY_PID 2>/dev/null; wait $PROXY_PID 2>/dev/null; PROXY_PID=

# --- destroy
expect_exit "destroy production without --force: refused, exit 2" 2 "$SOLEMATE" destroy --env production "${C[@]}" --yes "${E[@]}"
"$SOLEMATE" destroy --env staging "${C[@]}" --yes "${E[@]}" >"$TMP/destroy.out" 2>"$TMP/destroy.err"; rc=$?
if [ $rc = 0 ]; then
  ok "destroy staging: exit 0"
  expect_grep "destroy staging: what CloudFormation kept is listed" "kept these" "$TMP/destroy.out"
else
  # moto leaves network interfaces behind and refuses to delete the VPC
  # (../shared/notes/moto.md): the other stacks must be gone, and the
  # failure must be named, not hidden
  if grep -q "DependencyViolation\|not deleted" "$TMP/destroy.err"; then ok "destroy staging: moto's DependencyViolation on the VPC is reported (exit $rc)"
  else notok "destroy staging" "exit $rc" "$(tail -5 "$TMP/destroy.err")"; fi
fi
py <<'EOF' && ok "destroy staging: the staging stacks above the network are gone, production's remain" || notok "destroy: what remains"
import boto3, os
cf = boto3.client("cloudformation", endpoint_url=os.environ["SOLEMATE_ENDPOINT"])
names = {s["StackName"] for s in cf.describe_stacks()["Stacks"] if s["StackStatus"] != "DELETE_COMPLETE"}
for s in ("Compute", "Edge", "Monitoring", "Data"):
    assert "SolemateStaging" + s not in names, names
assert any(n.startswith("SolemateProduction") for n in names), names
EOF
baseline_stands "destroy --env staging: the account baseline stays, protected"
"$SOLEMATE" destroy --env production "${C[@]}" --yes --force "${E[@]}" >"$TMP/destroyp.out" 2>&1
expect_grep "destroy --force: termination protection turned off" "termination protection off" "$TMP/destroyp.out"
expect_grep "destroy production: the database's final snapshot is listed" "final snapshot of AWS::RDS::DBInstance Database" "$TMP/destroyp.out"
baseline_stands "destroy of both environments: the account baseline stays"
done_testing

#!/usr/bin/env bash
# slow
# The AWS client (src/aws) against moto 5.2 with SigV4 and IAM checking on:
# start moto with INITIAL_NO_AUTH_ACTION_COUNT=3, create an IAM user with an
# allow-all inline policy in those 3 unchecked requests (boto3), make a
# bucket with the user's keys, then run build*/tests/test_aws_moto (change
# set lifecycle, events, template, resources, S3 uploads, TemplateURL, wrong
# secret) and read its results back through boto3; then run it again through
# tests/aws/fault_proxy.py, which injects a fault of every kind it has. Runs
# build*/tests/test_lifecycle against the same moto (the lifecycle layer).
. tests/lib.sh
if ! python3 -c 'import moto.server, boto3' 2>/dev/null; then
  if [ "${CI:-}" = true ]; then notok "moto[server] and boto3 missing in CI (scripts/install-deps.sh --test)"
  else skip "AWS client against moto" "moto or boto3 not installed"; fi
  done_testing; exit 0
fi
prog="$BUILD/tests/test_aws_moto"
if [ ! -x "$prog" ]; then notok "test program $prog built"; done_testing; exit 0; fi

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
INITIAL_NO_AUTH_ACTION_COUNT=3 python3 -m moto.server -H 127.0.0.1 -p "$port" >"$TMP/moto.log" 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null; wait "$moto_pid" 2>/dev/null; rm -rf "$TMP"' EXIT
# wait for the port with a bare TCP connect: an HTTP probe would use up an unchecked request
up=
for _ in $(seq 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then up=1; break; fi
  sleep 0.1
done
if [ -z "$up" ]; then notok "moto started" "$(tail -5 "$TMP/moto.log")"; done_testing; exit 0; fi
ok "moto started on port $port"

# a clean AWS environment: nothing from this machine's ~/.aws or shell
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
export HOME="$TMP" AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
# moto reads a TemplateURL from its own S3 only when the URL says "localhost"
endpoint="http://localhost:$port"
bucket=sm-moto-bucket stack=sm-moto-stack

if AWS_ACCESS_KEY_ID=bootstrap AWS_SECRET_ACCESS_KEY=bootstrap python3 - "$endpoint" >"$TMP/keys" 2>"$TMP/err" <<'PY'
import json, sys, boto3
iam = boto3.client("iam", endpoint_url=sys.argv[1])
iam.create_user(UserName="solemate-test")
iam.put_user_policy(UserName="solemate-test", PolicyName="all", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
k = iam.create_access_key(UserName="solemate-test")["AccessKey"]
print(k["AccessKeyId"], k["SecretAccessKey"])
PY
then ok "IAM user with an inline allow-all policy"; else notok "IAM user with an inline allow-all policy" "$(tail -3 "$TMP/err")"; fi
read -r AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY <"$TMP/keys"
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY

# signatures are checked from here on: a wrong secret is refused, the right one accepted
python3 - "$endpoint" "$bucket" >"$TMP/out" 2>&1 <<'PY'
import os, sys, boto3, botocore.exceptions as be
ep, bucket = sys.argv[1:]
try:
    boto3.client("s3", endpoint_url=ep, aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
                 aws_secret_access_key="wrong").list_buckets()
    print("wrong secret accepted")
except be.ClientError as e:
    print(e.response["Error"]["Code"])
boto3.client("s3", endpoint_url=ep).create_bucket(Bucket=bucket)
print("bucket created")
PY
expect_grep "moto checks signatures (boto3 with a wrong secret: SignatureDoesNotMatch)" '^SignatureDoesNotMatch$' "$TMP/out"
expect_grep "bucket created with the user's keys" '^bucket created$' "$TMP/out"

SOLEMATE_TEST_ENDPOINT="$endpoint" SOLEMATE_TEST_BUCKET="$bucket" SOLEMATE_TEST_STACK="$stack" \
  "$prog" >"$TMP/prog" 2>&1; rc=$?
cases=$(grep -cE '^ok [0-9]+ - ' "$TMP/prog")
if [ "$rc" = 0 ] && [ "$cases" -ge 3 ] && ! grep -qE '^not ok|# SKIP' "$TMP/prog"; then
  ok "test_aws_moto: $cases cases against moto ($(grep -oE '[0-9]+ requests' "$TMP/prog"))"
else
  notok "test_aws_moto against moto (exit $rc)" "$(grep -E '^not ok|^#' "$TMP/prog" | head -20)"
fi

# the lifecycle layer without main: deploy, deploy unchanged, destroy through its callbacks
SOLEMATE_TEST_ENDPOINT="$endpoint" "$BUILD/tests/test_lifecycle" >"$TMP/lc" 2>&1; rc=$?
if [ "$rc" = 0 ] && grep -q '^ok [0-9]* - deploy_and_destroy_against_an_endpoint' "$TMP/lc" && ! grep -qE '^not ok|# SKIP' "$TMP/lc"; then
  ok "test_lifecycle: a stack deployed, then unchanged, through lc_deploy_stack; lc_destroy_stack refuses a stack without environment"
else
  notok "test_lifecycle against moto (exit $rc)" "$(grep -E '^not ok|^#' "$TMP/lc" | head -20)"
fi

# what the client did, read back through boto3
python3 - "$endpoint" "$bucket" "$stack" >"$TMP/out" 2>&1 <<'PY'
import json, sys, boto3, botocore.exceptions as be
ep, bucket, stack = sys.argv[1:]
s3 = boto3.client("s3", endpoint_url=ep)
body = s3.get_object(Bucket=bucket, Key="uploads/a b~c.txt")["Body"].read()
print("object:", repr(body.decode()))
t = s3.get_object(Bucket=bucket, Key="templates/t.json")["Body"].read().decode()
print("template object:", "AWSTemplateFormatVersion" in t and len(t) > 51200 and json.loads(t)["Metadata"]["Padding"][-3:])
cfn = boto3.client("cloudformation", endpoint_url=ep)
try:
    st = cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
except be.ClientError as e:
    st = "gone: " + e.response["Error"]["Message"]
print("stack:", st)
PY
expect_grep "object uploaded by s3_put_object reads back" "^object: 'hello from solemate\\\\n'$" "$TMP/out"
expect_grep "template over 51,200 bytes uploaded for TemplateURL reads back whole" '^template object: pqr$' "$TMP/out"
expect_grep "the stack was deleted by cfn_delete_stack" '^stack: (DELETE_COMPLETE|gone: .*does not exist)' "$TMP/out"
# the same again through tests/aws/fault_proxy.py: a reset connection, throttling,
# 500s, a dropped S3 PUT and a slow answer, each followed by a retry that succeeds
if [ -f tests/aws/fault_proxy.py ]; then
  python3 tests/aws/fault_proxy.py --upstream "http://127.0.0.1:$port" --port 0 --log "$TMP/proxy.log" \
    --fault '*:reset:1' --fault 'Action=DescribeChangeSet:throttle:2' \
    --fault 'Action=DescribeStackEvents:500:2' --fault 'Action=ExecuteChangeSet:503:1' \
    --fault 'PUT /*:drop:1' --fault 'Action=GetTemplate:slow:1:1' >"$TMP/proxy.port" 2>"$TMP/proxy.err" &
  proxy_pid=$!
  trap 'kill "$proxy_pid" "$moto_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
  for _ in $(seq 100); do [ -s "$TMP/proxy.port" ] && break; sleep 0.1; done
  pport=$(head -1 "$TMP/proxy.port")
  SOLEMATE_TEST_ENDPOINT="http://localhost:$pport" SOLEMATE_TEST_BUCKET="$bucket" \
    SOLEMATE_TEST_STACK="$stack-faults" SOLEMATE_TEST_FAULTS=1 SOLEMATE_RETRY_BASE_MS=1 \
    "$prog" >"$TMP/prog2" 2>&1; rc=$?
  if [ "$rc" = 0 ] && ! grep -qE '^not ok|# SKIP' "$TMP/prog2"; then
    ok "test_aws_moto through the fault proxy ($(grep -oE '[0-9]+ requests, [0-9]+ retries' "$TMP/prog2"))"
  else
    notok "test_aws_moto through the fault proxy (exit $rc)" "$(grep -E '^not ok|^#' "$TMP/prog2" | head -20)"
  fi
  python3 - "$TMP/proxy.log" >"$TMP/out" 2>&1 <<'PY'
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
what = lambda e: e["action"] or e["method"] + " " + e["path"]
faults = [e for e in log if e["fault"]]
print("faults:", " ".join(sorted({e["fault"] for e in faults})))
for e in faults:
    later = [x for x in log if x["seq"] > e["seq"] and what(x) == what(e)]
    # a retry that got moto's own answer (the first DescribeStacks: 400 "does not exist")
    ok = e["fault"] == "slow" or any(not x["fault"] and x["status"] for x in later)
    print("retried" if ok else "NOT retried", what(e), e["fault"])
PY
  expect_grep "every fault kind was injected" '^faults: 500 503 drop reset slow throttle$' "$TMP/out"
  if grep -q '^NOT retried' "$TMP/out"; then notok "each fault was followed by a successful retry" "$(grep '^NOT' "$TMP/out")"
  else ok "each fault was followed by a successful retry ($(grep -c '^retried' "$TMP/out") faults)"; fi
else
  skip "the client through the fault proxy" "tests/aws/fault_proxy.py not present"
fi

if grep -q "$AWS_SECRET_ACCESS_KEY" "$TMP/prog" "$TMP/prog2" 2>/dev/null; then notok "the secret never appears in the client's output"; else ok "the secret never appears in the client's output"; fi
done_testing

#!/usr/bin/env bash
# slow
# Every source of the credential chain (src/aws/creds.h), each proven by
# `solemate whoami` against moto with signatures and IAM checked: environment
# keys, a profile's static keys, a role chain of two hops (STS AssumeRole with
# external_id, role_session_name, duration_seconds; mfa_serial asked on a
# terminal), web identity (AssumeRoleWithWebIdentity, unsigned), SSO (the AWS
# CLI's token cache, the portal on loopback; an expired token refused),
# credential_process (and one that fails), container credentials and EC2
# instance metadata (IMDSv2) on loopback (tests/aws/cred_endpoints.py). No
# output ever shows a secret, session token or bearer token. Then the account
# check: a deploy with credentials of another account is refused after
# GetCallerIdentity alone.
. tests/lib.sh

if ! python3 -c 'import moto.server, boto3' 2>/dev/null; then
  skip "credentials against moto" "moto[server] or boto3 missing (scripts/install-deps.sh --test)"
  done_testing; exit 0
fi
if ! python3 tests/aws/moto_env.py start --dir "$TMP/moto" >"$TMP/moto.out" 2>&1; then
  notok "moto starts with signature checks on" "$(tail -5 "$TMP/moto.out")"; done_testing; exit 1
fi
PIDS=()
wait_port() { for _ in $(seq 100); do [ -s "$1" ] && break; sleep 0.1; done; head -1 "$1"; }
trap 'python3 tests/aws/moto_env.py stop --dir "$TMP/moto" >/dev/null 2>&1; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT
. "$TMP/moto/env.sh"
CI_KEY=$AWS_ACCESS_KEY_ID CI_SECRET=$AWS_SECRET_ACCESS_KEY
ok "moto starts with signature checks on"

# a recording proxy in front of moto: its log has each call's form parameters
python3 tests/aws/fault_proxy.py --upstream "$SOLEMATE_ENDPOINT" --port 0 --log "$TMP/proxy.log" >"$TMP/proxy.port" 2>"$TMP/proxy.err" &
PIDS+=($!)
EP=http://127.0.0.1:$(wait_port "$TMP/proxy.port")

# roles for the chain, made as the ci user: anyone may assume them, they may do anything
python3 - <<'EOF'
import boto3, json, os
iam = boto3.client("iam", endpoint_url=os.environ["SOLEMATE_ENDPOINT"], region_name="us-east-1")
trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
allow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
for name in ("deployer", "admin"):
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(RoleName=name, PolicyName="all", PolicyDocument=json.dumps(allow))
EOF

# a clean slate for each case: no keys in the environment, files in $HOME
export HOME=$TMP/home AWS_REGION=us-east-1
mkdir -p "$HOME/.aws"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_REGION
SECRETS=("$CI_SECRET")
run() { # NAME CODE ARGS...: whoami through the proxy, output kept for the secret check
  local name=$1 code=$2; shift 2
  expect_exit "$name" "$code" "$@"
  cat "$TMP/out" "$TMP/err" >> "$TMP/all-output"
}
W=("$SOLEMATE" whoami --endpoint-url "$EP")

# --- 1. environment keys
run "environment keys: whoami exit 0" 0 env AWS_ACCESS_KEY_ID="$CI_KEY" AWS_SECRET_ACCESS_KEY="$CI_SECRET" "${W[@]}" --format json
python3 - "$TMP/out" <<'EOF' && ok "environment keys: account, ARN of the ci user, source environment" || notok "whoami json" "$(cat "$TMP/out")"
import json, sys
o = json.load(open(sys.argv[1]))
assert o["account"] == "123456789012" and o["arn"].endswith(":user/solemate-ci") and o["source"] == "environment", o
EOF

# --- 2. a profile's static keys
cat > "$HOME/.aws/credentials" <<EOF
[base]
aws_access_key_id = $CI_KEY
aws_secret_access_key = $CI_SECRET
EOF
run "profile with static keys: exit 0" 0 "${W[@]}" --profile base
expect_grep "static keys: source names the profile and file" "source +profile base \(.*credentials\)" "$TMP/out"

# --- 3. a role chain of two hops: base -> deployer -> admin
cat > "$HOME/.aws/config" <<EOF
[profile deployer]
role_arn = arn:aws:iam::123456789012:role/deployer
source_profile = base
external_id = ext-4711
role_session_name = hop-one
duration_seconds = 900

[profile admin]
role_arn = arn:aws:iam::123456789012:role/admin
source_profile = deployer
role_session_name = hop-two

[profile mfa]
role_arn = arn:aws:iam::123456789012:role/admin
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/ci
role_session_name = with-mfa

[profile loop-a]
role_arn = arn:aws:iam::123456789012:role/admin
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::123456789012:role/admin
source_profile = loop-a
EOF
: > "$TMP/proxy.log"
run "two-hop role chain: exit 0" 0 "${W[@]}" --profile admin --format json
python3 - "$TMP/out" "$TMP/proxy.log" <<'EOF' && ok "two hops: the admin role's session, two AssumeRole calls with external_id, session names, duration" || notok "two-hop chain" "$(cat "$TMP/out")" "$(cut -c1-300 "$TMP/proxy.log")"
import json, sys
o = json.load(open(sys.argv[1]))
assert o["arn"] == "arn:aws:sts::123456789012:assumed-role/admin/hop-two", o
assert o["source"] == "profile admin (assume-role arn:aws:iam::123456789012:role/admin)", o
assert o.get("expiration"), o
calls = [json.loads(l) for l in open(sys.argv[2])]
ar = [c["params"] for c in calls if c.get("action") == "AssumeRole"]
assert len(ar) == 2, calls
assert ar[0]["RoleArn"].endswith("role/deployer") and ar[0]["ExternalId"] == "ext-4711", ar[0]
assert ar[0]["RoleSessionName"] == "hop-one" and ar[0]["DurationSeconds"] == "900", ar[0]
assert ar[1]["RoleArn"].endswith("role/admin") and ar[1]["RoleSessionName"] == "hop-two", ar[1]
assert "ExternalId" not in ar[1], ar[1]
EOF
run "a source_profile loop: refused, exit 2" 2 "${W[@]}" --profile loop-a
expect_grep "the loop is named" "more than [0-9]+ roles assumed in a chain" "$TMP/err"

# mfa_serial: refused without a terminal, asked on one (the code goes to STS as TokenCode)
run "mfa_serial without a terminal: exit 2" 2 "${W[@]}" --profile mfa </dev/null
expect_grep "mfa_serial: says it needs a terminal" "needs an MFA code for arn:aws:iam::123456789012:mfa/ci" "$TMP/err"
: > "$TMP/proxy.log"
python3 - "$TMP/pty.out" "${W[@]}" --profile mfa <<'EOF'
import os, pty, sys, time, select
out = open(sys.argv[1], "wb")
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
buf, sent, deadline = b"", False, time.time() + 20
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        buf += data
    if not sent and b"Enter MFA code" in buf:
        os.write(fd, b"123456\n"); sent = True
out.write(buf)
_, status = os.waitpid(pid, 0)
sys.exit(os.WEXITSTATUS(status))
EOF
rc=$?
cat "$TMP/pty.out" >> "$TMP/all-output"
if [ $rc = 0 ] && grep -q "assumed-role/admin/with-mfa" "$TMP/pty.out" && ! grep -q "(profile mfa): *123456" "$TMP/pty.out" &&
   grep -q '"SerialNumber": "arn:aws:iam::123456789012:mfa/ci", "TokenCode": "123456"' "$TMP/proxy.log"; then
  ok "mfa_serial on a terminal: asked (not echoed), sent as SerialNumber/TokenCode"
else notok "mfa on a terminal" "exit $rc" "$(tr -d '\r' < "$TMP/pty.out" | head -5)" "$(grep AssumeRole "$TMP/proxy.log" | cut -c1-300)"; fi

# --- 4. credential_process, and one that fails
cat > "$TMP/proc.py" <<EOF
import json, sys
if sys.argv[1:] == ["fail"]:
    print("the token of the vault has expired: log in again", file=sys.stderr); sys.exit(3)
print(json.dumps({"Version": 1, "AccessKeyId": "$CI_KEY", "SecretAccessKey": "$CI_SECRET"}))
EOF
cat >> "$HOME/.aws/config" <<EOF

[profile proc]
credential_process = python3 "$TMP/proc.py" ok

[profile proc-fail]
credential_process = python3 $TMP/proc.py fail
EOF
run "credential_process: exit 0" 0 "${W[@]}" --profile proc
expect_grep "credential_process: the source says so" "source +profile proc \(credential_process\)" "$TMP/out"
run "a failing credential_process: exit 2" 2 "${W[@]}" --profile proc-fail
expect_grep "a failing credential_process: its exit status and message" "credential_process of profile 'proc-fail' failed \(exit status 3\): the token of the vault has expired" "$TMP/err"

# --- 5. web identity (moto without auth: AssumeRoleWithWebIdentity is unsigned, as the SDKs send it)
WPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m moto.server -H 127.0.0.1 -p "$WPORT" >"$TMP/moto2.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do curl -s "http://127.0.0.1:$WPORT/moto-api/" >/dev/null && break; sleep 0.1; done
printf 'eyJhbGciOiJSUzI1NiJ9.ci-oidc-token.sig\n' > "$TMP/oidc-token"
SECRETS+=("eyJhbGciOiJSUzI1NiJ9.ci-oidc-token.sig")
run "web identity: exit 0" 0 env AWS_WEB_IDENTITY_TOKEN_FILE="$TMP/oidc-token" AWS_ROLE_ARN=arn:aws:iam::123456789012:role/github-deploy \
  AWS_ROLE_SESSION_NAME=gha-run-1 "$SOLEMATE" whoami --endpoint-url "http://127.0.0.1:$WPORT"
expect_grep "web identity: the role's session" "assumed-role/github-deploy/gha-run-1" "$TMP/out"
expect_grep "web identity: the source" "source +web-identity \(arn:aws:iam::123456789012:role/github-deploy\)" "$TMP/out"
run "web identity with a token file that is not there: exit 2" 2 env AWS_WEB_IDENTITY_TOKEN_FILE="$TMP/none" AWS_ROLE_ARN=arn:aws:iam::123456789012:role/x \
  "$SOLEMATE" whoami --endpoint-url "http://127.0.0.1:$WPORT"
expect_grep "web identity: names the token file" "cannot read the web identity token file '$TMP/none'" "$TMP/err"
expect_grep "web identity: says why (no such file)" "token file '$TMP/none' .*: No such file or directory" "$TMP/err"
# a device or a directory was reported as "empty"
run "web identity with a device as the token file: exit 2" 2 env AWS_WEB_IDENTITY_TOKEN_FILE=/dev/zero AWS_ROLE_ARN=arn:aws:iam::123456789012:role/x \
  "$SOLEMATE" whoami --endpoint-url "http://127.0.0.1:$WPORT"
expect_grep "web identity: a device is named as one" "token file '/dev/zero' .*: a device, not a file" "$TMP/err"
run "web identity with a directory as the token file: exit 2" 2 env AWS_WEB_IDENTITY_TOKEN_FILE="$TMP" AWS_ROLE_ARN=arn:aws:iam::123456789012:role/x \
  "$SOLEMATE" whoami --endpoint-url "http://127.0.0.1:$WPORT"
expect_grep "web identity: a directory is named as one" "token file '$TMP' .*: Is a directory" "$TMP/err"
# AWS_ENDPOINT_URL_STS wins over AWS_ENDPOINT_URL for STS
run "AWS_ENDPOINT_URL_STS is where STS is asked" 0 env AWS_WEB_IDENTITY_TOKEN_FILE="$TMP/oidc-token" AWS_ROLE_ARN=arn:aws:iam::123456789012:role/github-deploy \
  AWS_ENDPOINT_URL=http://127.0.0.1:9 AWS_ENDPOINT_URL_STS="http://127.0.0.1:$WPORT" "$SOLEMATE" whoami

# --- the loopback endpoints: SSO portal, container, instance metadata, all handing out the ci keys
printf '{"AccessKeyId": "%s", "SecretAccessKey": "%s"}' "$CI_KEY" "$CI_SECRET" > "$TMP/keys.json"
python3 tests/aws/cred_endpoints.py --port 0 --keys "$TMP/keys.json" --log "$TMP/ep.log" \
  --container-token "ctr-secret-token" --sso-token "sso-secret-token" >"$TMP/ep.port" 2>"$TMP/ep.err" &
PIDS+=($!)
CEP=http://127.0.0.1:$(wait_port "$TMP/ep.port")
SECRETS+=("ctr-secret-token" "sso-secret-token")

# --- 6. SSO: the AWS CLI's cache file named by the SHA-1 of the session name
cat >> "$HOME/.aws/config" <<EOF

[profile sso-dev]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = PowerUser

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
EOF
mkdir -p "$HOME/.aws/sso/cache"
cache=$HOME/.aws/sso/cache/$(printf corp | sha1sum | cut -d' ' -f1).json
future=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
printf '{"startUrl": "https://corp.awsapps.com/start", "region": "eu-west-1", "accessToken": "sso-secret-token", "expiresAt": "%s"}' "$future" > "$cache"
: > "$TMP/ep.log"
run "SSO: exit 0" 0 env AWS_ENDPOINT_URL="$EP" AWS_ENDPOINT_URL_SSO="$CEP" "$SOLEMATE" whoami --profile sso-dev
expect_grep "SSO: the source names account and role" "source +profile sso-dev \(sso 123456789012/PowerUser\)" "$TMP/out"
expect_grep "SSO: the portal was asked with the cached token" '"path": "/federation/credentials", "query": "account_id=123456789012&role_name=PowerUser", "token_ok": true' "$TMP/ep.log"
printf '{"accessToken": "sso-secret-token", "expiresAt": "2020-01-01T00:00:00Z"}' > "$cache"
: > "$TMP/ep.log"
run "SSO with an expired token: exit 2" 2 env AWS_ENDPOINT_URL="$EP" AWS_ENDPOINT_URL_SSO="$CEP" "$SOLEMATE" whoami --profile sso-dev
expect_grep "expired SSO token: says to log in again" "run aws sso login --profile sso-dev" "$TMP/err"
if [ ! -s "$TMP/ep.log" ]; then ok "expired SSO token: the portal is not asked"; else notok "expired token: portal asked" "$(cat "$TMP/ep.log")"; fi
rm -f "$cache"
run "SSO without a cached token: exit 2" 2 env AWS_ENDPOINT_URL="$EP" AWS_ENDPOINT_URL_SSO="$CEP" "$SOLEMATE" whoami --profile sso-dev
expect_grep "no SSO token: says to log in" "no cached SSO token.*aws sso login --profile sso-dev" <(tr '\n' ' ' < "$TMP/err")

# --- 7. container credentials (ECS/EKS): FULL_URI with the token file
printf 'ctr-secret-token\n' > "$TMP/ctr-token"
: > "$TMP/ep.log"
run "container credentials: exit 0" 0 env AWS_CONTAINER_CREDENTIALS_FULL_URI="$CEP/container/credentials" \
  AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$TMP/ctr-token" "${W[@]}"
expect_grep "container: the source" "source +container" "$TMP/out"
expect_grep "container: asked with the token" '"path": "/container/credentials", "query": "", "token_ok": true' "$TMP/ep.log"
run "container credentials with a wrong token: exit 2" 2 env AWS_CONTAINER_CREDENTIALS_FULL_URI="$CEP/container/credentials" \
  AWS_CONTAINER_AUTHORIZATION_TOKEN=wrong-token "${W[@]}"
expect_grep "container: the refusal is named" "container credentials \(AWS_CONTAINER_CREDENTIALS_FULL_URI\).*HTTP 401" "$TMP/err"
run "container FULL_URI over plain http to another host: refused, exit 2" 2 env AWS_CONTAINER_CREDENTIALS_FULL_URI="http://example.com/creds" "${W[@]}"

# --- 8. EC2 instance metadata, IMDSv2: a token first, then the role and its keys
: > "$TMP/ep.log"
run "instance metadata: exit 0" 0 env -u AWS_EC2_METADATA_DISABLED AWS_EC2_METADATA_SERVICE_ENDPOINT="$CEP" "${W[@]}"
expect_grep "instance metadata: the source names the role" "source +ec2-instance-metadata \(solemate-instance-role\)" "$TMP/out"
python3 - "$TMP/ep.log" <<'EOF' && ok "IMDSv2: PUT token, then both GETs carry it" || notok "IMDSv2 order" "$(cat "$TMP/ep.log")"
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
assert [(x["method"], x["path"]) for x in r] == [("PUT", "/latest/api/token"),
    ("GET", "/latest/meta-data/iam/security-credentials/"),
    ("GET", "/latest/meta-data/iam/security-credentials/solemate-instance-role")], r
assert all(x["token_ok"] for x in r), r
EOF
: > "$TMP/ep.log"
run "AWS_EC2_METADATA_DISABLED=true: no credentials, exit 2" 2 env AWS_EC2_METADATA_DISABLED=true AWS_EC2_METADATA_SERVICE_ENDPOINT="$CEP" "${W[@]}"
if [ ! -s "$TMP/ep.log" ]; then ok "AWS_EC2_METADATA_DISABLED: the metadata service is not asked"; else notok "IMDS asked while disabled" "$(cat "$TMP/ep.log")"; fi

# --- 9. the account check: production's accountId is not moto's account
export AWS_ACCESS_KEY_ID=$CI_KEY AWS_SECRET_ACCESS_KEY=$CI_SECRET
: > "$TMP/proxy.log"
mkdir -p "$TMP/acct"   # production's own accountId; a certificate ARN of a real shape
python3 - config/production.json "$TMP/acct/production.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["certificateArn"] = "arn:aws:acm:us-east-1:210987654321:certificate/0123abcd-4567-89ab-cdef-0123456789ab"
if "drAlbCertificateArn" in c: c["drAlbCertificateArn"] = "arn:aws:acm:us-west-2:210987654321:certificate/0123abcd-4567-89ab-cdef-0123456789ab"  # the standby's (issue 18)
json.dump(c, open(sys.argv[2], "w"), indent=2)
EOF
run "deploy with another account's credentials: refused, exit 2" 2 "$SOLEMATE" deploy --env production --config-dir "$TMP/acct" --yes --endpoint-url "$EP"
expect_grep "the refusal names both accounts" "credentials belong to account 123456789012 .*production is account 210987654321" "$TMP/err"
python3 - "$TMP/proxy.log" <<'EOF' && ok "refused after GetCallerIdentity alone: nothing read, nothing changed" || notok "account check first" "$(cut -c1-200 "$TMP/proxy.log")"
import json, sys
acts = [json.loads(l).get("action") for l in open(sys.argv[1])]
assert acts == ["GetCallerIdentity"], acts
EOF
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY

# --- no secret, session token or bearer token in anything printed
leaked=()
for s in "${SECRETS[@]}"; do grep -qF -- "$s" "$TMP/all-output" && leaked+=("${s:0:6}...") ; done
if [ ${#leaked[@]} = 0 ] && [ -s "$TMP/all-output" ]; then ok "no secret or token in any output ($(wc -l < "$TMP/all-output") lines)"
else notok "secrets printed" "${leaked[*]}"; fi
done_testing

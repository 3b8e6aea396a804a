#!/usr/bin/env bash
# slow
# preflight against moto (signatures and IAM checked): the account check,
# certificates (missing,
# not covering the aliases, in the wrong region, a placeholder), the Config
# recorder singleton, Elastic IPs; and deploy stopping on preflight before
# any stack exists (--skip-preflight says so loudly).
. tests/lib.sh

if ! python3 -c 'import moto.server, boto3' 2>/dev/null; then
  skip "preflight against moto" "moto[server] or boto3 missing (scripts/install-deps.sh --test)"
  done_testing; exit 0
fi
if ! python3 tests/aws/moto_env.py start --dir "$TMP/moto" >"$TMP/moto.out" 2>&1; then
  notok "moto starts with signature checks on" "$(tail -5 "$TMP/moto.out")"; done_testing; exit 1
fi
trap 'python3 tests/aws/moto_env.py stop --dir "$TMP/moto" >/dev/null 2>&1; rm -rf "$TMP"' EXIT
. "$TMP/moto/env.sh"
EP=http://localhost:$MOTO_PORT
E=(--endpoint-url "$EP")
export SOLEMATE_POLL_MS=50 SOLEMATE_RETRY_BASE_MS=1
export HOME=$TMP/home AWS_CONFIG_FILE=$TMP/home/none AWS_SHARED_CREDENTIALS_FILE=$TMP/home/none
mkdir -p "$HOME"
py() { python3 - "$@"; }

cert() { # NAME SAN REGION: import a self-signed certificate, print its ARN
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/$1.key" -out "$TMP/$1.pem" -days 7 \
    -subj "/CN=$1" -addext "subjectAltName=$2" 2>/dev/null
  py "$TMP/$1" "$3" <<'EOF'
import boto3, os, sys
acm = boto3.client("acm", endpoint_url=os.environ["SOLEMATE_ENDPOINT"], region_name=sys.argv[2])
print(acm.import_certificate(Certificate=open(sys.argv[1] + ".pem", "rb").read(),
                             PrivateKey=open(sys.argv[1] + ".key", "rb").read())["CertificateArn"])
EOF
}
GOOD=$(cert staging.solemate.com "DNS:staging.solemate.com,DNS:*.staging.solemate.com" us-east-1)
NARROW=$(cert other.example.com "DNS:other.example.com" us-east-1)
WEST=$(cert west.solemate.com "DNS:staging.solemate.com,DNS:*.staging.solemate.com" us-west-2)
MISSING=arn:aws:acm:us-east-1:123456789012:certificate/0b2f5b4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b
S=(--env staging)

# moto lists no orderable option for postgres (only Aurora, Neptune): that check is a warning here
expect_exit "preflight: an issued certificate covering the aliases passes" 0 \
  "$SOLEMATE" preflight "${S[@]}" --set certificateArn="$GOOD" "${E[@]}"
if grep -qE "^  error" "$TMP/out"; then notok "no error with a good certificate" "$(grep error "$TMP/out" | head -3)"; else ok "no error with a good certificate"; fi
expect_grep "a good run says whose credentials they are" "info +account +accountId: .* belong to account 123456789012, the configuration's" "$TMP/out"
expect_exit "preflight: a certificate that does not exist is an error" 1 \
  "$SOLEMATE" preflight "${S[@]}" --set certificateArn="$MISSING" "${E[@]}"
expect_grep "it names the key and says it does not exist" "certificateArn: .* does not exist in this account" "$TMP/out"
expect_exit "preflight: a certificate that does not cover the aliases is an error" 1 \
  "$SOLEMATE" preflight "${S[@]}" --set certificateArn="$NARROW" "${E[@]}"
expect_grep "it names the alias not covered" "does not cover staging.solemate.com" "$TMP/out"
expect_grep "every finding says what to do" "fix: " "$TMP/out"
# (a CloudFront certificate outside us-east-1 is refused when the configuration loads)
expect_exit "a CloudFront certificate outside us-east-1 is refused" 2 \
  "$SOLEMATE" preflight "${S[@]}" --set certificateArn="$WEST" "${E[@]}"
expect_exit "preflight: a placeholder is bad input, before any call" 2 \
  "$SOLEMATE" preflight "${S[@]}" "${E[@]}"
expect_grep "the placeholder names certificateArn" "certificateArn: .*placeholder" "$TMP/out"
"$SOLEMATE" preflight "${S[@]}" --set certificateArn="$GOOD" --format json "${E[@]}" > "$TMP/pf.json"
python3 -c "import json,sys; d=json.load(open('$TMP/pf.json')); assert d['environment']=='staging' and d['errors']==0 and all(f['fix'] for f in d['findings'])" \
  && ok "JSON output" || notok "JSON output" "$(head -5 "$TMP/pf.json")"

# the account check comes first, as in deploy: credentials of another account are bad input
expect_exit "preflight: credentials of another account than accountId are refused (exit 2)" 2 \
  "$SOLEMATE" preflight "${S[@]}" --set certificateArn="$GOOD" --set accountId='"999999999999"' "${E[@]}"
expect_grep "it names both accounts" "error +account +accountId: the credentials belong to account 123456789012 .* but staging is account 999999999999" "$TMP/out"
"$SOLEMATE" preflight "${S[@]}" --set certificateArn="$GOOD" --set accountId='"999999999999"' --format json "${E[@]}" > "$TMP/pf.json"
python3 -c "import json,sys; d=json.load(open('$TMP/pf.json')); f=d['findings']; assert d['errors']==1 and len(f)==1 and f[0]['check']=='account' and f[0]['badInput'], f" \
  && ok "JSON: the account finding alone (nothing else asked of another account)" \
  || notok "JSON: the account finding alone (nothing else asked of another account)" "$(head -c 600 "$TMP/pf.json")"
expect_exit "preflight of the baseline checks its accountId too" 2 \
  "$SOLEMATE" preflight --env baseline --set accountId='"999999999999"' "${E[@]}"

# configRecorder "existing" in a region with no recorder: the rules would fail at CREATE
"$SOLEMATE" preflight --env baseline --set configRecorder=existing "${E[@]}" >"$TMP/out" 2>&1
expect_grep "baseline using the account's recorder where there is none: an error naming the key" \
  "error +config .*no configuration recorder in us-east-1.*NoAvailableConfigurationRecorderException" "$TMP/out"
expect_grep "the fix names configRecorder" 'configRecorder to "create"' "$TMP/out"

# an account that already has a Config recorder: the baseline's would be refused
py <<'EOF'
import boto3, os
cfg = boto3.client("config", endpoint_url=os.environ["SOLEMATE_ENDPOINT"], region_name="us-east-1")
cfg.put_configuration_recorder(ConfigurationRecorder={"name": "someone-elses", "roleARN": "arn:aws:iam::123456789012:role/r",
                               "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
ec2 = boto3.client("ec2", endpoint_url=os.environ["SOLEMATE_ENDPOINT"], region_name="us-east-1")
for _ in range(5): ec2.allocate_address(Domain="vpc")
EOF
expect_exit "preflight of the account baseline: an existing recorder is an error" 1 \
  "$SOLEMATE" preflight --env baseline "${E[@]}"
expect_grep "it names the recorder and the limit" "configuration recorder 'someone-elses'.*one per region" "$TMP/out"
expect_grep "the fix names configRecorder" 'configRecorder to "existing"' "$TMP/out"
"$SOLEMATE" preflight --env baseline --set configRecorder=existing "${E[@]}" >"$TMP/out" 2>&1
grep -Eq "error +config" "$TMP/out" && notok "with configRecorder existing, the account's recorder is no finding" "$(grep -E 'config' "$TMP/out" | head -3)" \
  || ok "with configRecorder existing, the account's recorder is no finding"
"$SOLEMATE" preflight "${S[@]}" --set certificateArn="$GOOD" "${E[@]}" >"$TMP/out" 2>&1
expect_grep "Elastic IPs beyond the default quota are a warning (moto serves no Service Quotas value for them)" "warning +quota .*Elastic IPs.*holds 5; the default quota is 5" "$TMP/out"

# deploy runs preflight first and stops before any stack exists
expect_exit "deploy stops on a preflight error" 1 \
  "$SOLEMATE" deploy "${S[@]}" --set certificateArn="$MISSING" --yes "${E[@]}"
expect_grep "deploy says why it stopped" "deploy stopped by preflight: no stack was created" "$TMP/err"
py <<'EOF' && ok "no stack was created" || notok "no stack was created"
import boto3, os
cf = boto3.client("cloudformation", endpoint_url=os.environ["SOLEMATE_ENDPOINT"], region_name="us-east-1")
assert not [s for s in cf.list_stacks()["StackSummaries"] if s["StackStatus"] != "DELETE_COMPLETE"]
EOF
expect_exit "deploy of the shipped config: the placeholder stops it (exit 2)" 2 \
  "$SOLEMATE" deploy "${S[@]}" --yes "${E[@]}"
expect_grep "it names certificateArn" "certificateArn" "$TMP/err"
"$SOLEMATE" deploy "${S[@]}" --set certificateArn="$MISSING" --skip-preflight --yes --stack SolemateStagingNetwork "${E[@]}" >"$TMP/out" 2>"$TMP/err"
expect_grep "--skip-preflight is said loudly" "WARNING: preflight skipped" "$TMP/err"
done_testing

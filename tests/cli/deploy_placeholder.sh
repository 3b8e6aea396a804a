#!/usr/bin/env bash
# Issue 12 item 3: the shipped configurations carry the PRD's placeholder
# certificate ARNs (".../certificate/staging-cert"). They synthesize, but
# deploy refuses them with exit 2, naming the file, line and key, before it
# talks to AWS at all (no stack is created; the endpoint here accepts nothing).
. tests/lib.sh
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret-example AWS_REGION=us-east-1
export HOME=$TMP AWS_CONFIG_FILE=$TMP/none AWS_SHARED_CREDENTIALS_FILE=$TMP/none
expect_exit "the shipped configurations synthesize" 0 "$SOLEMATE" synth --env all --out "$TMP/a" --quiet
for env in staging production; do
  expect_exit "deploy $env with the placeholder certificate: exit 2" 2 \
    "$SOLEMATE" deploy --env "$env" --yes --endpoint-url http://127.0.0.1:9
  expect_grep "deploy $env: names file, line and key" "config/$env.json:[0-9]+:[0-9]+: error: .*certificate/$env-cert.* \(at certificateArn\)" "$TMP/err"
  if grep -q "deploying" "$TMP/out"; then notok "deploy $env: nothing started" "$(head -3 "$TMP/out")"; else ok "deploy $env: nothing started"; fi
done
# the same file with a certificate ACM issued passes the check (and then
# fails to reach the closed endpoint: exit 1, not the certificate)
python3 - config/staging.json "$TMP/staging.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c.pop("$schema", None)
c["certificateArn"] = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
json.dump(c, open(sys.argv[2], "w"), indent=2)
PY
SOLEMATE_RETRY_BASE_MS=1 "$SOLEMATE" deploy --config "$TMP/staging.json" --yes --endpoint-url http://127.0.0.1:9 >"$TMP/out" 2>"$TMP/err"
if grep -q "certificateArn" "$TMP/err"; then notok "a real-shaped ARN passes the check" "$(head -3 "$TMP/err")"; else ok "a real-shaped ARN passes the check"; fi
done_testing

#!/usr/bin/env bash
# Temporary credentials that expire in the middle of a deploy are refreshed
# before they expire: a credential_process hands out keys that live 5
# seconds (each call a new key), the scripted CloudFormation responder knows
# each key and refuses it with ExpiredToken once its time is up
# (--credentials-file), and a deploy of staging that takes longer than
# several such lifetimes must succeed without one refused request, its
# threads asking the provider at each request.
. tests/lib.sh

command -v python3 >/dev/null || { skip "refresh" "no python3"; done_testing; exit 0; }

export HOME=$TMP/home AWS_REGION=us-east-1 SOLEMATE_POLL_MS=100 SOLEMATE_RETRY_BASE_MS=1
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_ENDPOINT_URL
mkdir -p "$HOME/.aws"
echo '{}' > "$TMP/keys.json"

# the credential process: a new key each call, valid for LIFETIME seconds, told to the responder first
cat > "$TMP/issue.py" <<'EOF'
import json, os, secrets, sys, time
keys_file, lifetime = sys.argv[1], int(sys.argv[2])
keys = json.load(open(keys_file))
key = "ASIAREFRESH%06d" % (len(keys) + 1)
secret = secrets.token_hex(20)
expires = int(time.time()) + lifetime
keys[key] = {"secret": secret, "expires": expires}
tmp = keys_file + ".tmp"
json.dump(keys, open(tmp, "w"))
os.replace(tmp, keys_file)
print(json.dumps({"Version": 1, "AccessKeyId": key, "SecretAccessKey": secret, "SessionToken": "tok-" + key,
                  "Expiration": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(expires))}))
EOF
# the interpreter itself, not a wrapper script (pyenv's shim costs a second on a busy machine)
PY=$(python3 -c 'import sys; print(sys.executable)')
cat > "$HOME/.aws/config" <<EOF
[profile short]
credential_process = $PY $TMP/issue.py $TMP/keys.json 5
EOF

python3 tests/aws/cfn_responder.py --port 0 --log "$TMP/log.jsonl" --credentials-file "$TMP/keys.json" \
  --events-per-poll 2 >"$TMP/rsp.port" 2>"$TMP/rsp.err" &
RSP_PID=$!
trap 'kill "$RSP_PID" 2>/dev/null; wait "$RSP_PID" 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do [ -s "$TMP/rsp.port" ] && break; sleep 0.1; done
RSP=http://127.0.0.1:$(head -1 "$TMP/rsp.port")

# staging's configuration with a certificate ARN of a real shape (placeholders are refused)
mkdir -p "$TMP/cfg"
python3 - config/staging.json "$TMP/cfg/staging.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["certificateArn"] = "arn:aws:acm:us-east-1:123456789012:certificate/0123abcd-4567-89ab-cdef-0123456789ab"
json.dump(c, open(sys.argv[2], "w"), indent=2)
EOF
start=$(date +%s)
expect_exit "deploy with 5-second credentials: exit 0" 0 "$SOLEMATE" deploy --env staging --config-dir "$TMP/cfg" --profile short --yes --skip-preflight --endpoint-url "$RSP"
took=$(( $(date +%s) - start ))
python3 - "$TMP/log.jsonl" "$TMP/keys.json" "$took" <<'EOF' && ok "refreshed before expiry: several keys used, none refused (deploy took ${took}s)" || notok "refresh" "$(tail -3 "$TMP/err")"
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
keys = json.load(open(sys.argv[2]))
took = int(sys.argv[3])
used = {e["authorization"].split("Credential=")[1].split("/")[0] for e in log}
errors = [e for e in log if e["error"] in ("ExpiredToken", "InvalidClientTokenId", "SignatureDoesNotMatch")]
assert took >= 10, f"the deploy took only {took}s: it does not outlive the keys"
assert not errors, errors[:3]
assert len(keys) >= 3 and len(used) >= 3, (len(keys), len(used))
assert all(e["session_token"] for e in log), "a request without its session token"
print(f"# {len(log)} requests, {len(used)} keys used of {len(keys)} issued", file=sys.stderr)
EOF
if grep -q "ASIAREFRESH\|tok-ASIA" "$TMP/out" "$TMP/err"; then notok "no key or token printed" "$(grep -m2 ASIAREFRESH "$TMP/out" "$TMP/err")"
else ok "no key or token printed"; fi
done_testing

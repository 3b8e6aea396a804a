# The scripted CloudFormation responder (tests/aws/cfn_responder.py) for CLI
# tests (sourced after tests/lib.sh): start and stop it, read its state.
start_responder() { # $1: log file, rest: responder options
  local log=$1; shift
  rm -f "$TMP/rsp.port"
  python3 tests/aws/cfn_responder.py --port 0 --log "$log" "$@" >"$TMP/rsp.port" 2>"$TMP/rsp.err" &
  RSP_PID=$!
  for _ in $(seq 50); do [ -s "$TMP/rsp.port" ] && break; sleep 0.1; done
  RSP=http://127.0.0.1:$(head -1 "$TMP/rsp.port")
}
stop_responder() { kill "$RSP_PID" 2>/dev/null; wait "$RSP_PID" 2>/dev/null; }
trap 'stop_responder; rm -rf "$TMP"' EXIT

# state QUERY: a Python expression over `st` (the stacks) printed by the responder
state() {
  curl -s "$RSP/__responder/state" | python3 -c "
import json, sys
st = {s['name']: s for s in json.load(sys.stdin) if not s.get('deleted')}
pending = [n for n, s in st.items() for c in s['changeSets'].values()
           if c['executionStatus'] in ('AVAILABLE', 'UNAVAILABLE') or c['status'].startswith('CREATE_')
           and not c['executionStatus'].startswith('EXECUTE_') and c['executionStatus'] != 'OBSOLETE']
print(', '.join(str(x) for x in [$1]))"
}
expect_state() { # NAME EXPR EXPECTED
  local got; got=$(state "$2")
  if [ "$got" = "$3" ]; then ok "$1"; else notok "$1" "state $2 = '$got', expected '$3'"; fi
}

# the credentials and settings every responder test runs with
responder_env() {
  export AWS_ACCESS_KEY_ID=AKIDTESTRESPONDER AWS_SECRET_ACCESS_KEY=responder-secret-not-real
  export AWS_REGION=us-east-1 SOLEMATE_POLL_MS=5 SOLEMATE_RETRY_BASE_MS=1
  unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL
  export HOME=$TMP/home AWS_CONFIG_FILE=$TMP/home/none AWS_SHARED_CREDENTIALS_FILE=$TMP/home/none
  mkdir -p "$HOME"
  # the configurations with a certificate of the user's own, as a real
  # deployment has them: deploy refuses the shipped placeholder ARNs
  # (issue 12 item 3, tests/cli/deploy_placeholder.sh), in the account the
  # responder's GetCallerIdentity answers (deploy checks accountId first)
  mkdir -p "$TMP/config"
  cp config/*.json "$TMP/config/"
  python3 - "$TMP/config" <<'PY'
import json, os, sys
for f in ("staging.json", "production.json"):
    p = os.path.join(sys.argv[1], f); c = json.load(open(p))
    c["certificateArn"] = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
    if "drAlbCertificateArn" in c: c["drAlbCertificateArn"] = "arn:aws:acm:us-west-2:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"  # the standby's (issue 18)
    # the scripted responder has no S3: templates must stay inline (51,200 bytes), which
    # the DR standby's is not; its deploy order is checked in tests/unit/test_infra.c
    c["drReadiness"] = "none"
    c["accountId"] = "123456789012"  # the responder's account (GetCallerIdentity)
    json.dump(c, open(p, "w"), indent=2)
PY
  export SOLEMATE_CONFIG_DIR=$TMP/config
}

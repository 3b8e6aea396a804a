#!/usr/bin/env bash
# slow
# The AWS test harness under tests/aws/, checked with boto3 (not with
# solemate): moto_env.py starts moto with signatures and IAM checked from the
# first request after set-up; fault_proxy.py injects each kind of fault in
# front of it and logs what it did; cfn_responder.py plays CloudFormation's
# scenarios (create-ok, create-fail, update-replace-db, no-changes, delete
# with Retain) in XML that boto3's parsers, paginators and waiter accept.
. tests/lib.sh
if ! python3 -c 'import boto3, moto.server' 2>/dev/null; then
  if [ "${CI:-}" = true ]; then notok "boto3 or moto[server] missing in CI (scripts/install-deps.sh --test)"
  else skip "AWS test harness" "boto3 or moto[server] not installed"; fi
  done_testing; exit 0
fi
A=tests/aws
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  [ -f "$TMP/moto/moto.pid" ] && python3 $A/moto_env.py stop --dir "$TMP/moto" >/dev/null 2>&1
  rm -rf "$TMP"
}
trap cleanup EXIT
# tap < checks: "PASS name" / "FAIL name<TAB>detail" lines from harness_checks.py
tap() {
  local line finished=0
  while IFS= read -r line; do
    case $line in
      DONE) finished=1 ;;
      PASS\ *) ok "${line#PASS }" ;;
      FAIL\ *) line=${line#FAIL }; notok "${line%%$'\t'*}" "${line#*$'\t'}" ;;
      *) echo "# $line" ;;
    esac
  done
  [ $finished = 1 ] || notok "$1 checks ran to the end" "$(tail -3 "$TMP/err.$1")"
}
# start_server NAME CMD...: runs CMD in the background, sets $pid and $port (its first line of output)
start_server() {
  local name=$1; shift
  "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
  pid=$!; pids+=($pid)
  for _ in $(seq 100); do [ -s "$TMP/$name.out" ] && break; sleep 0.05; done
  port=$(head -1 "$TMP/$name.out")
}

# --- moto_env
if python3 $A/moto_env.py start --dir "$TMP/moto" >"$TMP/out" 2>"$TMP/err"; then
  ok "moto_env start (its own self-check: wrong secret refused, readonly user denied)"
else
  notok "moto_env start" "$(tail -3 "$TMP/err")"; done_testing; exit 0
fi
expect_grep "env.sh exports the endpoint" '^export SOLEMATE_ENDPOINT=http://127\.0\.0\.1:[0-9]+$' "$TMP/moto/env.sh"
expect_grep "env.sh exports the readonly keys" '^export RO_SECRET_ACCESS_KEY=' "$TMP/moto/env.sh"
. "$TMP/moto/env.sh"
if kill -0 "$MOTO_PID" 2>/dev/null; then ok "MOTO_PID is the running server"; else notok "MOTO_PID is the running server"; fi
tap moto < <(python3 $A/harness_checks.py moto "$TMP/moto/env.json" 2>"$TMP/err.moto")
# exactness of INITIAL_NO_AUTH_ACTION_COUNT: one less breaks the set-up, one more leaves a request unchecked
for n in 5 7; do
  if python3 $A/moto_env.py start --dir "$TMP/moto$n" --no-auth-count $n >/dev/null 2>"$TMP/err$n"; then
    notok "INITIAL_NO_AUTH_ACTION_COUNT=$n is refused by the self-check"
    python3 $A/moto_env.py stop --dir "$TMP/moto$n"
  else
    ok "INITIAL_NO_AUTH_ACTION_COUNT=$n is refused by the self-check"
  fi
done
expect_grep "  ...5: the set-up's last request is already checked" 'InvalidClientTokenId' "$TMP/err5"
expect_grep "  ...7: a wrong secret would get through" 'wrong secret got success' "$TMP/err7"

# --- fault_proxy in front of moto
start_server proxy python3 $A/fault_proxy.py --upstream "$SOLEMATE_ENDPOINT" --port 0 --log "$TMP/proxy.log" \
  --fault 'Action=ListStacks:throttle:2' --fault 'Action=DescribeStacks:500:1' \
  --fault 'Action=ListExports:503' --fault 'Action=ValidateTemplate:denied:1' \
  --fault 'Action=GetTemplateSummary:drop:1' --fault 'Action=ListStackSets:reset:1' \
  --fault 'PUT /lost-answer:lose:1' --fault 'PUT /lost-answer/assets/*:throttle:1' \
  --fault 'Action=DescribeStacks:slow:1:2'
proxy_pid=$pid
case $port in [0-9]*) ok "fault_proxy --port 0 prints its port" ;; *) notok "fault_proxy --port 0 prints its port" "$(cat "$TMP/proxy.err")" ;; esac
tap proxy < <(python3 $A/harness_checks.py proxy "$TMP/moto/env.json" "http://127.0.0.1:$port" "$TMP/proxy.log" 2>"$TMP/err.proxy")
kill -TERM "$proxy_pid"; wait "$proxy_pid"; rc=$?
if [ $rc = 0 ]; then ok "fault_proxy stops cleanly on SIGTERM"; else notok "fault_proxy stops cleanly on SIGTERM" "exit $rc"; fi
expect_exit "fault_proxy refuses a bad fault spec (exit 2)" 2 python3 $A/fault_proxy.py --upstream http://127.0.0.1:1 --fault 'Action=X:explode:1'
expect_grep "  ...and says which kinds there are" 'unknown fault kind|expected MATCH:KIND' "$TMP/err"

if python3 $A/moto_env.py stop --dir "$TMP/moto" && ! kill -0 "$MOTO_PID" 2>/dev/null; then
  ok "moto_env stop ends the server"
else
  notok "moto_env stop ends the server"
fi

# --- cfn_responder
tpl=$PWD/tests/fixtures/prd-sample/SolemateStaging.template.json
cat >"$TMP/scenario.json" <<JSON
{"scenario": "ok",
 "stacks": {"Fail": "create-fail", "Repl": "update-replace-db", "Same": "no-changes"},
 "seed": [{"name": "Repl", "template_file": "$tpl"}, {"name": "Same", "template_file": "$tpl"}]}
JSON
start_server resp python3 $A/cfn_responder.py --port 0 --log "$TMP/resp.log" --scenario-file "$TMP/scenario.json" --credentials test:test
resp_pid=$pid
case $port in [0-9]*) ok "cfn_responder --port 0 prints its port" ;; *) notok "cfn_responder --port 0 prints its port" "$(cat "$TMP/resp.err")" ;; esac
tap responder < <(python3 $A/harness_checks.py responder "http://127.0.0.1:$port" "$TMP/resp.log" "$tpl" 2>"$TMP/err.responder")
if [ -s "$TMP/resp.err" ]; then notok "cfn_responder wrote no traceback" "$(tail -5 "$TMP/resp.err")"; else ok "cfn_responder wrote no traceback"; fi
kill -TERM "$resp_pid"; wait "$resp_pid"; rc=$?
if [ $rc = 0 ]; then ok "cfn_responder stops cleanly on SIGTERM"; else notok "cfn_responder stops cleanly on SIGTERM" "exit $rc"; fi
expect_exit "cfn_responder refuses an unknown scenario (exit 2)" 2 python3 $A/cfn_responder.py --scenario nonsense
done_testing

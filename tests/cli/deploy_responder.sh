#!/usr/bin/env bash
# deploy, diff and destroy against the scripted CloudFormation responder
# (tests/aws/cfn_responder.py): what moto cannot show. Per-resource events
# and the progress bar, a resource failure with rollback (root cause named,
# later waves not started), a change set that would replace the production
# database (refused without --allow-data-loss), no-change change sets,
# approvals without a terminal, Ctrl-C, termination protection, and destroy
# with what CloudFormation kept. After each, the responder's state is read:
# no change set left pending, nothing replaced without the flag.
. tests/lib.sh

command -v python3 >/dev/null || { skip "responder" "no python3"; done_testing; exit 0; }

. tests/aws/responder.sh

responder_env

start_responder "$TMP/log.jsonl"
E=(--endpoint-url "$RSP")

# --- no credentials: exit 2 at once, saying what to set, no request made
expect_exit "no credentials: exit 2" 2 env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY \
  "$SOLEMATE" deploy --env staging "${E[@]}" --yes
cp "$TMP/err" "$TMP/nocreds.err"
expect_grep "no credentials: says what to set" "AWS_ACCESS_KEY_ID" "$TMP/nocreds.err"
if [ ! -s "$TMP/log.jsonl" ]; then ok "no credentials: no request sent"; else notok "no credentials: no request sent" "$(head -2 "$TMP/log.jsonl")"; fi

# --- bad usage
expect_exit "deploy --env all refused (one environment at a time)" 2 "$SOLEMATE" deploy --env all "${E[@]}"
expect_exit "unknown option: exit 2" 2 "$SOLEMATE" deploy --env staging --frobnicate
expect_exit "bad --require-approval: exit 2" 2 "$SOLEMATE" deploy --env staging --require-approval sometimes
expect_exit "unknown --stack: exit 2" 2 "$SOLEMATE" deploy --env staging --stack NoSuchStack "${E[@]}"
expect_grep "unknown --stack: names it" "NoSuchStack" "$TMP/err"

# --- approval needed (IAM changes: broadening) and no terminal: refused, nothing left behind
expect_exit "no --yes without a terminal: exit 1" 1 "$SOLEMATE" deploy --env staging --stack SolemateStagingData "${E[@]}" </dev/null
expect_grep "no --yes: says to pass --yes" "pass --yes" "$TMP/out"
expect_grep "approval: the security-group rule table, with the stack's name" "^SolemateStagingNetwork \| Security Group Changes$" "$TMP/out"
# (the load balancer admits CloudFront's origin-facing prefix list only, issue 12)
expect_grep "approval: a rule the change opens" "^SolemateStagingNetwork \| \+ \| \\\$\{AlbSecurityGroup.GroupId\} +\| In +\| tcp 443 +\| .*CloudFrontOriginFacingPrefixList" "$TMP/out"
expect_grep "approval: says why it is needed" "^SolemateStagingNetwork \| approval needed: [0-9]+ changes? to IAM, security groups or resource policies \(--require-approval broadening" "$TMP/out"
expect_state "no --yes: no change set left, no empty stack left" "len(pending), len(st)" "0, 0"
# --require-approval never: the network stack (no IAM) goes without a question
expect_exit "--require-approval never: the network stack deploys" 0 \
  "$SOLEMATE" deploy --env staging --stack SolemateStagingNetwork --require-approval never "${E[@]}" </dev/null

# --- first deploy of staging: every stack, waves, per-resource events, outputs
expect_exit "first deploy of staging: exit 0" 0 "$SOLEMATE" deploy --env staging --yes "${E[@]}"
cp "$TMP/out" "$TMP/deploy1.out"
expect_grep "first deploy: summary" "staging: 4 deployed, 1 unchanged, 0 failed" "$TMP/deploy1.out"
expect_grep "first deploy: per-resource events" "SolemateStagingData \| .* CREATE_COMPLETE +\| AWS::RDS::DBInstance +\| Database" "$TMP/deploy1.out"
expect_grep "first deploy: outputs" "SolemateStagingEdge \| +[A-Za-z]+ = " "$TMP/deploy1.out"
expect_grep "first deploy: the run's time" "^staging: ([0-9]+m)?[0-9]+\.[0-9]s in all; each stack:$" "$TMP/deploy1.out"
n=$(grep -cE "^  Solemate[A-Za-z]+ +([0-9]+m)?[0-9]+\.[0-9]s  (deployed|unchanged)$" "$TMP/deploy1.out")
[ "$n" = 5 ] && ok "first deploy: each of the 5 stacks' time and result" || notok "first deploy: each stack's time" "$n lines: $(grep -A6 'in all' "$TMP/deploy1.out")"
# issue 12 #16: the data key names the distribution, which comes after it: the
# Data stack runs once more, with the Edge stack's DistributionId
expect_grep "first deploy: Data again, after Edge" "SolemateStagingData: again, with the outputs of SolemateStagingEdge" "$TMP/deploy1.out"
if python3 - "$TMP/log.jsonl" <<'PY'
import json, sys
calls = [json.loads(l) for l in open(sys.argv[1])]
ids = {c["params"].get("Parameters.member.1.ParameterValue") for c in calls if c["action"] == "CreateChangeSet"
       and c["params"].get("StackName") == "SolemateStagingData"
       and c["params"].get("Parameters.member.1.ParameterKey") == "AssetsDistributionId"}
sys.exit(0 if ids and all(i and i.startswith("SolemateStagingEdge-Distribution") for i in ids) else 1)
PY
then ok "second run of Data: AssetsDistributionId is the Edge stack's DistributionId"
else notok "second run of Data: AssetsDistributionId is the Edge stack's DistributionId" "$(grep -c CreateChangeSet "$TMP/log.jsonl")"; fi
expect_state "first deploy: every stack CREATE_COMPLETE, no change set pending" \
  "sorted(set(s['status'] for s in st.values())), len(st), len(pending)" "['CREATE_COMPLETE'], 5, 0"
# Data depends on Network: its change set was created only after Network was complete
python3 - "$TMP/log.jsonl" <<'EOF' && ok "dependency order: Data's change set after Network settled" || notok "dependency order"
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
def first(action, stack):
    return min(e["seq"] for e in log if e["action"] == action and e["params"].get("StackName") == stack)
assert first("CreateChangeSet", "SolemateStagingData") > first("ExecuteChangeSet", "SolemateStagingNetwork")
assert first("CreateChangeSet", "SolemateStagingMonitoring") > first("ExecuteChangeSet", "SolemateStagingCompute")
EOF

# --- a second deploy changes nothing: change sets deleted, success
expect_exit "no-op deploy: exit 0" 0 "$SOLEMATE" deploy --env staging --yes "${E[@]}"
expect_grep "no-op deploy: all unchanged" "staging: 0 deployed, 5 unchanged" "$TMP/out"
expect_state "no-op deploy: no change set left" "len(pending)" "0"

# --- diff against the deployed stacks
expect_exit "diff --env staging after deploy: no differences, exit 0" 0 "$SOLEMATE" diff --env staging "${E[@]}"
mkdir -p "$TMP/cfg"; cp "$SOLEMATE_CONFIG_DIR"/*.json "$TMP/cfg/"
# the responder's credentials are account 123456789012: production's copy is put there
python3 - "$TMP/cfg/production.json" <<'EOF'
import json, sys
p = sys.argv[1]; c = json.load(open(p)); c["accountId"] = "123456789012"
json.dump(c, open(p, "w"), indent=2)
EOF
python3 - "$TMP/cfg/staging.json" <<'EOF'
import json, sys
p = sys.argv[1]; c = json.load(open(p)); c["ecsDesiredCount"] = c.get("ecsDesiredCount", 2) + 1
json.dump(c, open(p, "w"), indent=2)
EOF
expect_exit "diff --env --fail with a changed config: differences, exit 1" 1 "$SOLEMATE" diff --fail --env staging --config-dir "$TMP/cfg" "${E[@]}"
expect_grep "diff --env: names the changed property" "DesiredCount" "$TMP/out"

# --- production: termination protection, then a change set that would replace the database
# --- credentials of another account: refused before anything is read or changed
# (production's own accountId, and a certificate ARN of a real shape: nothing else stops it)
mkdir -p "$TMP/acct"
python3 - config/production.json "$TMP/acct/production.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["certificateArn"] = "arn:aws:acm:us-east-1:210987654321:certificate/0123abcd-4567-89ab-cdef-0123456789ab"
if "drAlbCertificateArn" in c: c["drAlbCertificateArn"] = "arn:aws:acm:us-west-2:210987654321:certificate/0123abcd-4567-89ab-cdef-0123456789ab"  # the standby's (issue 18)
# the scripted responder has no S3: templates must stay inline (51,200 bytes), which
# the DR standby's is not; its deploy order is checked in tests/unit/test_infra.c
c["drReadiness"] = "none"
json.dump(c, open(sys.argv[2], "w"), indent=2)
EOF
A=(--config-dir "$TMP/acct")
n_before=$(wc -l < "$TMP/log.jsonl")
expect_exit "deploy production with staging's account: refused, exit 2" 2 "$SOLEMATE" deploy --env production "${A[@]}" --yes "${E[@]}"
expect_grep "the refusal names both accounts" "account 123456789012 .*production is account 210987654321" "$TMP/err"
tail -n +"$((n_before + 1))" "$TMP/log.jsonl" | python3 -c '
import json, sys
acts = [json.loads(l)["action"] for l in sys.stdin]
assert acts == ["GetCallerIdentity"], acts' && ok "refused after GetCallerIdentity alone: no other call made" \
  || notok "refused after GetCallerIdentity alone" "$(tail -n +"$((n_before + 1))" "$TMP/log.jsonl" | head -3)"
n_before=$(wc -l < "$TMP/log.jsonl")
expect_exit "destroy production --force with another account: refused, exit 2" 2 "$SOLEMATE" destroy --env production "${A[@]}" --yes --force "${E[@]}"
expect_grep "destroy: the refusal names both accounts" "account 123456789012 .*production is account 210987654321" "$TMP/err"
expect_exit "bootstrap production with another account: refused, exit 2" 2 "$SOLEMATE" bootstrap --env production "${A[@]}" --yes "${E[@]}"
tail -n +"$((n_before + 1))" "$TMP/log.jsonl" | python3 -c '
import json, sys
acts = [json.loads(l)["action"] for l in sys.stdin]
assert acts == ["GetCallerIdentity"] * 2, acts' && ok "destroy and bootstrap: GetCallerIdentity and nothing else" \
  || notok "destroy and bootstrap refused first" "$(tail -n +"$((n_before + 1))" "$TMP/log.jsonl" | head -3)"

expect_exit "first deploy of production: exit 0" 0 "$SOLEMATE" deploy --env production --config-dir "$TMP/cfg" --yes "${E[@]}"
expect_state "production stacks get termination protection" \
  "all(s['terminationProtection'] for n, s in st.items() if n.startswith('SolemateProduction'))" "True"
db_before=$(state "st['SolemateProductionData']['resources']['Database']['physical']")
curl -s -X POST -d '{"scenario": "update-replace-db"}' "$RSP/__responder/scenario" >/dev/null
python3 - "$TMP/cfg/production.json" <<'EOF'
import json, sys
p = sys.argv[1]; c = json.load(open(p)); c["databaseBackupRetentionDays"] = 29
json.dump(c, open(p, "w"), indent=2)
EOF
expect_exit "database replacement in production: refused, exit 1" 1 \
  "$SOLEMATE" deploy --env production --config-dir "$TMP/cfg" --yes --stack SolemateProductionData "${E[@]}"
expect_grep "refusal names the database and the flag" "Database.*replace" "$TMP/out"
expect_grep "refusal says --allow-data-loss" "allow-data-loss" "$TMP/out"
expect_grep "the change set shows CloudFormation's Replacement" "Database +replacement: True" "$TMP/out"
expect_state "refused: no change set left" "len(pending)" "0"
expect_state "refused: the database is not replaced" "st['SolemateProductionData']['resources']['Database']['physical']" "$db_before"
expect_exit "with --allow-data-loss: deployed" 0 \
  "$SOLEMATE" deploy --env production --config-dir "$TMP/cfg" --yes --allow-data-loss --stack SolemateProductionData "${E[@]}"
# the instance has a fixed DBInstanceIdentifier (issue 12 item 15): its
# replacement shows in the events, not in a new physical ID
if grep -q "Database.*creation of a new physical" "$TMP/out"; then ok "with --allow-data-loss: replaced"; else notok "with --allow-data-loss: replaced" "$(grep Database "$TMP/out" | head -5)"; fi
curl -s -X POST -d '{"scenario": "ok"}' "$RSP/__responder/scenario" >/dev/null

# --- the account baseline: a unit of its own, once per account and region
B=SolemateBaseline-123456789012-us-east-1
expect_exit "deploy --env baseline: exit 0" 0 "$SOLEMATE" deploy --env baseline --yes "${E[@]}"
expect_grep "baseline: its one stack deployed" "baseline: 1 deployed, 0 unchanged, 0 failed" "$TMP/out"
expect_state "baseline: named for the account and region, termination protection on" \
  "st['$B']['status'], st['$B']['terminationProtection']" "CREATE_COMPLETE, True"
expect_exit "deploy --env baseline again: exit 0" 0 "$SOLEMATE" deploy --env baseline --yes "${E[@]}"
expect_grep "baseline: deployed once, the second time unchanged" "baseline: 0 deployed, 1 unchanged" "$TMP/out"
expect_exit "destroy --env baseline without --force: refused, exit 2" 2 "$SOLEMATE" destroy --env baseline --yes "${E[@]}"
expect_grep "destroy --env baseline: says why" "outlives every environment" "$TMP/err"

# --- destroy
expect_exit "destroy without --yes and no terminal: exit 2" 2 "$SOLEMATE" destroy --env staging "${E[@]}" </dev/null
expect_exit "destroy production without --force: exit 2" 2 "$SOLEMATE" destroy --env production --config-dir "$TMP/cfg" --yes "${E[@]}"
expect_grep "destroy production: says --force" "\-\-force" "$TMP/err"
mark=$(wc -l < "$TMP/log.jsonl")
expect_exit "destroy staging: exit 0" 0 "$SOLEMATE" destroy --env staging --yes "${E[@]}"
cp "$TMP/out" "$TMP/destroy.out"; grep -A30 "kept these" "$TMP/destroy.out" > "$TMP/kept.out"
expect_grep "destroy: lists what CloudFormation kept" "kept these" "$TMP/destroy.out"
expect_grep "destroy: each stack's time" "^  SolemateStagingData +([0-9]+m)?[0-9]+\.[0-9]s  deleted$" "$TMP/destroy.out"
expect_grep "destroy: the run's time" "^staging: ([0-9]+m)?[0-9]+\.[0-9]s in all; each stack:$" "$TMP/destroy.out"
expect_grep "destroy: a retained key, with its physical id" "SolemateStagingData: AWS::KMS::Key DataKey \(.+\) is retained" "$TMP/kept.out"
expect_state "destroy staging: its stacks are gone, production's stay" \
  "sorted(n for n in st if n.startswith('SolemateStaging')), len(st) > 0" "[], True"
expect_state "destroy --env staging: the account baseline stays" "st['$B']['status'], st['$B']['terminationProtection']" "CREATE_COMPLETE, True"
python3 - "$TMP/log.jsonl" "$B" "$mark" <<'EOF' && ok "destroy --env staging: not one request named the account baseline" || notok "destroy --env staging touched the baseline"
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])][int(sys.argv[3]):]
assert log and not [e for e in log if sys.argv[2] in json.dumps(e["params"])], "baseline touched"
EOF
python3 - "$TMP/log.jsonl" <<'EOF' && ok "destroy: dependents first (Monitoring before Compute before Data before Network)" || notok "destroy order"
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
seq = {e["params"].get("StackName"): e["seq"] for e in log if e["action"] == "DeleteStack"}
assert seq["SolemateStagingMonitoring"] < seq["SolemateStagingData"] < seq["SolemateStagingNetwork"], seq
assert seq["SolemateStagingCompute"] < seq["SolemateStagingData"], seq
EOF
expect_exit "destroy production --force: exit 0" 0 "$SOLEMATE" destroy --env production --config-dir "$TMP/cfg" --yes --force "${E[@]}"
expect_grep "destroy --force: termination protection turned off" "termination protection off" "$TMP/out"
expect_grep "destroy production: the final snapshot is listed" "final snapshot of AWS::RDS::DBInstance Database" "$TMP/out"
expect_exit "destroy again: nothing deployed, exit 0" 0 "$SOLEMATE" destroy --env staging --yes "${E[@]}"
expect_grep "destroy again: not deployed" "5 not deployed" "$TMP/out"
expect_state "destroy of both environments: the account baseline stays" "st['$B']['status']" "CREATE_COMPLETE"
stop_responder

# --- a resource fails: root cause named, rollback awaited, later waves not started
start_responder "$TMP/fail.jsonl" --scenario-file <(echo '{"stacks": {"SolemateStagingData": "create-fail"}}')
E=(--endpoint-url "$RSP")
expect_exit "a failing resource: exit 1" 1 "$SOLEMATE" deploy --env staging --yes "${E[@]}"
cp "$TMP/err" "$TMP/fail.err"; cp "$TMP/out" "$TMP/fail.out"
expect_grep "failure: the root cause, not the cascade" "Database \(AWS::RDS::DBInstance\): DB instance class not supported" "$TMP/fail.err"
if grep -q "Resource creation cancelled" "$TMP/fail.err"; then notok "failure: cascade not blamed" "$(cat "$TMP/fail.err")"; else ok "failure: cascade not blamed"; fi
expect_grep "failure: later waves not started" "not started" "$TMP/fail.out"
expect_state "failure: rolled back, no change set pending, Compute never created" \
  "st['SolemateStagingData']['status'], len(pending), 'SolemateStagingCompute' in st" "ROLLBACK_COMPLETE, 0, False"
curl -s -X POST -d '{"stacks": {"SolemateStagingData": "ok"}}' "$RSP/__responder/scenario" >/dev/null
expect_exit "after the fix: deploy deletes the failed stack and creates it again" 0 "$SOLEMATE" deploy --env staging --yes "${E[@]}"
expect_grep "after the fix: says why it deletes first" "failed first creation" "$TMP/out"
expect_state "after the fix: every stack CREATE_COMPLETE" "sorted(set(s['status'] for s in st.values()))" "['CREATE_COMPLETE']"
stop_responder

# --- Ctrl-C while the change set is being computed: it is deleted, nothing changes
start_responder "$TMP/int.jsonl" --changeset-polls 100000
E=(--endpoint-url "$RSP")
SOLEMATE_POLL_MS=50 "$SOLEMATE" deploy --env staging --stack SolemateStagingNetwork --yes "${E[@]}" >"$TMP/int.out" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -qs "creating change set" "$TMP/int.out" && break; sleep 0.05; done
sleep 0.3; kill -INT $pid; wait $pid; rc=$?
if [ $rc = 1 ]; then ok "Ctrl-C: exit 1"; else notok "Ctrl-C: exit 1" "exit $rc" "$(tail -3 "$TMP/int.out")"; fi
expect_grep "Ctrl-C: says the change set is deleted" "change set deleted" "$TMP/int.out"
expect_state "Ctrl-C: no change set and no empty stack left" "len(pending), len(st)" "0, 0"
stop_responder

# --- Ctrl-C while the change set executes: stop waiting, say how to follow and resume
start_responder "$TMP/int2.jsonl" --events-per-poll 1
E=(--endpoint-url "$RSP")
SOLEMATE_POLL_MS=100 "$SOLEMATE" deploy --env staging --stack SolemateStagingNetwork --yes "${E[@]}" >"$TMP/int2.out" 2>&1 &
pid=$!
for _ in $(seq 200); do grep -qs "executing change set" "$TMP/int2.out" && break; sleep 0.05; done
sleep 0.3; kill -INT $pid; wait $pid; rc=$?
if [ $rc = 1 ]; then ok "Ctrl-C during execution: exit 1"; else notok "Ctrl-C during execution: exit 1" "exit $rc" "$(tail -3 "$TMP/int2.out")"; fi
expect_grep "Ctrl-C during execution: stopped waiting" "interrupted: stopped waiting" "$TMP/int2.out"
expect_grep "Ctrl-C during execution: how to follow the stack" "describe-stack-events --stack-name SolemateStagingNetwork" "$TMP/int2.out"
# the same command line (endpoint, config dir...), or the resume goes elsewhere
expect_grep "Ctrl-C during execution: how to resume" "resume: +solemate deploy --env staging --yes --endpoint-url $RSP --stack SolemateStagingNetwork" "$TMP/int2.out"
expect_state "Ctrl-C during execution: CloudFormation goes on, no change set pending" \
  "st['SolemateStagingNetwork']['status'], len(pending)" "CREATE_IN_PROGRESS, 0"
stop_responder

# --- independent stacks of one wave run at the same time (--concurrency)
start_responder "$TMP/conc.jsonl"
E=(--endpoint-url "$RSP")
expect_exit "deploy with --concurrency 4: exit 0" 0 "$SOLEMATE" deploy --env staging --yes --concurrency 4 "${E[@]}"
python3 - "$TMP/conc.jsonl" <<'EOF2' && ok "--concurrency: Edge and Monitoring in flight together" || notok "--concurrency: overlap" "$(grep -E 'Edge|Monitoring' "$TMP/conc.jsonl" | head -3)"
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
def span(stack):
    seqs = [e["seq"] for e in log if e["params"].get("StackName") == stack]
    return min(seqs), max(seqs)
a, b = span("SolemateStagingEdge"), span("SolemateStagingMonitoring")
assert a[0] < b[1] and b[0] < a[1], (a, b)
EOF2
stop_responder
expect_exit "--concurrency 0 refused: exit 2" 2 "$SOLEMATE" deploy --env staging --concurrency 0

# --- one of two stacks in flight together fails: its errors carry its name
# (an AWS error used to read "error: CloudFormation CreateChangeSet:
# AccessDenied: ..." with no word of which stack's call it was)
start_responder "$TMP/par.jsonl" --scenario-file <(echo '{"stacks": {"SolemateStagingMonitoring": "create-fail"}}') \
  --fail-reason "Budget limit exceeded"
E=(--endpoint-url "$RSP")
expect_exit "parallel, a resource fails in one stack: exit 1" 1 "$SOLEMATE" deploy --env staging --yes --concurrency 4 "${E[@]}"
expect_grep "parallel resource failure: the stack named" "^error: stack 'SolemateStagingMonitoring' failed .*Budget limit exceeded" "$TMP/err"
expect_grep "parallel resource failure: the other stack deployed" "^  SolemateStagingEdge +[0-9.]+s +deployed$" "$TMP/out"
stop_responder
start_responder "$TMP/par2.jsonl"
E=(--endpoint-url "$RSP")
curl -s -X POST -d '{"deny": ["CreateChangeSet:SolemateStagingMonitoring"]}' "$RSP/__responder/scenario" >/dev/null
expect_exit "parallel, an AWS call fails for one stack: exit 1" 1 "$SOLEMATE" deploy --env staging --yes --concurrency 4 "${E[@]}"
expect_grep "parallel AWS error: the stack named" "^error: SolemateStagingMonitoring: CloudFormation CreateChangeSet: AccessDenied" "$TMP/err"
expect_grep "parallel AWS error: the other stack deployed" "^  SolemateStagingEdge +[0-9.]+s +deployed$" "$TMP/out"
# deploy --all: a call failing for one stack of a later unit names that stack
curl -s -X POST -d '{"deny": ["DescribeStacks:SolemateProductionEdge"]}' "$RSP/__responder/scenario" >/dev/null
expect_exit "deploy --all, an AWS call fails for one production stack: exit 1" 1 "$SOLEMATE" deploy --all --yes --concurrency 4 "${E[@]}"
expect_grep "deploy --all AWS error: the stack named" "^error: SolemateProductionEdge: CloudFormation DescribeStacks: AccessDenied" "$TMP/err"
stop_responder

# --- the PRD's scripts: thin wrappers over the commands
start_responder "$TMP/scripts.jsonl"
export SOLEMATE
expect_exit "scripts/deploy.sh staging: validate, check, bootstrap, deploy" 0 \
  infrastructure/scripts/deploy.sh staging --yes --endpoint-url "$RSP"
expect_grep "deploy.sh: validated and checked first" "== validate and check" "$TMP/out"
expect_grep "deploy.sh: bootstrapped" "SolemateToolkit bootstrapped" "$TMP/out"
expect_grep "deploy.sh: deployed" "staging: 5 deployed" "$TMP/out"
expect_exit "scripts/update.sh staging with nothing changed: exit 0" 0 \
  infrastructure/scripts/update.sh staging --yes --endpoint-url "$RSP"
expect_grep "update.sh: says there is nothing to deploy" "no differences: nothing to deploy" "$TMP/out"
expect_exit "scripts/destroy.sh staging without a terminal or --yes: exit 2" 2 \
  infrastructure/scripts/destroy.sh staging --endpoint-url "$RSP" </dev/null
expect_exit "scripts/destroy.sh with no environment: usage, exit 2" 2 infrastructure/scripts/destroy.sh
# destroy on a terminal asks for the environment's name to be typed
if command -v script >/dev/null; then
  echo "stagin" | script -qfec "$SOLEMATE destroy --env staging --endpoint-url $RSP" "$TMP/typed1.out" >/dev/null 2>&1
  expect_grep "destroy on a terminal: asks for the name" "type the name to go on" "$TMP/typed1.out"
  expect_state "destroy: a mistyped name deletes nothing" "len(st)" "6"
  echo "staging" | script -qfec "$SOLEMATE destroy --env staging --endpoint-url $RSP" "$TMP/typed2.out" >/dev/null 2>&1
  expect_grep "destroy: the typed name goes on" "staging: 5 deleted" "$TMP/typed2.out"
  expect_state "destroy: the typed name deleted staging (the toolkit stays)" "' '.join(sorted(st))" "SolemateToolkit"
else
  skip "destroy: typed confirmation" "no script(1)"
fi
stop_responder

# --- DNS failover (a hosted zone, a standby that serves): the primary's load
# balancer admits Route 53's health checkers through a second group, whose
# prefix list deploy looks up in the load balancer's region, as CloudFront's
start_responder "$TMP/zone.jsonl"
expect_exit "failover: the primary's network stack deploys" 0 "$SOLEMATE" deploy \
  --config tests/fixtures/config/good/production-with-zone.json --set drReadiness=warm-standby \
  --stack SolemateProdzoneNetwork --yes --endpoint-url "$RSP" </dev/null
if python3 - "$TMP/zone.jsonl" <<'PY'
import json, sys, zlib
calls = [json.loads(l) for l in open(sys.argv[1])]
want = {}
for name in ("com.amazonaws.us-east-1.route53-healthchecks", "com.amazonaws.global.cloudfront.origin-facing"):
    want[name] = "pl-" + format(zlib.crc32(f"{name} us-east-1".encode()), "08x")
given = {}
for c in calls:
    if c["action"] == "CreateChangeSet" and c["params"].get("StackName") == "SolemateProdzoneNetwork":
        p = c["params"]
        for i in range(1, 10):
            k = p.get(f"Parameters.member.{i}.ParameterKey")
            if k:
                given[k] = p.get(f"Parameters.member.{i}.ParameterValue")
# (the responder derives each ID from the name asked and the region asked in)
ok = (given.get("Route53HealthCheckersPrefixList") == want["com.amazonaws.us-east-1.route53-healthchecks"]
      and given.get("CloudFrontOriginFacingPrefixList") == want["com.amazonaws.global.cloudfront.origin-facing"])
sys.exit(0 if ok else 1)
PY
then ok "failover: deploy passed the region's Route 53 health-checker prefix list (and CloudFront's)"
else notok "failover: deploy passed the region's Route 53 health-checker prefix list" "$(tail -1 "$TMP/err")"; fi
stop_responder

# --- the progress bar on a terminal (script(1) gives a pty)
if command -v script >/dev/null; then
  start_responder "$TMP/tty.jsonl"
  script -qfec "$SOLEMATE deploy --env staging --stack SolemateStagingNetwork --yes --endpoint-url $RSP" "$TMP/tty.out" >/dev/null 2>&1 </dev/null
  expect_grep "terminal: a progress bar with resources done/total" "\[#+\.*\] [0-9]+/[0-9]+" "$TMP/tty.out"
  stop_responder
else
  skip "terminal: progress bar" "no script(1)"
fi
done_testing

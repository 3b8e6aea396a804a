#!/usr/bin/env bash
# solemate failover (issue 18) against the scripted responder: the DR
# stack's outputs, RDS, ECS, Application Auto Scaling and Route 53 as
# tests/aws/dr_services.py answers them. The happy path, a rerun, deploy's
# refusal of a failed-over environment, a replica that cannot be promoted,
# a promotion refused and one that fails, throttling, Ctrl-C and a rerun
# that finishes, no approval, health-checked records, no DR stack.
. tests/lib.sh

command -v python3 >/dev/null || { skip "responder" "no python3"; done_testing; exit 0; }
. tests/aws/responder.sh
responder_env
KEYS=(--credentials AKIDTESTRESPONDER:responder-secret-not-real)
FO=(failover --env production --to us-west-2)

# scenario CHANGES_JSON: start the responder on a fresh scenario
scenario() {
  stop_responder
  python3 tests/fixtures/failover/scenario.py "$TMP/scen.json" "${1:-{\}}"
  LOG=$TMP/fo-$RANDOM.jsonl
  start_responder "$LOG" --scenario-file "$TMP/scen.json" "${KEYS[@]}"
  E=(--endpoint-url "$RSP")
}
# count ACTION: requests of ACTION in the log
count() { python3 -c "import json,sys; print(sum(1 for l in open(sys.argv[1]) if json.loads(l)['action'] == sys.argv[2]))" "$LOG" "$1"; }
# dr EXPR: a Python expression over `d`, the DR services' state
dr() { curl -s "$RSP/__responder/dr" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
expect_eq() { if [ "$2" = "$3" ]; then ok "$1"; else notok "$1" "got '$2', expected '$3'"; fi; }

# ---- the happy path
scenario
expect_exit "failover --yes: exit 0" 0 "$SOLEMATE" "${FO[@]}" --yes "${E[@]}"
expect_grep "the plan is shown first" "3. promote   \[DO\] solemate-production-dr" "$TMP/out"
expect_grep "the plan names the DNS change" "UPSERT solemate.com A PRIMARY: alias d111.cloudfront.net. -> alias dualstack.dr-alb-2" "$TMP/out"
expect_grep "and the one of www." "UPSERT www.solemate.com A PRIMARY: alias d111.cloudfront.net. -> alias dualstack.dr-alb-2" "$TMP/out"
# IPv6 visitors fail over too: each name's AAAA pair is switched as its A pair
expect_grep "and the AAAA records" "UPSERT solemate.com AAAA PRIMARY: alias d111.cloudfront.net. -> alias dualstack.dr-alb-2" "$TMP/out"
expect_grep "and www.'s AAAA" "UPSERT www.solemate.com AAAA PRIMARY: alias d111.cloudfront.net. -> alias dualstack.dr-alb-2" "$TMP/out"
expect_grep "progress: the promotion followed" "promote \| solemate-production-dr: rebooting" "$TMP/out"
expect_grep "progress: tasks counted" "scale \| app: 3 of 3 tasks running" "$TMP/out"
expect_grep "progress: DNS followed to INSYNC" "dns \| solemate.com A: INSYNC" "$TMP/out"
expect_grep "progress: www. too" "dns \| www.solemate.com A: INSYNC" "$TMP/out"
expect_grep "progress: the AAAA records too" "dns \| www.solemate.com AAAA: INSYNC" "$TMP/out"
expect_grep "step 6: what to change afterwards" "refuses to run while the DR replica is" "$TMP/out"
expect_eq "the replica is standalone and available" "$(dr "d['rds']['solemate-production-dr']['source'], d['rds']['solemate-production-dr']['status']")" "None available"
expect_eq "the new primary keeps production's backup retention (30 days)" "$(dr "d['rds']['solemate-production-dr']['retention']")" "30"
expect_eq "the standby runs ecsDesiredCount (3) tasks" "$(dr "d['ecs']['solemate-production-dr/app']['desired'], d['ecs']['solemate-production-dr/app']['running']")" "3 3"
expect_eq "its scalable target's minimum is 3, maximum kept" "$(dr "d['aas']['service/solemate-production-dr/app']")" "{'min': 3, 'max': 60}"
expect_eq "the four PRIMARY records (A, AAAA) point at the DR load balancer, their set kept" \
  "$(dr "sorted((r['Name'], r['Type'], r['SetIdentifier'], r['AliasTarget']['DNSName']) for r in d['route53']['Z0SOLEMATE'] if r.get('Failover') == 'PRIMARY')")" \
  "[('solemate.com.', 'A', 'primary', 'dualstack.dr-alb-2.us-west-2.elb.amazonaws.com.'), ('solemate.com.', 'AAAA', 'primary', 'dualstack.dr-alb-2.us-west-2.elb.amazonaws.com.'), ('www.solemate.com.', 'A', 'primary', 'dualstack.dr-alb-2.us-west-2.elb.amazonaws.com.'), ('www.solemate.com.', 'AAAA', 'primary', 'dualstack.dr-alb-2.us-west-2.elb.amazonaws.com.')]"
expect_eq "the other records are untouched" "$(dr "[r['Name'] for r in d['route53']['Z0SOLEMATE'] if not r.get('Failover')]")" "['solemate.com.', 'origin.solemate.com.']"
order=$(python3 - "$LOG" <<'PY'
import json, sys
acts = [json.loads(l)["action"] for l in open(sys.argv[1])]
want = ["PromoteReadReplica", "RegisterScalableTarget", "UpdateService", "ChangeResourceRecordSets"]
print(all(a in acts for a in want) and [acts.index(a) for a in want] == sorted(acts.index(a) for a in want))
PY
)
expect_eq "promote, then scale (minimum first), then DNS" "$order" "True"
regions=$(python3 - "$LOG" <<'PY'
import json, sys
out = set()
for l in open(sys.argv[1]):
    e = json.loads(l)
    scope = e["authorization"].split("Credential=")[1].split("/")
    out.add(f"{e.get('service', scope[3])}:{scope[2]}")
print(" ".join(sorted(out)))
PY
)
expect_eq "nothing is asked of the primary region (Route 53 signed for us-east-1, its global endpoint)" "$regions" \
  "application-autoscaling:us-west-2 cloudformation:us-west-2 ecs:us-west-2 rds:us-west-2 route53:us-east-1 sts:us-west-2"
expect_eq "nothing is deleted" "$(grep -c '"action": "Delete' "$LOG")" "0"

# ---- a rerun changes nothing and says so
: >"$LOG"
expect_exit "failover again: exit 0" 0 "$SOLEMATE" "${FO[@]}" --yes "${E[@]}"
expect_grep "the rerun finds each step done" "3. promote   \[done already\]" "$TMP/out"
expect_eq "the rerun sends no change" "$(count PromoteReadReplica) $(count UpdateService) $(count ChangeResourceRecordSets)" "0 0 0"

# ---- deploy refuses the failed-over environment (the regression: it went on)
: >"$LOG"
expect_exit "deploy of the failed-over environment: refused, exit 2" 2 \
  "$SOLEMATE" deploy --env production --yes --skip-preflight --stack SolemateProductionNetwork "${E[@]}"
expect_grep "deploy names the promoted instance" "'production' has failed over: 'solemate-production-dr' in us-west-2" "$TMP/err"
expect_eq "deploy created no change set" "$(count CreateChangeSet)" "0"
expect_exit "deploy --after-failback: past the guard" 0 \
  "$SOLEMATE" deploy --env production --yes --skip-preflight --after-failback --stack SolemateProductionNetwork "${E[@]}"
expect_eq "deploy --after-failback made its change set" "$(count CreateChangeSet)" "1"

# ---- a replica that is not available cannot be promoted: nothing changes
scenario '{"rds": {"solemate-production-dr": {"status": "backing-up", "source": "arn:aws:rds:us-east-1:123456789012:db:solemate-production"}}}'
expect_exit "a replica backing up: exit 1" 1 "$SOLEMATE" "${FO[@]}" --yes "${E[@]}"
expect_grep "says why" "cannot be promoted now: it is 'backing-up'" "$TMP/err"
expect_grep "says nothing changed" "production: nothing was changed" "$TMP/out"
expect_eq "no promotion, no scaling, no DNS change" "$(count PromoteReadReplica) $(count UpdateService) $(count ChangeResourceRecordSets)" "0 0 0"

# ---- a promotion RDS refuses stops the run before scaling
scenario '{"promote": "refuse"}'
expect_exit "PromoteReadReplica refused: exit 1" 1 "$SOLEMATE" "${FO[@]}" --yes "${E[@]}"
expect_grep "RDS's answer is shown" "RDS PromoteReadReplica: InvalidDBInstanceState" "$TMP/err"
expect_grep "says how to go on" "failover stopped: fix the cause above and run it again" "$TMP/out"
expect_eq "not retried, nothing scaled, DNS untouched" "$(count PromoteReadReplica) $(count UpdateService) $(count ChangeResourceRecordSets)" "1 0 0"
scenario '{"promote": "fail"}'
expect_exit "a promotion that ends failed: exit 1" 1 "$SOLEMATE" "${FO[@]}" --yes "${E[@]}"
expect_grep "names the failure" "the promotion of 'solemate-production-dr' failed: the instance is 'failed'" "$TMP/err"
expect_eq "after a failed promotion nothing is scaled" "$(count UpdateService) $(count ChangeResourceRecordSets)" "0 0"

# ---- throttled calls are retried
scenario '{"outputs": {"StandbyDesiredCountActive": "5"}, "throttle": {"DescribeDBInstances": 1, "PromoteReadReplica": 2, "UpdateService": 1, "RegisterScalableTarget": 1, "ChangeResourceRecordSets": 1, "ListResourceRecordSets": 1}}'
expect_exit "throttled calls: retried, exit 0" 0 "$SOLEMATE" "${FO[@]}" --yes "${E[@]}"
expect_eq "PromoteReadReplica sent 3 times (2 throttled)" "$(count PromoteReadReplica)" "3"
expect_grep "the retries are counted" "failed over \([0-9]+ requests, 7 retried\)" "$TMP/out"
expect_eq "failed over all the same, to the stack's StandbyDesiredCountActive (5)" "$(dr "d['rds']['solemate-production-dr']['source'], d['ecs']['solemate-production-dr/app']['running']")" "None 5"

# ---- Ctrl-C while the promotion runs; the rerun finishes without promoting twice
scenario '{"promote_polls": 400}'
SOLEMATE_POLL_MS=20 "$SOLEMATE" "${FO[@]}" --yes "${E[@]}" >"$TMP/int.out" 2>"$TMP/int.err" &
pid=$!
for _ in $(seq 100); do [ "$(count DescribeDBInstances)" -ge 4 ] && break; sleep 0.05; done
kill -INT $pid; wait $pid; rc=$?
expect_eq "Ctrl-C during the promotion: exit 1" "$rc" "1"
expect_grep "says AWS goes on and how to finish" "interrupted: AWS goes on with what was sent; run the same command" "$TMP/int.out"
expect_eq "interrupted before scaling" "$(count PromoteReadReplica) $(count UpdateService)" "1 0"
expect_exit "the rerun: exit 0" 0 env SOLEMATE_POLL_MS=1 "$SOLEMATE" "${FO[@]}" --yes "${E[@]}"
expect_grep "the rerun waits for the promotion under way" "3. promote   \[under way: wait\]" "$TMP/out"
expect_eq "the rerun did not promote again" "$(count PromoteReadReplica)" "1"
expect_eq "and finished the failover" "$(dr "d['rds']['solemate-production-dr']['source'], d['ecs']['solemate-production-dr/app']['running']")" "None 3"

# ---- no approval: no terminal and no --yes, or a mistyped name
scenario
expect_exit "no --yes and no terminal: exit 2" 2 "$SOLEMATE" "${FO[@]}" "${E[@]}" </dev/null
expect_grep "the plan is shown all the same" "failover plan for production" "$TMP/out"
expect_grep "says to pass --yes" "pass --yes to fail 'production' over" "$TMP/err"
if command -v script >/dev/null; then
  echo "productio" | script -qfec "$SOLEMATE ${FO[*]} --endpoint-url $RSP" "$TMP/typed.out" >/dev/null 2>&1
  expect_grep "on a terminal: asks for the name" "type the name to go on" "$TMP/typed.out"
  expect_grep "a mistyped name: not confirmed" "not confirmed: nothing was changed" "$TMP/typed.out"
else
  skip "typed confirmation" "no script(1)"; skip "mistyped name" "no script(1)"
fi
expect_eq "nothing changed without approval" "$(count PromoteReadReplica) $(count UpdateService) $(count RegisterScalableTarget) $(count ChangeResourceRecordSets)" "0 0 0 0"

# ---- health-checked records switch by themselves; --force-dns switches them anyway
checked='{"route53": {"Z0SOLEMATE": [
  {"Name": "solemate.com.", "Type": "A", "SetIdentifier": "primary", "Failover": "PRIMARY", "HealthCheckId": "hc-1",
   "AliasTarget": {"HostedZoneId": "Z2FDTNDATAQYW2", "DNSName": "d111.cloudfront.net.", "EvaluateTargetHealth": false}},
  {"Name": "solemate.com.", "Type": "A", "SetIdentifier": "dr-standby", "Failover": "SECONDARY",
   "AliasTarget": {"HostedZoneId": "Z1H1FL5HABSF5", "DNSName": "dr-alb-2.us-west-2.elb.amazonaws.com.", "EvaluateTargetHealth": true}}]},
  "page_size": 1}'
scenario "$checked"
expect_exit "health-checked records: exit 0" 0 "$SOLEMATE" "${FO[@]}" --yes "${E[@]}"
expect_grep "says Route 53 switches by itself" "5. dns       \[automatic\] the PRIMARY record is health-checked" "$TMP/out"
expect_eq "no DNS change; records read page by page (and www., which has none)" "$(count ChangeResourceRecordSets) $(count ListResourceRecordSets)" "0 3"
scenario "$checked"
expect_exit "--force-dns: exit 0" 0 "$SOLEMATE" "${FO[@]}" --yes --force-dns "${E[@]}"
expect_eq "--force-dns: the PRIMARY points at the DR region, its health check kept" \
  "$(dr "[(r['AliasTarget']['DNSName'], r.get('HealthCheckId')) for r in d['route53']['Z0SOLEMATE'] if r['Failover'] == 'PRIMARY']")" \
  "[('dr-alb-2.us-west-2.elb.amazonaws.com.', 'hc-1')]"

# ---- no DR stack, or one without the contract's outputs: bad input, nothing asked further
scenario '{"outputs": {"StandbyServiceName": null}}'
expect_exit "a DR stack without StandbyServiceName: exit 2" 2 "$SOLEMATE" "${FO[@]}" --yes "${E[@]}"
expect_grep "names the missing output" "has no output 'StandbyServiceName'" "$TMP/err"
expect_eq "nothing after DescribeStacks" "$(count DescribeDBInstances)" "0"
stop_responder; LOG=$TMP/empty.jsonl; start_responder "$LOG" "${KEYS[@]}"; E=(--endpoint-url "$RSP")
expect_exit "no DR stack: exit 2" 2 "$SOLEMATE" "${FO[@]}" --yes "${E[@]}"
expect_grep "says the DR stack is missing" "the DR stack 'SolemateProductionDrStandby' does not exist" "$TMP/err"
: >"$LOG"
expect_exit "--to another region than drRegion: exit 2" 2 "$SOLEMATE" failover --env production --to eu-west-1 --yes "${E[@]}"
expect_exit "an environment without drRegion: exit 2" 2 "$SOLEMATE" failover --env staging --to us-west-2 --yes "${E[@]}"
expect_eq "neither reached AWS" "$(wc -l <"$LOG" | tr -d ' ')" "0"

done_testing

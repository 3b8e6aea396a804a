#!/usr/bin/env bash
# cost: the estimate adds up, lines carry hand-checkable values, --against
# shows a difference, availability and capacity are reported, and bad input
# (format, price files, SLA file) is exit 2 with the file named.
. tests/lib.sh

expect_exit "cost --env production --format json" 0 "$SOLEMATE" cost --env production --format json
cp "$TMP/out" "$TMP/prod.json"
# backup-restore: no live second path, so the primary's availability is all there is
expect_exit "cost --env production --set drReadiness=backup-restore" 0 "$SOLEMATE" cost --env production --format json --set drReadiness=backup-restore
python3 -c "import json,sys; a=json.load(open('$TMP/out'))['availability']; sys.exit(0 if a['readiness']=='backup-restore' and a['composite']==a['primaryPath'] and a['meets'] is False else 1)" \
  && ok "backup-restore: composite is the primary path's, below the target" || notok "backup-restore availability" "$(head -c 300 "$TMP/out")"
check_json() { # NAME PYTHON-EXPRESSION-ON-d
  if python3 -c "import json,sys; d=json.load(open('$TMP/prod.json')); sys.exit(0 if ($2) else 1)"; then
    ok "$1"; else notok "$1" "false: $2"; fi
}
check_json "monthlyTotal equals the sum of the lines" \
  "abs(d['monthlyTotal'] - sum(l['monthly'] for l in d['lines'])) < 0.005"
check_json "monthlyTotal equals the sum of the stack subtotals" \
  "abs(d['monthlyTotal'] - sum(s['monthly'] for s in d['stacks'])) < 0.005"
check_json "a NAT gateway is 730 h x \$0.045 = 32.85" \
  "any(l['type']=='AWS::EC2::NatGateway' and l['component']=='NAT gateway hours' and l['monthly']==32.85 and l['formula']=='730 h x \$0.045/h' for l in d['lines'])"
check_json "production has two NAT gateways (natGateways 2), its warm standby one" \
  "sum(1 for l in d['lines'] if l['component']=='NAT gateway hours' and l['stack']=='SolemateProductionNetwork') == 2 and sum(1 for l in d['lines'] if l['component']=='NAT gateway hours' and l['stack']=='SolemateProductionDrStandby') == 1"
check_json "Multi-AZ db.m6g.large is 730 x 0.159 x 2 = 232.14" \
  "any(l['logicalId']=='Database' and l['component']=='DB instance hours' and l['monthly']==232.14 for l in d['lines'])"
check_json "every line has quantity x unit price = monthly" \
  "all(abs(l['quantity']*l['unitPrice'] - l['monthly']) < 0.006 for l in d['lines'])"
check_json "the budget of the config is compared" \
  "d['budget']['monthly'] == 3000 and d['budget']['overBudget'] == (d['monthlyTotal'] > 3000)"
check_json "price date and currency are stated" "d['priceDate'] == '2026-12-03' and d['currency'] == 'USD'"
check_json "the DR stack is priced from the us-west-2 file" \
  "any(s['region']=='us-west-2' for s in d['stacks']) and len(d['priceFiles']) == 2"
check_json "availability: the primary path is the product of its components" \
  "abs(d['availability']['primaryPath'] - __import__('math').prod(c['effective'] for c in d['availability']['components'])) < 1e-12"
check_json "the primary path alone is below 99.9 % on SLAs (CloudFront alone is 99.9 %)" \
  "d['availability']['primaryPath'] < 0.999 and d['availability']['target'] == 0.999"
check_json "production's warm standby in us-west-2 is the second path: composite >= 99.9 %, meets" \
  "d['availability']['readiness'] == 'warm-standby' and d['availability']['composite'] >= 0.999 and d['availability']['meets'] is True and all('DrStandby' in c['resource'] for c in d['availability']['drComponents'])"
check_json "RTO and RPO per level; backup-restore is no live path (composite = the primary's)" \
  "[l['level'] for l in d['availability']['levels']] == ['none','backup-restore','pilot-light','warm-standby'] and d['availability']['levels'][1]['live'] is False and d['availability']['levels'][1]['composite'] == d['availability']['primaryPath'] and d['availability']['levels'][1]['rpoMinutes'] == 5 and d['availability']['levels'][3]['rtoMinutes'] == 20"
check_json "capacity: 60 tasks x 100 req/s x 10 s = 60000 users, tasks bind" \
  "d['capacity']['maxConcurrentUsers'] == 60000 and 'ECS autoscaling' in d['capacity']['bindingLimit']"
check_json "capacity: db.m6g.large (8 GiB) allows 901 connections, room for 90 tasks = 90000 users" \
  "d['capacity']['dbMaxConnections'] == 901 and d['capacity']['maxConcurrentUsersDb'] == 90000"

"$SOLEMATE" synth --env staging --out "$TMP/staging" --quiet
expect_exit "cost --against another assembly" 0 "$SOLEMATE" cost --env production --format json --against "$TMP/staging"
if python3 -c "
import json,sys; d=json.load(open('$TMP/out'))['diff']
assert d['delta'] != 0 and abs(d['delta'] - (d['afterTotal'] - d['beforeTotal'])) < 0.01
assert any(l['delta'] != 0 for l in d['lines'])"; then ok "--against: staging vs production differs per line and in total"
else notok "--against difference"; fi
expect_exit "text output" 0 "$SOLEMATE" cost --env staging
expect_grep "text: a stack subtotal" "^  subtotal" "$TMP/out"
expect_grep "text: the total against the budget" "^TOTAL USD [0-9.]+ / month \(staging\); budget 500.00" "$TMP/out"
expect_grep "text: availability verdict" "against the target 99.9 %: (PASS|FAIL)" "$TMP/out"
expect_grep "text: single-AZ staging database is named" "set databaseMultiAz to true" "$TMP/out"
expect_exit "a PATH input uses the default assumptions" 0 "$SOLEMATE" cost "$TMP/staging"
expect_grep "PATH input says the defaults are used" "usage: the default assumptions" "$TMP/out"
expect_exit "--env all prices each environment and the account baseline" 0 "$SOLEMATE" cost --env all --format json
if python3 -c "import json; d=json.load(open('$TMP/out')); assert [e['environment'] for e in d['environments']] == ['baseline','production','staging']"
then ok "--env all: one estimate per unit"; else notok "--env all"; fi

# issue 18: the shipped configs meet the PRD's metrics they are sized for
expect_exit "staging estimate (json)" 0 "$SOLEMATE" cost --env staging --format json
if python3 -c "import json; d=json.load(open('$TMP/out')); assert d['monthlyTotal'] <= 300, d['monthlyTotal']"
then ok "staging costs at most 300 USD a month"; else notok "staging over 300 USD a month"; fi
if python3 -c "import json; d=json.load(open('$TMP/out')); assert 'ecsMaxCapacity from 4 to 50' in d['capacity']['advice']"
then ok "capacity: the advice names the setting to change (staging)"; else notok "capacity advice"; fi
expect_exit "production estimate (json)" 0 "$SOLEMATE" cost --env production --format json
if python3 -c "
import json; d=json.load(open('$TMP/out')); c=d['capacity']
assert c['meetsTarget'] and c['maxConcurrentUsers'] >= 50000, c
assert c['maxConcurrentUsersTasks'] >= 50000 and c['maxConcurrentUsersDb'] >= 50000, c
assert not d['budget']['overBudget'], d['budget']"
then ok "production: no tier binds below 50,000 users, within budget"; else notok "production capacity or budget"; fi
if python3 -c "
import json; d=json.load(open('$TMP/out')); c=d['capacity']
t={x['tier']: x for x in c['tiers']}
assert t['ECS tasks']['binds'] and t['ECS tasks']['limitUsers'] == 60000 and t['database writer']['limitUsers'] == 90000, t
assert t['read replicas']['limitUsers'] is None and not t['read replicas']['binds'], t
th={x['check']: x for x in c['thresholds']}
assert all(x['follows'] for x in c['thresholds']) and len(th) == 4, th
assert th['database connections alarm']['value'] == 720 and th['database connections alarm']['resource'].endswith('/DatabaseConnectionsAlarm'), th"
then ok "production: each tier's limit, the tasks bind; every alarm and scaling threshold follows the sizes"; else notok "production tiers or thresholds"; fi

# issue 18: what the metrics cost, each figure from the environment synthesized again
if python3 -c "
import json; d=json.load(open('$TMP/out')); m=d['metricsCost']
lv={x['level']: x for x in m['levels']}
assert [x['level'] for x in m['levels']] == ['none','backup-restore','pilot-light','warm-standby'], m['levels']
assert lv['warm-standby']['current'] and lv['warm-standby']['monthly'] == d['monthlyTotal'], lv
assert lv['warm-standby']['composite'] == d['availability']['composite'], lv
assert lv['none']['monthly'] < lv['backup-restore']['monthly'] < lv['pilot-light']['monthly'] < lv['warm-standby']['monthly'], lv
assert not lv['none']['availabilityMeets'] and lv['pilot-light']['availabilityMeets'], lv
assert lv['backup-restore']['rtoMinutes'] == 240 and lv['none']['rtoMinutes'] is None, lv
st=m['prdSample']['steps']
assert st[0]['changes'] == 'databaseInstanceType=t3.small, drReadiness=none' and st[0]['maxConcurrentUsers'] == 22000, st[0]
assert st[-1]['changes'] == '' and st[-1]['monthly'] == d['monthlyTotal'], st[-1]
assert 'capacity 22000 -> 60000 users (meets the target)' in st[1]['buys'], st[1]
assert 'availability' in st[2]['buys'] and 'meets the target' in st[2]['buys'], st[2]
assert abs(m['prdSample']['overSampleMonthly'] - round(d['monthlyTotal'] - st[0]['monthly'], 2)) < 0.005
k=m['perThousandUsers']
assert abs(k['atCapacity'] - round(d['monthlyTotal'] / 60, 2)) < 0.005 and abs(k['atTarget'] - round(d['monthlyTotal'] / 50, 2)) < 0.005, k
assert k['peakChanges'] == 'ecsDesiredCount=60' and k['peakMonthly'] > d['monthlyTotal'], k"
then ok "production: each readiness level priced side by side, the PRD sample's steps, per 1,000 users"; else notok "production metricsCost"; fi
expect_exit "staging: the standby levels are priced too" 0 "$SOLEMATE" cost --env staging --format json
if python3 -c "
import json; d=json.load(open('$TMP/out')); lv=d['metricsCost']['levels']
assert all(x.get('error') is None for x in lv), lv
assert 'stand-in certificate' in lv[3]['note'] and lv[3]['monthly'] > lv[0]['monthly'] == d['monthlyTotal'], lv"
then ok "staging: pilot-light and warm-standby priced with a stand-in certificate, said so"; else notok "staging metricsCost"; fi
expect_exit "text: what the metrics cost" 0 "$SOLEMATE" cost --env production
expect_grep "text: the levels side by side" "^    pilot-light +[0-9.]+ +-[0-9.]+ " "$TMP/out"
expect_grep "text: the cost over the PRD sample" "meeting the metrics costs \+[0-9.]+ a month over the PRD sample's sizes" "$TMP/out"
expect_grep "text: the latency section names the p95 alarm" "alarm: SolemateProductionMonitoring/LatencyP95Alarm, AWS/ApplicationELB TargetResponseTime p95 above 200 ms for 5 x 60 s: at the target" "$TMP/out"
expect_grep "text: the cache hit ratio is a usage key" "cache hit ratio 0.9 \\(usage.cdnCacheHitRatio\\)" "$TMP/out"
expect_grep "text: per 1,000 users" "per 1,000 concurrent users: [0-9.]+ a month at capacity \(60000 users\)" "$TMP/out"

expect_exit "bad --format is exit 2" 2 "$SOLEMATE" cost --env staging --format yaml
mkdir -p "$TMP/noprices"
expect_exit "missing price file is exit 2" 2 "$SOLEMATE" cost --env staging --prices "$TMP/noprices"
expect_grep "the missing price file is named" "noprices/us-east-1.json.*no price file for region 'us-east-1'" "$TMP/err"
mkdir -p "$TMP/badprices"
python3 -c "
import json; d=json.load(open('data/prices/us-east-1.json')); del d['rds']['postgres']['db.t3.micro']
json.dump(d, open('$TMP/badprices/us-east-1.json','w'))"
expect_exit "a price the file lacks is exit 2" 2 "$SOLEMATE" cost --env staging --prices "$TMP/badprices"
expect_grep "the missing price is named" "no price for 'rds.postgres.db.t3.micro'" "$TMP/err"
echo '{"region": "us-east-1", "currency": "USD"' >"$TMP/badprices/us-east-1.json"
expect_exit "a malformed price file is exit 2" 2 "$SOLEMATE" cost --env staging --prices "$TMP/badprices"
expect_grep "the malformed file is named with a position" "badprices/us-east-1.json:[0-9]+" "$TMP/err"
echo '{}' >"$TMP/slas.json"
expect_exit "a bad SLA file is exit 2" 2 "$SOLEMATE" cost --env staging --slas "$TMP/slas.json"
expect_exit "--against a missing directory is exit 2" 2 "$SOLEMATE" cost --env staging --against "$TMP/nothing"
expect_exit "--help" 0 "$SOLEMATE" cost --help
expect_grep "--help documents the exit codes" "exit: 0 estimate made" "$TMP/out"
done_testing

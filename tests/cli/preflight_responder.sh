#!/usr/bin/env bash
# slow
# preflight against the scripted account responder (tests/aws/account_responder.py),
# for what moto does not model or a test must choose: RDS orderability of
# PostgreSQL and the DB-instance quota, Cost Explorer anomaly monitors,
# Service Quotas (applied, default, denied), Route 53 hosted zones, S3 bucket
# names (through build*/tests/test_preflight). Each case checks the
# requests sent, the finding, and the exit code.
. tests/lib.sh
. tests/aws/responder.sh   # responder_env: keys, HOME, the configurations with our certificate
responder_env
RSP_PID=
ARN=arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b
CERT="\"certificates\": {\"$ARN\": {\"Status\": \"ISSUED\", \"DomainName\": \"staging.solemate.com\",
  \"SubjectAlternativeNames\": [\"staging.solemate.com\", \"*.staging.solemate.com\", \"solemate.com\", \"*.solemate.com\", \"www.solemate.com\"]}}"
ORDERABLE='"orderable": [{"Engine": "postgres", "EngineVersion": "16.11", "DBInstanceClass": "db.t3.micro"},
  {"Engine": "postgres", "EngineVersion": "16.11", "DBInstanceClass": "db.m6g.large"}]'
GOODQ='"quotas": {"vpc/L-F678F1CE": 5, "ec2/L-0263D0A3": 5, "vpc/L-A4707A72": 5, "vpc/L-FE5A380F": 5, "fargate/L-3032A538": 4000},
  "rds_quotas": {"DBInstances": [0, 40]}'

account() { # SCENARIO-JSON: (re)start the responder with this scenario
  [ -n "$RSP_PID" ] && { kill "$RSP_PID" 2>/dev/null; wait "$RSP_PID" 2>/dev/null; }
  printf '{%s}\n' "$1" >"$TMP/sc.json"
  : >"$TMP/acct.log"; rm -f "$TMP/acct.port"
  python3 tests/aws/account_responder.py --port 0 --log "$TMP/acct.log" --scenario "$TMP/sc.json" >"$TMP/acct.port" 2>"$TMP/acct.err" &
  RSP_PID=$!
  for _ in $(seq 100); do [ -s "$TMP/acct.port" ] && break; sleep 0.1; done
  EP=http://127.0.0.1:$(head -1 "$TMP/acct.port")
}
trap '[ -n "$RSP_PID" ] && kill "$RSP_PID" 2>/dev/null; rm -rf "$TMP"' EXIT
asked() { # NAME PYTHON-EXPR over the log's requests `rq`: true when it holds
  if python3 -c "import json,sys; rq=[json.loads(l) for l in open(sys.argv[1])]; sys.exit(0 if ($2) else 1)" "$TMP/acct.log"; then
    ok "$1"; else notok "$1" "$(cut -c1-160 "$TMP/acct.log" | head -20)"; fi
}
pf() { "$SOLEMATE" preflight --endpoint-url "$EP" "$@"; }

# 1. an account with room for everything: exit 0, and every question was asked
account "$CERT, $ORDERABLE, $GOODQ"
expect_exit "a good account: preflight passes" 0 pf --env staging
if grep -qE '^  (error|warning)' "$TMP/out"; then notok "no error or warning" "$(grep -E 'error|warning' "$TMP/out")"; else ok "no error or warning"; fi
asked "RDS is asked for the configured engine version and class" \
  "any(r['action']=='DescribeOrderableDBInstanceOptions' and r['params'].get('EngineVersion')=='16.11' and r['params'].get('DBInstanceClass')=='db.t3.micro' for r in rq)"
asked "Service Quotas is asked for VPCs, EIPs, gateways, NAT per zone, Fargate vCPUs" \
  "{'L-F678F1CE','L-0263D0A3','L-A4707A72','L-FE5A380F','L-3032A538'} <= {r['params'].get('QuotaCode') for r in rq if r['service']=='servicequotas'}"
asked "NAT gateways are counted in the states that hold the quota" \
  "any(r['action']=='DescribeNatGateways' and r['params'].get('Filter.1.Value.1')=='pending' for r in rq)"
asked "RDS's own account quota is read" "any(r['action']=='DescribeAccountAttributes' for r in rq)"
asked "nothing but reads" "all(r['action'].startswith(('Describe','Get','Head','List')) for r in rq)"

# 2. RDS orderability (DescribeOrderableDBInstanceOptions)
account "$CERT, \"orderable\": [{\"Engine\": \"postgres\", \"EngineVersion\": \"15.8\", \"DBInstanceClass\": \"db.t3.micro\"}], $GOODQ"
expect_exit "a version RDS does not offer: exit 1" 1 pf --env staging
expect_grep "it names databaseEngineVersion and what is not orderable" \
  "error +rds +databaseEngineVersion: postgres 16.11 on db.t3.micro is not orderable in us-east-1" "$TMP/out"
account "$CERT, \"orderable\": [], $GOODQ"
expect_exit "an endpoint that lists nothing for the engine: not an error" 0 pf --env staging
expect_grep "it is a warning that says it could not check" "warning +rds .*could not check: the endpoint lists no orderable option for postgres" "$TMP/out"
account "$CERT, $ORDERABLE, $GOODQ, \"deny\": [\"rds:DescribeOrderableDBInstanceOptions\"]"
expect_exit "RDS denied: not a pass, not an error" 0 pf --env staging
expect_grep "a warning naming the refusal" "warning +rds .*could not check: .*AccessDenied" "$TMP/out"

# 3. Cost Explorer anomaly monitors (the account baseline creates one of dimension SERVICE)
account '"anomaly_monitors": [{"MonitorName": "finance-watch", "MonitorDimension": "SERVICE"}]'
expect_exit "baseline: a monitor of the same dimension exists: exit 1" 1 pf --env baseline
expect_grep "it names the monitor" "error +anomaly-monitor .*'finance-watch' of dimension SERVICE" "$TMP/out"
asked "Cost Explorer is asked in us-east-1" "any(r['action']=='GetAnomalyMonitors' and r['service']=='ce' for r in rq)"
account '"anomaly_monitors": [{"MonitorName": "solemate-services", "MonitorDimension": "SERVICE"}]'
expect_exit "baseline: the monitor is the baseline's own: exit 0" 0 pf --env baseline
account '"deny": ["ce:*"]'
expect_exit "baseline: Cost Explorer denied: a warning" 0 pf --env baseline
expect_grep "it says it could not check" "warning +anomaly-monitor .*could not check" "$TMP/out"

# 4. Service Quotas
account "$CERT, $ORDERABLE, $GOODQ, \"ec2\": {\"DescribeVpcs\": 5}"
expect_exit "five VPCs held, quota 5: exit 1" 1 pf --env staging
expect_grep "it names the quota, what is held and what is created" \
  "error +quota +us-east-1 VPCs per Region \(vpc L-F678F1CE\): the stacks create 1 VPCs in us-east-1 where the account holds 5; the quota is 5" "$TMP/out"
account "$CERT, $ORDERABLE, \"quotas\": {\"vpc/L-F678F1CE\": 10}, \"default_quotas\": {\"fargate/L-3032A538\": 4000}, \"rds_quotas\": {\"DBInstances\": [0, 40]}, \"ec2\": {\"DescribeVpcs\": 5}"
expect_exit "an applied VPC quota of 10 leaves room" 0 pf --env staging
asked "the default value is asked when none is applied" \
  "any(r['action']=='GetAWSDefaultServiceQuota' and r['params']['QuotaCode']=='L-3032A538' for r in rq)"
account "$CERT, $ORDERABLE, \"rds_quotas\": {\"DBInstances\": [0, 40]}, \"deny\": [\"servicequotas:*\"], \"ec2\": {\"DescribeAddresses\": 5}"
expect_exit "Service Quotas denied, 5 EIPs held: a warning on the documented default" 0 pf --env staging
expect_grep "the default is named as such" "warning +quota .*Elastic IP.*holds 5; the default quota is 5" "$TMP/out"
expect_grep "Fargate has no documented default: could not check" "warning +quota .*Fargate.*could not check" "$TMP/out"
account "$CERT, $ORDERABLE, $GOODQ, \"ec2\": {\"DescribeNatGateways\": 1}, \"quotas\": {\"vpc/L-FE5A380F\": 1, \"fargate/L-3032A538\": 10}"
expect_exit "production: one NAT gateway per zone against a quota of 1 with one held somewhere; Fargate at 10 vCPUs" 0 pf --env production
expect_grep "NAT per zone: the account's may sit in another zone, a warning" "warning +quota .*NAT gateways per Availability Zone.*in one zone" "$TMP/out"
expect_grep "Fargate: 60 tasks of 0.25 vCPU at the scaling maximum exceed 10, a warning" "warning +quota .*Fargate.*scaling maximum the services run 15.00 Fargate vCPUs" "$TMP/out"
account "$CERT, $ORDERABLE, \"quotas\": {\"fargate/L-3032A538\": 0.5}, \"rds_quotas\": {\"DBInstances\": [40, 40]}"
expect_exit "production: Fargate below the starting tasks and RDS at its quota: exit 1" 1 pf --env production
expect_grep "Fargate: 3 tasks of 0.25 vCPU cannot start in 0.5" "error +quota .*Fargate.*start 0.75 Fargate vCPUs" "$TMP/out"
expect_grep "RDS: the account is at its 40 instances" "error +quota .*DB instances.*where the account has 40; the quota is 40" "$TMP/out"

# 5. Route 53 (a configuration with a hosted zone: DNS-validated certificates and alias records)
Z=Z0123456789ABCDEFGHIJ
account "$ORDERABLE, $GOODQ"
expect_exit "a hosted zone that does not exist: exit 1" 1 pf --env staging --set hostedZoneId=$Z
expect_grep "it names hostedZoneId" "error +hosted-zone +hostedZoneId: hosted zone $Z does not exist" "$TMP/out"
asked "GetHostedZone is asked for the configured zone" "any(r['action']=='GetHostedZone' and r['params']['Id']=='$Z' and r['service']=='route53' for r in rq)"
account "$ORDERABLE, $GOODQ, \"hosted_zones\": {\"$Z\": {\"Name\": \"other-shop.com.\"}}"
expect_exit "a zone of another domain: exit 1" 1 pf --env staging --set hostedZoneId=$Z
expect_grep "the record outside the zone is named" "error +hosted-zone +hostedZoneId: record [a-z.]*staging.solemate.com is not inside hosted zone" "$TMP/out"
account "$ORDERABLE, $GOODQ, \"hosted_zones\": {\"$Z\": {\"Name\": \"staging.solemate.com.\", \"Private\": true}}"
expect_exit "a private zone where ACM validates: exit 1" 1 pf --env staging --set hostedZoneId=$Z
expect_grep "it says ACM needs public DNS" "error +hosted-zone .*is private: ACM's DNS validation" "$TMP/out"
account "$ORDERABLE, $GOODQ, \"hosted_zones\": {\"$Z\": {\"Name\": \"staging.solemate.com.\"}}"
expect_exit "the domain's public zone: exit 0" 0 pf --env staging --set hostedZoneId=$Z
if grep -q "hosted-zone" "$TMP/out"; then notok "no hosted-zone finding" "$(grep hosted-zone "$TMP/out")"; else ok "no hosted-zone finding"; fi
asked "each record's name is looked up in the zone" \
  "any(r['action']=='ListResourceRecordSets' and r['params']['name'].rstrip('.')=='www.staging.solemate.com' for r in rq)"
# a zone that already serves the domain: the apex A of an old site, www a CNAME;
# CloudFormation's CREATE of our aliases would fail ("already exists", "conflicting RRSet of type CNAME")
account "$ORDERABLE, $GOODQ, \"hosted_zones\": {\"$Z\": {\"Name\": \"staging.solemate.com.\", \"Records\": [{\"Name\": \"staging.solemate.com.\", \"Type\": \"A\"}, {\"Name\": \"www.staging.solemate.com.\", \"Type\": \"CNAME\"}, {\"Name\": \"staging.solemate.com.\", \"Type\": \"MX\"}]}}"
expect_exit "records the zone already holds under our names: exit 1" 1 pf --env staging --set hostedZoneId=$Z
expect_grep "the apex A is named, with the resource it would stop" \
  "error +hosted-zone +hostedZoneId: hosted zone $Z already holds a A record named staging.solemate.com, .*SolemateStagingEdge/ApexAliasA" "$TMP/out"
expect_grep "www's CNAME stops both of its aliases" \
  "error +hosted-zone .*holds a CNAME record named www.staging.solemate.com, .*WwwAliasAAAA" "$TMP/out"
n=$(grep -cE "error +hosted-zone .*already holds" "$TMP/out")
[ "$n" = 3 ] && ok "an MX at the apex takes no name of ours: 3 findings (apex A, www A and AAAA)" || notok "3 existing-record findings" "$n: $(grep hosted-zone "$TMP/out")"
# the stacks deployed: the records are theirs, nothing to say
account "$ORDERABLE, $GOODQ, \"stacks\": [\"SolemateStagingEdge\"], \"hosted_zones\": {\"$Z\": {\"Name\": \"staging.solemate.com.\", \"Records\": [{\"Name\": \"staging.solemate.com.\", \"Type\": \"A\"}]}}"
expect_exit "the same records once the Edge stack that declares them is deployed: exit 0" 0 pf --env staging --set hostedZoneId=$Z
if grep -q "already holds" "$TMP/out"; then notok "no existing-record finding" "$(grep hosted-zone "$TMP/out")"; else ok "no existing-record finding"; fi

# 5b. ECS's service-linked role (IAM GetRole, global): missing in a new account, a warning
account "$CERT, $ORDERABLE, $GOODQ, \"missing_roles\": [\"AWSServiceRoleForECS\"]"
expect_exit "an account without ECS's service-linked role: a warning, exit 0" 0 pf --env staging
expect_grep "it names the role and the command that creates it" \
  "warning +service-role +SolemateStagingCompute/Cluster: the account has no ECS service-linked role" "$TMP/out"
expect_grep "the fix is the AWS CLI's" "create-service-linked-role --aws-service-name ecs.amazonaws.com" "$TMP/out"
asked "GetRole is asked of IAM" \
  "any(r['action']=='GetRole' and r['params']['RoleName']=='AWSServiceRoleForECS' and r['service']=='iam' for r in rq)"
account "$CERT, $ORDERABLE, $GOODQ"
expect_exit "the role exists: exit 0" 0 pf --env staging
if grep -q "service-role" "$TMP/out"; then notok "no service-role finding" "$(grep service-role "$TMP/out")"; else ok "no service-role finding"; fi

# 6. S3 bucket names (HeadBucket), through the library: no configuration of ours names a bucket
prog="$BUILD/tests/test_preflight"
account '"buckets": {"someone-elses-bucket": 403, "already-ours": 200, "in-eu-west-1": 301}'
if SOLEMATE_TEST_ENDPOINT=$EP "$prog" >"$TMP/prog" 2>&1 && ! grep -q "^not ok" "$TMP/prog"; then
  ok "buckets: taken by another account, ours but not deployed, in another region: errors; free: nothing"
else notok "buckets (stack not deployed)" "$(cat "$TMP/prog")"; fi
asked "HeadBucket is asked for each named bucket only" \
  "sorted(r['params']['Bucket'] for r in rq if r['action']=='HeadBucket') == ['already-ours','free-name-4711','in-eu-west-1','someone-elses-bucket']"
account '"buckets": {"someone-elses-bucket": 403, "already-ours": 200, "in-eu-west-1": 301}, "stacks": ["Buckets"]'
if SOLEMATE_TEST_ENDPOINT=$EP SOLEMATE_TEST_STACK=Buckets "$prog" >"$TMP/prog" 2>&1 && ! grep -q "^not ok" "$TMP/prog"; then
  ok "buckets: the deployed stack's own bucket is no finding"
else notok "buckets (stack deployed)" "$(cat "$TMP/prog")"; fi
done_testing

#!/usr/bin/env bash
# slow
# production's warm standby (issue 18) deployed into moto, signatures and IAM
# checked: the SolemateProductionDrStandby stack in us-west-2 after Data (its
# cross-region replica's source by ARN, the secrets' ARNs and the keys read
# across regions), the failover contract's outputs, then solemate failover
# against what was deployed (not a hand-made stand-in: failover_moto.sh has
# that one, with the Route 53 records) and deploy's refusal afterwards.
# Not here: destroy, since moto 5.2.1 leaves a stack's NAT gateway and
# gateway attachment behind and refuses the VPC (DependencyViolation; its
# staging case is in deploy_moto.sh). moto_fixes.py items 4, 13 and 14 are
# what this needed.
. tests/lib.sh

if ! python3 -c 'import moto.server, boto3' 2>/dev/null; then
  skip "the DR standby against moto" "moto[server] or boto3 missing (scripts/install-deps.sh --test)"
  done_testing; exit 0
fi
if ! python3 tests/aws/moto_env.py start --dir "$TMP/moto" >"$TMP/moto.out" 2>&1; then
  notok "moto starts with signature checks on" "$(tail -5 "$TMP/moto.out")"; done_testing; exit 1
fi
trap 'python3 tests/aws/moto_env.py stop --dir "$TMP/moto" >/dev/null 2>&1; rm -rf "$TMP"' EXIT
. "$TMP/moto/env.sh"
# "localhost": moto reads a TemplateURL from its own S3 only under that name
E=(--endpoint-url "http://localhost:$MOTO_PORT")
export SOLEMATE_POLL_MS=50 SOLEMATE_RETRY_BASE_MS=1
export HOME=$TMP/home AWS_CONFIG_FILE=$TMP/home/none AWS_SHARED_CREDENTIALS_FILE=$TMP/home/none
mkdir -p "$HOME" "$TMP/cfg"

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -days 7 \
  -subj "/CN=solemate.com" -addext "subjectAltName=DNS:solemate.com,DNS:*.solemate.com" 2>/dev/null
import_cert() { python3 - "$TMP" "$1" <<'PY'
import boto3, os, sys
acm = boto3.client("acm", endpoint_url=os.environ["SOLEMATE_ENDPOINT"], region_name=sys.argv[2])
print(acm.import_certificate(Certificate=open(sys.argv[1] + "/cert.pem", "rb").read(),
                             PrivateKey=open(sys.argv[1] + "/key.pem", "rb").read())["CertificateArn"])
PY
}
# the shipped production config (warm-standby), with certificates that exist
python3 - config/production.json "$TMP/cfg/production.json" "$(import_cert us-east-1)" "$(import_cert us-west-2)" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c.pop("$schema", None)
assert c["drReadiness"] == "warm-standby", c["drReadiness"]
c["certificateArn"], c["drAlbCertificateArn"] = sys.argv[3], sys.argv[4]
c["accountId"] = "123456789012"  # moto's account
json.dump(c, open(sys.argv[2], "w"), indent=2)
PY
C=(--config-dir "$TMP/cfg")

expect_exit "bootstrap us-east-1: exit 0" 0 "$SOLEMATE" bootstrap --env production "${C[@]}" --yes "${E[@]}"
expect_exit "bootstrap the DR region us-west-2: exit 0" 0 "$SOLEMATE" bootstrap --env production --region us-west-2 "${C[@]}" --yes "${E[@]}"
expect_exit "deploy production at warm-standby: exit 0" 0 "$SOLEMATE" deploy --env production "${C[@]}" --yes --skip-preflight "${E[@]}"
expect_grep "every stack deployed, the standby among them" "SolemateProductionDrStandby +[0-9.]+s +deployed" "$TMP/out"
expect_grep "production: 7 stacks" "production: 7 deployed, 0 unchanged, 0 failed" "$TMP/out"

# the failover contract (src/lifecycle/failover.h FAILOVER_OUTPUT_*) and what it names
grep -o '"[A-Za-z]*"' <(grep -E '^#define FAILOVER_OUTPUT_(REPLICA|CLUSTER|SERVICE|ACTIVE) ' src/lifecycle/failover.h) \
  | tr -d '"' >"$TMP/contract"
python3 - "$TMP/contract" >"$TMP/standby.out" 2>&1 <<'PY'
import boto3, os, sys
ep = os.environ["SOLEMATE_ENDPOINT"]
c = lambda svc: boto3.client(svc, endpoint_url=ep, region_name="us-west-2")
s = c("cloudformation").describe_stacks(StackName="SolemateProductionDrStandby")["Stacks"][0]
out = {o["OutputKey"]: o["OutputValue"] for o in s["Outputs"]}
missing = [k for k in open(sys.argv[1]).read().split() if k not in out]
print("status", s["StackStatus"], "protected", s.get("EnableTerminationProtection"))
print("contract missing", missing)
db = c("rds").describe_db_instances(DBInstanceIdentifier=out["ReplicaDbInstanceIdentifier"])["DBInstances"][0]
print("replica", db["DBInstanceStatus"], db.get("ReadReplicaSourceDBInstanceIdentifier"), db["StorageEncrypted"])
svc = c("ecs").describe_services(cluster=out["StandbyClusterName"], services=[out["StandbyServiceName"]])["services"][0]
print("service", svc["desiredCount"], "active", out["StandbyDesiredCountActive"])
# the dual-stack public tier (the AAAA failover records' target): the VPC's
# IPv6 block, a /64 of it on each public subnet, ::/0 to the internet gateway
import ipaddress
ec2 = c("ec2")
res = {r["LogicalResourceId"]: r.get("PhysicalResourceId") for page in c("cloudformation").get_paginator(
    "list_stack_resources").paginate(StackName="SolemateProductionDrStandby") for r in page["StackResourceSummaries"]}
vpc = ec2.describe_vpcs(VpcIds=[res["Vpc"]])["Vpcs"][0]
v6 = [ipaddress.ip_network(a["Ipv6CidrBlock"]) for a in vpc.get("Ipv6CidrBlockAssociationSet", [])]
pub = ec2.describe_subnets(SubnetIds=[res["VpcPublicSubnet1"], res["VpcPublicSubnet2"]])["Subnets"]
nets = [ipaddress.ip_network(a["Ipv6CidrBlock"]) for sn in pub for a in sn.get("Ipv6CidrBlockAssociationSet", [])]
print("ipv6", len(v6), len(nets), len(set(nets)), all(n.prefixlen == 64 and v6 and n.subnet_of(v6[0]) for n in nets))
rt = ec2.describe_route_tables(RouteTableIds=[res["VpcPublicSubnet1RouteTable"]])["RouteTables"][0]
print("ipv6 route", [r.get("GatewayId", "")[:4] for r in rt["Routes"] if r.get("DestinationIpv6CidrBlock") == "::/0"])
# visitors reach the standby's load balancer directly: 443, and 80 (redirected);
# moto 5.2.1 keeps a group's IPv4 ranges only (CidrIpv6 and the network ACL
# entries are read on the template, test_infra dr_failover_records_with_a_hosted_zone)
sg = ec2.describe_security_groups(GroupIds=[res["AlbSecurityGroup"]])["SecurityGroups"][0]
print("alb ingress", sorted(f"{p['FromPort']}:{','.join(sorted(r['CidrIp'] for r in p.get('IpRanges', [])))}" for p in sg["IpPermissions"]))
PY
expect_grep "the standby stack: complete, protected" "^status CREATE_COMPLETE protected True$" "$TMP/standby.out"
expect_grep "every output solemate failover reads is there" "^contract missing \[\]$" "$TMP/standby.out"
expect_grep "the replica: available, of the primary in us-east-1 (by ARN), encrypted" \
  "^replica available arn:aws:rds:us-east-1:123456789012:db:solemate-production-[0-9a-f]{8} True$" "$TMP/standby.out"
expect_grep "warm: drStandbyTasks (2) running; failover scales to ecsDesiredCount (3)" "^service 2 active 3$" "$TMP/standby.out"
expect_grep "dual-stack: the VPC's IPv6 block, a distinct /64 of it on each public subnet" "^ipv6 1 2 2 True$" "$TMP/standby.out"
expect_grep "dual-stack: ::/0 to the internet gateway" "^ipv6 route \['igw-'\]$" "$TMP/standby.out"
expect_grep "the standby's load balancer takes 443 and 80 (redirected to 443) from anywhere" \
  "^alb ingress \['443:0.0.0.0/0', '80:0.0.0.0/0'\]$" "$TMP/standby.out"

expect_exit "failover of what was deployed: exit 0" 0 "$SOLEMATE" failover --env production --to us-west-2 --yes "${C[@]}" "${E[@]}"
expect_grep "the plan promotes the deployed replica" "3. promote   \[DO\] solemate-production-dr-[0-9a-f]{8} \(replica of arn:aws:rds:us-east-1" "$TMP/out"
expect_grep "the plan scales the deployed service 2 -> 3" "4. scale     \[DO\] SolemateProduction-[0-9a-f]{8}/SolemateProductionDrStandby-Service-[A-Z0-9]+: 2 -> 3 tasks" "$TMP/out"
expect_grep "no hosted zone in production.json: DNS by hand (the runbook)" "5. dns       \[by hand\]" "$TMP/out"
expect_grep "followed to the end" "production: failed over" "$TMP/out"
python3 - >"$TMP/after.out" 2>&1 <<'PY'
import boto3, os
ep = os.environ["SOLEMATE_ENDPOINT"]
c = lambda svc: boto3.client(svc, endpoint_url=ep, region_name="us-west-2")
# the names are the stack's own (retained resources end with its ID's first group)
st = c("cloudformation").describe_stacks(StackName="SolemateProductionDrStandby")["Stacks"][0]
out = {o["OutputKey"]: o["OutputValue"] for o in st["Outputs"]}
db = c("rds").describe_db_instances(DBInstanceIdentifier=out["ReplicaDbInstanceIdentifier"])["DBInstances"][0]
print("replica", db.get("ReadReplicaSourceDBInstanceIdentifier"), db["DBInstanceStatus"], db["BackupRetentionPeriod"])
cl = out["StandbyClusterName"]
svc = [s for s in c("ecs").describe_services(cluster=cl, services=c("ecs").list_services(cluster=cl)["serviceArns"])["services"]][0]
print("service", svc["desiredCount"], svc["runningCount"])
PY
expect_grep "moto: the deployed replica is promoted, backups kept 30 days" "^replica None available 30$" "$TMP/after.out"
expect_grep "moto: the deployed standby runs 3 tasks" "^service 3 3$" "$TMP/after.out"
expect_exit "deploy after the failover: refused, exit 2" 2 "$SOLEMATE" deploy --env production --yes --skip-preflight "${C[@]}" "${E[@]}"
expect_grep "deploy names the promoted instance" "has failed over: 'solemate-production-dr-[0-9a-f]{8}' in us-west-2" "$TMP/err"
done_testing

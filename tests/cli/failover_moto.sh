#!/usr/bin/env bash
# slow
# solemate failover against moto, with SigV4 and IAM checked on every
# request, for what moto models: RDS PromoteReadReplica (a cross-region
# replica of a primary in us-east-1), ECS UpdateService, Application Auto
# Scaling RegisterScalableTarget, Route 53 ChangeResourceRecordSets and
# GetChange on its global endpoint, the standby stack's outputs through
# CloudFormation; then deploy's refusal of the failed-over environment.
# Promotions that wait or fail, throttling and Ctrl-C: failover_responder.sh.
. tests/lib.sh

if ! python3 -c 'import moto.server, boto3' 2>/dev/null; then
  skip "failover against moto" "moto[server] or boto3 missing (scripts/install-deps.sh --test)"
  done_testing; exit 0
fi
if ! python3 tests/aws/moto_env.py start --dir "$TMP/moto" >"$TMP/moto.out" 2>&1; then
  notok "moto starts with signature checks on" "$(tail -5 "$TMP/moto.out")"; done_testing; exit 1
fi
trap 'python3 tests/aws/moto_env.py stop --dir "$TMP/moto" >/dev/null 2>&1; rm -rf "$TMP"' EXIT
. "$TMP/moto/env.sh"
E=(--endpoint-url "$SOLEMATE_ENDPOINT")
export SOLEMATE_POLL_MS=20 SOLEMATE_RETRY_BASE_MS=1
export HOME=$TMP/home AWS_CONFIG_FILE=$TMP/home/none AWS_SHARED_CREDENTIALS_FILE=$TMP/home/none
mkdir -p "$HOME" "$TMP/cfg"
python3 - config/production.json "$TMP/cfg/production.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c.pop("$schema", None)
c["accountId"] = "123456789012"  # moto's account
c["certificateArn"] = "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
c["drAlbCertificateArn"] = "arn:aws:acm:us-west-2:123456789012:certificate/1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d"
json.dump(c, open(sys.argv[2], "w"), indent=2)
PY
C=(--config-dir "$TMP/cfg")

# the DR region as the standby stack leaves it: a replica, the standby at 0
# tasks with its scalable target, the failover pair, the contract's outputs
if ! python3 - >"$TMP/setup.out" 2>&1 <<'PY'
import json, os, boto3
ep = os.environ["SOLEMATE_ENDPOINT"]
def c(svc, region="us-west-2"):
    return boto3.client(svc, endpoint_url=ep, region_name=region)
primary = c("rds", "us-east-1").create_db_instance(
    DBInstanceIdentifier="solemate-production", Engine="postgres", DBInstanceClass="db.m6g.large",
    AllocatedStorage=100, MasterUsername="solemate", MasterUserPassword="not-a-real-password-1",
    BackupRetentionPeriod=30)["DBInstance"]
c("rds").create_db_instance_read_replica(
    DBInstanceIdentifier="solemate-production-dr", SourceDBInstanceIdentifier=primary["DBInstanceArn"],
    DBInstanceClass="db.m6g.large")
ecs = c("ecs")
ecs.create_cluster(clusterName="solemate-production-dr")
td = ecs.register_task_definition(family="app", containerDefinitions=[
    {"name": "app", "image": "nginxinc/nginx-unprivileged", "memory": 512}])["taskDefinition"]["taskDefinitionArn"]
ecs.create_service(cluster="solemate-production-dr", serviceName="app", taskDefinition=td, desiredCount=0)
c("application-autoscaling").register_scalable_target(
    ServiceNamespace="ecs", ResourceId="service/solemate-production-dr/app",
    ScalableDimension="ecs:service:DesiredCount", MinCapacity=0, MaxCapacity=60)
r53 = c("route53", "us-east-1")
zone = r53.create_hosted_zone(Name="solemate.com", CallerReference="failover-moto")["HostedZone"]["Id"].split("/")[-1]
def rec(sid, role, dns, zid, t):
    return {"Action": "CREATE", "ResourceRecordSet": {"Name": "solemate.com.", "Type": t, "SetIdentifier": sid,
            "Failover": role, "AliasTarget": {"HostedZoneId": zid, "DNSName": dns, "EvaluateTargetHealth": False}}}
# the A and the AAAA pair, as the Edge and standby stacks hold them (the standby's ALB is dual-stack)
r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [r for t in ("A", "AAAA") for r in (
    rec("primary", "PRIMARY", "d111.cloudfront.net.", "Z2FDTNDATAQYW2", t),
    rec("dr-standby", "SECONDARY", "dualstack.dr-alb-2.us-west-2.elb.amazonaws.com.", "Z1H1FL5HABSF5", t))]})
outputs = {"ReplicaDbInstanceIdentifier": "solemate-production-dr", "StandbyClusterName": "solemate-production-dr",
           "StandbyServiceName": "app", "StandbyDesiredCountActive": "3", "FailoverHostedZoneId": zone,
           "FailoverRecordName": "solemate.com"}
c("cloudformation").create_stack(StackName="SolemateProductionDrStandby", TemplateBody=json.dumps({
    "AWSTemplateFormatVersion": "2010-09-09", "Description": "SoleMate production: standby (managed by solemate)",
    "Resources": {"Handle": {"Type": "AWS::CloudFormation::WaitConditionHandle"}},
    "Outputs": {k: {"Value": v} for k, v in outputs.items()}}), Tags=[{"Key": "Environment", "Value": "production"}])
print(zone)
PY
then
  notok "moto: the DR region set up" "$(tail -5 "$TMP/setup.out")"; done_testing; exit 1
fi
ZONE=$(tail -1 "$TMP/setup.out")
ok "moto: a replica in us-west-2 of a primary in us-east-1, the standby service, the failover pair, the stack"

expect_exit "failover --yes against moto: exit 0" 0 "$SOLEMATE" failover --env production --to us-west-2 --yes "${C[@]}" "${E[@]}"
expect_grep "the plan: promote, scale, DNS" "5. dns       \[DO\] UPSERT solemate.com A PRIMARY" "$TMP/out"
expect_grep "the plan: the AAAA record too" "UPSERT solemate.com AAAA PRIMARY: alias d111.cloudfront.net. -> alias dualstack.dr-alb-2" "$TMP/out"
expect_grep "followed to the end" "production: failed over" "$TMP/out"
python3 - "$ZONE" >"$TMP/check.out" 2>&1 <<'PY'
import os, sys, boto3
ep = os.environ["SOLEMATE_ENDPOINT"]
def c(svc, region="us-west-2"):
    return boto3.client(svc, endpoint_url=ep, region_name=region)
db = c("rds").describe_db_instances(DBInstanceIdentifier="solemate-production-dr")["DBInstances"][0]
print("replica", db.get("ReadReplicaSourceDBInstanceIdentifier"), db["DBInstanceStatus"], db["BackupRetentionPeriod"])
svc = c("ecs").describe_services(cluster="solemate-production-dr", services=["app"])["services"][0]
print("service", svc["desiredCount"], svc["runningCount"])
t = c("application-autoscaling").describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"][0]
print("target", t["MinCapacity"], t["MaxCapacity"])

PY
expect_grep "moto: the replica is promoted (no source), backups kept 30 days" "^replica None available 30$" "$TMP/check.out"
expect_grep "moto: the standby runs 3 tasks" "^service 3 3$" "$TMP/check.out"
expect_grep "moto: its scalable target's minimum is 3" "^target 3 60$" "$TMP/check.out"

expect_exit "failover again against moto: nothing left to do, exit 0" 0 "$SOLEMATE" failover --env production --to us-west-2 --yes "${C[@]}" "${E[@]}"
expect_grep "the rerun finds the promotion done" "3. promote   \[done already\]" "$TMP/out"
# moto 5.2.1 answers boto3's ListResourceRecordSets here with 403 (its IAM
# check of that REST GET); the record is read back by the rerun instead
expect_grep "moto kept the UPSERT: the PRIMARY points at the DR load balancer" \
  "solemate.com A: the PRIMARY points at the DR region already" "$TMP/out"
expect_grep "moto kept the AAAA UPSERT too" \
  "solemate.com AAAA: the PRIMARY points at the DR region already" "$TMP/out"
expect_exit "deploy of the failed-over environment against moto: refused, exit 2" 2 \
  "$SOLEMATE" deploy --env production --yes --skip-preflight "${C[@]}" "${E[@]}"
expect_grep "deploy names the promoted instance" "has failed over: 'solemate-production-dr' in us-west-2" "$TMP/err"
done_testing

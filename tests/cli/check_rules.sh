#!/usr/bin/env bash
# Every rule of `check` has a template where it fires and one where it does
# not (tests/fixtures/check/<RULE>/), and the CLI's contract: exit codes,
# suppressions, formats.
. tests/lib.sh
"$SOLEMATE" check --rules --pack all --format json > "$TMP/rules.json"
n=$(python3 -c "import json;print(len(json.load(open('$TMP/rules.json'))['rules']))")
[ "$n" -ge 40 ] && ok "at least 40 rules ($n)" || notok "at least 40 rules" "$n"
# a rule's partial cdk-nag IDs (whose suppression alone does not mute it) are among its cdk-nag IDs
python3 - "$TMP/rules.json" <<'PY' && ok "cdkNagPartial lists cdkNag IDs only" || notok "cdkNagPartial lists cdkNag IDs only"
import json, sys
bad = [(r["id"], i) for r in json.load(open(sys.argv[1]))["rules"]
       for i in (r.get("cdkNagPartial") or "").split() if i not in (r.get("cdkNag") or "").split()]
print("\n".join("#   %s: %s" % b for b in bad))
sys.exit(1 if bad else 0)
PY
# Walk the rule table, not the fixture folders: a rule without fixtures fails
# here, unless an assembly case (below, or in tests/cli/reach.sh) names it.
elsewhere="SM-DEP-030 SM-DEP-031 SM-NET-101 SM-NET-102 SM-NET-103 SM-NET-104"
# A fixture named Production* is a stack with terminationProtection in a
# manifest (production comes from the manifest or the config, never a name).
as_production() { # template -> directory holding it with a manifest
  local dir="$TMP/prod-$(basename "$1" .template.json)"
  mkdir -p "$dir" && cp "$1" "$dir/Prod.template.json"
  printf '{"version":"36.0.0","artifacts":{"Prod":{"type":"aws:cloudformation:stack","environment":"aws://unknown-account/us-east-1","properties":{"templateFile":"Prod.template.json","terminationProtection":true}}}}\n' >"$dir/manifest.json"
  echo "$dir"
}
for id in $(python3 -c "import json;print(' '.join(r['id'] for r in json.load(open('$TMP/rules.json'))['rules']))"); do
  d=tests/fixtures/check/$id/
  if [ ! -d "$d" ]; then
    case " $elsewhere " in
      *" $id "*) grep -qE "for case in .*$id" tests/cli/check_rules.sh tests/cli/reach.sh && continue
                 notok "$id is listed as covered by an assembly case, and no case names it"; continue ;;
    esac
    notok "$id has fixtures" "add tests/fixtures/check/$id/{StagingFail,StagingPass}.template.json (tests/fixtures/check/make-fixtures.py)"
    continue
  fi
  sev=$(python3 -c "import json;print([r['severity'] for r in json.load(open('$TMP/rules.json'))['rules'] if r['id']=='$id'][0])")
  fail=$(ls "$d"*Fail.template.json); pass=$(ls "$d"*Pass.template.json)
  case $fail in *Production*) fail=$(as_production "$fail"); pass=$(as_production "$pass") ;; esac
  "$SOLEMATE" check --pack all --severity info --format json "$fail" > "$TMP/f.json"; rcf=$?
  "$SOLEMATE" check --pack all --severity info --format json "$pass" > "$TMP/p.json"; rcp=$?
  fires=$(python3 -c "import json;print(sum(1 for f in json.load(open('$TMP/f.json'))['findings'] if f['rule']=='$id' and not f['suppressed']))")
  quiet=$(python3 -c "import json;print(sum(1 for f in json.load(open('$TMP/p.json'))['findings'] if f['rule']=='$id' and not f['suppressed']))")
  want_rc=0; [ "$sev" = error ] && want_rc=1
  if [ "$fires" -ge 1 ] && [ "$quiet" = 0 ] && [ $rcf = $want_rc ]; then ok "$id fires on fail.json, not on pass.json"
  else notok "$id" "fires=$fires on fail (exit $rcf, want $want_rc), $quiet on pass"; fi
done
# SM-RES-001's stateful types are the registry schemas' (isStateful), not a hand list:
# the secret and the log group of its fixture are named beside the database
d=$(as_production tests/fixtures/check/SM-RES-001/ProductionFail.template.json)
"$SOLEMATE" check --format json "$d" > "$TMP/f.json"
got=$(python3 -c "import json;print(' '.join(sorted(f['resource'] for f in json.load(open('$TMP/f.json'))['findings'] if f['rule']=='SM-RES-001')))")
[ "$got" = "Db Logs Sec" ] && ok "SM-RES-001 covers every type the schemas call stateful" || notok "SM-RES-001 on Db, Logs, Sec" "got: $got"
# SM-DEP-002 judges the class: a trail, a flow log, an ECS service through its task definition
"$SOLEMATE" check --format json tests/fixtures/check/SM-DEP-002/StagingFail.template.json > "$TMP/f.json"
got=$(python3 -c "import json;print(' '.join(sorted(f['resource'] for f in json.load(open('$TMP/f.json'))['findings'] if f['rule']=='SM-DEP-002')))")
[ "$got" = "Flow Svc T" ] && ok "SM-DEP-002 on every resource that uses a role at once" || notok "SM-DEP-002 on Flow, Svc, T" "got: $got"
# ... and names the policies in the order written, whatever their types (the rules read a
# template's resources of several types through one index, merged back into that order)
python3 - "$TMP/order.template.json" <<'PY'
import json, sys
role = {"Ref": "R"}
res = {"P1": {"Type": "AWS::IAM::RolePolicy", "Properties": {"RoleName": role}},
       "R": {"Type": "AWS::IAM::Role", "Properties": {}},
       "P2": {"Type": "AWS::IAM::Policy", "Properties": {"Roles": [role]}},
       "F": {"Type": "AWS::EC2::FlowLog", "Properties": {"DeliverLogsPermissionArn": {"Fn::GetAtt": ["R", "Arn"]}}},
       "P3": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"Roles": [role]}},
       "P4": {"Type": "AWS::IAM::RolePolicy", "Properties": {"RoleName": role}}}
json.dump({"Resources": res}, open(sys.argv[1], "w"))
PY
"$SOLEMATE" check --format json "$TMP/order.template.json" > "$TMP/f.json"
got=$(python3 -c "import json;print(' '.join(f['message'].split(\"before '\")[1].split(\"'\")[0] for f in json.load(open('$TMP/f.json'))['findings'] if f['rule']=='SM-DEP-002'))")
[ "$got" = "P1 P2 P3 P4" ] && ok "SM-DEP-002 names the policies in template order" || notok "SM-DEP-002 policies in order P1 P2 P3 P4" "got: $got"
# SM-DEP-080 judges the name, not the type: a literal, a name made of the stack's name, an RDS
# identifier kept by RetainExceptOnCreate
"$SOLEMATE" check --format json tests/fixtures/check/SM-DEP-080/StagingFail.template.json > "$TMP/f.json"
got=$(python3 -c "import json;print(' '.join(sorted(f['resource'] for f in json.load(open('$TMP/f.json'))['findings'] if f['rule']=='SM-DEP-080')))")
[ "$got" = "Db Logs Sec" ] && ok "SM-DEP-080 on every retained resource whose name the next stack repeats" || notok "SM-DEP-080 on Db, Logs, Sec" "got: $got"
# SM-DEP-070..074 judge the class: every kind of WAF log destination (unnamed, a
# literal name, a literal ARN), each ACL and Object Lock trap, each rotation trap;
# SM-DEP-075: a queue and a function S3 may not send to, a topic's policy not waited
# for (by two buckets); SM-DEP-076: both statistics, neither, a field beside Metrics;
# SM-DEP-081: an inline and a standalone rule past the quota by prefix-list weight;
# SM-DEP-082: each kind of target with another's zone (an ALB by its dualstack. name too), a CloudFront alias evaluating
# health; SM-DEP-083: each engine's range, a type an engine refuses, io2 without Iops;
# SM-DEP-084: literal, Sub and Join names, a character, a path, an inline policy;
# SM-DEP-085: each sending service (EventBridge, S3, SNS), the AWS managed key;
# SM-DEP-087: a vault, a DB identifier and a target group named after a long environment
# SM-DEP-088: each container trap; SM-DEP-089: each placement and networking trap;
# SM-DEP-091: no user data, ECS_CLUSTER=default beside a Sub of the cluster, another literal name;
# SM-DEP-092: another major version (an instance, a replica by its source, a cluster), another
# engine; SM-DEP-093: each window too short, overlapping on its day and across midnight, a
# cluster's; SM-DEP-094: refused characters (Join, Sub), Oracle's length and '&', MySQL's 41;
# SM-DEP-095: a task, RDS monitoring, an instance profile, a function and a rule target;
# SM-DEP-096: IA too early and expiration too early, current and noncurrent; SM-DEP-097: a period
# alone and in Metrics, datapoints, a long evaluation; SM-DEP-098: a listener of the other family,
# forwarding (directly, by ForwardConfig, on an NLB) to a group of the other, an HTTP group
# checked by TCP; SM-DEP-099: Graviton from x86_64 (parameter, resolve, c6gn), x86 from arm64;
# SM-DEP-101: a public and an internal load balancer and an interface endpoint with two subnets
# of one zone (literal, Fn::Select); SM-DEP-103: no origin, no cache settings; SM-DEP-107: a
# dimension of another namespace, ALBRequestCountPerTarget without label, a label on CPU
for case in "SM-DEP-070 Log Log2 Log3" "SM-DEP-071 Logs Site" "SM-DEP-072 Locked Vault" "SM-DEP-074 Hosted Own Own2" \
  "SM-DEP-075 B B B B2" "SM-DEP-076 Both Mixed Neither" "SM-DEP-081 Alb Db" "SM-DEP-082 CfAlias CfHealth LbAlias LbDualstack LbZone Site" \
  "SM-DEP-083 Db2 Io Mag NoIops Small" "SM-DEP-084 Inline Joined Long Pathless Spaced Subbed" "SM-DEP-085 Q Q Q Q2" "SM-DEP-086 Stacked" "SM-DEP-087 Db Tg Vault" \
  "SM-DEP-088 Big Idle Ports Twice Waits" "SM-DEP-089 Both BrNet Daemon NoNet Placed" "SM-DEP-091 Cp Cp2 Cp3" \
  "SM-DEP-092 Cluster Db Other Replica" "SM-DEP-093 Cluster Inside Short ShortM Wrap" "SM-DEP-094 My Ora Pg Sub" \
  "SM-DEP-095 Db Fn Profile Rule Td" "SM-DEP-096 Exp Ia NcExp NcIa" "SM-DEP-097 Long Many Math Odd" \
  "SM-DEP-098 Checked Https Nlb443 Raw Weighted" "SM-DEP-099 Arm Gn Param Resolve" "SM-DEP-100 Mac Rsa" \
  "SM-DEP-101 Alb Ep Inner" "SM-DEP-103 Cdn Cdn" "SM-DEP-107 Cpu Req Tgt"; do
  set -- $case; rid=$1; shift
  "$SOLEMATE" check --format json tests/fixtures/check/$rid/StagingFail.template.json > "$TMP/f.json"
  got=$(python3 -c "import json;print(' '.join(sorted(f['resource'] for f in json.load(open('$TMP/f.json'))['findings'] if f['rule']=='$rid')))")
  [ "$got" = "$*" ] && ok "$rid on every case of its class ($*)" || notok "$rid on $*" "got: $got"
done
# the stack's name never makes it production: the same fixture without a manifest is quiet
"$SOLEMATE" check --pack all --format json tests/fixtures/check/SM-RES-002/ProductionFail.template.json > "$TMP/f.json"
n=$(python3 -c "import json;print(sum(1 for f in json.load(open('$TMP/f.json'))['findings'] if f['rule']=='SM-RES-002'))")
[ "$n" = 0 ] && ok "a stack named Production* without a manifest is not production" || notok "a stack named Production* is not production by its name" "$n findings of SM-RES-002"
# --production holds a template without a manifest to the production rules (as cdk-nag does)
"$SOLEMATE" check --production --pack all --format json tests/fixtures/check/SM-RES-002/ProductionFail.template.json > "$TMP/f.json"
n=$(python3 -c "import json;print(sum(1 for f in json.load(open('$TMP/f.json'))['findings'] if f['rule']=='SM-RES-002'))")
[ "$n" -ge 1 ] && ok "--production: the same template is held to the production rules" || notok "--production on a template without a manifest" "$n findings of SM-RES-002"
# mutations of the real templates name the right resource
"$SOLEMATE" synth --env all --out "$TMP/a" --quiet
expect_exit "both environments pass check (known defects: infrastructure/check-baseline.txt)" 0 "$SOLEMATE" check --env all --baseline infrastructure/check-baseline.txt
python3 - "$TMP/a" "$TMP/m" <<'PY'
import json, os, sys, copy
a, m = sys.argv[1], sys.argv[2]; os.makedirs(m)
def load(n): return json.load(open(os.path.join(a, n)))
def save(n, t): json.dump(t, open(os.path.join(m, n + ".template.json"), "w"), indent=1)
t = load("SolemateStagingData.template.json"); t["Resources"]["AssetsBucket"]["Properties"].pop("BucketEncryption"); save("NoEncryption", t)
t = load("SolemateStagingData.template.json"); t["Resources"]["Database"]["Properties"]["PubliclyAccessible"] = True; save("PublicDb", t)
t = load("SolemateStagingNetwork.template.json"); t["Resources"]["AppSecurityGroup"]["Properties"]["SecurityGroupIngress"] = [{"CidrIp": "0.0.0.0/0", "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22}]; save("OpenSsh", t)
t = load("SolemateStagingCompute.template.json"); t["Resources"]["TaskRolePolicy"]["Properties"]["PolicyDocument"]["Statement"].append({"Effect": "Allow", "Action": "*", "Resource": "*"}); save("StarStar", t)
t = load("SolemateStagingCompute.template.json"); t["Resources"]["LaunchTemplate"]["Properties"]["LaunchTemplateData"]["MetadataOptions"]["HttpTokens"] = "optional"; save("Imdsv1", t)
PY
for case in "NoEncryption SM-S3-001 AssetsBucket" "PublicDb SM-RDS-002 Database" "OpenSsh SM-EC2-002 AppSecurityGroup" "StarStar SM-IAM-001 TaskRolePolicy" "Imdsv1 SM-EC2-004 LaunchTemplate"; do
  set -- $case
  "$SOLEMATE" check --format json "$TMP/m/$1.template.json" > "$TMP/out"; rc=$?
  if [ $rc = 1 ] && python3 -c "import json,sys;sys.exit(0 if any(f['rule']=='$2' and f['resource']=='$3' and not f['suppressed'] for f in json.load(open('$TMP/out'))['findings']) else 1)"; then
    ok "mutation $1: $2 on $3, exit 1"; else notok "mutation $1" "exit $rc"; fi
done
# deployability rules that need the whole assembly (network paths, regions)
python3 - "$TMP/a" "$TMP/d" <<'PY'
import json, os, shutil, sys
a, d = sys.argv[1], sys.argv[2]
def case(name, stack, change):
    out = os.path.join(d, name); shutil.copytree(a, out)
    p = os.path.join(out, stack + ".template.json"); t = json.load(open(p)); change(t["Resources"]); json.dump(t, open(p, "w"), indent=1)
case("no-alb-to-app", "SolemateStagingNetwork", lambda r: r.pop("AlbToAppIngress"))
case("no-app-to-db", "SolemateStagingNetwork", lambda r: r.pop("AppToDatabaseIngress"))
case("cloudfront-acl-in-oregon", "SolemateProductionDr", lambda r: r.__setitem__("EdgeAcl", {"Type": "AWS::WAFv2::WebACL", "Properties": {"Scope": "CLOUDFRONT", "DefaultAction": {"Allow": {}}, "VisibilityConfig": {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "m"}}}))
def no_secret_grant(r):
    st = r["TaskExecutionRolePolicy"]["Properties"]["PolicyDocument"]["Statement"]
    st[:] = [s for s in st if "secretsmanager:GetSecretValue" not in s["Action"]]
case("exec-role-no-secrets", "SolemateStagingCompute", no_secret_grant)
case("overlapping-subnets", "SolemateStagingNetwork", lambda r: r["VpcIsolatedSubnet2"]["Properties"].__setitem__("CidrBlock", "10.0.0.0/24"))
def same_name(stack, lg):
    return lambda r: r[lg]["Properties"].__setitem__("LogGroupName", "/solemate/app")
case("log-group-name-twice", "SolemateStagingData", same_name("SolemateStagingData", "AppLogs"))
p = os.path.join(d, "log-group-name-twice", "SolemateStagingCompute.template.json"); t = json.load(open(p))
t["Resources"]["AlbWebAclLogs"]["Properties"]["LogGroupName"] = "/solemate/app"; json.dump(t, open(p, "w"), indent=1)
# SM-DEP-002 for every resource a service works with at once, through the task definition too
def no_policy_wait(*ids):
    def f(r):
        for i in ids: r[i]["DependsOn"] = [d for d in r[i].get("DependsOn", []) if not d.endswith("RolePolicy")]
    return f
case("flow-log-before-policy", "SolemateStagingData", no_policy_wait("VpcFlowLog"))
case("service-before-policy", "SolemateStagingCompute", no_policy_wait("Service", "Ec2Service"))
# SM-DEP-061..065 on the production assembly: the traps each rule is for, one change each
def dims(alarm, d):
    return lambda r: r[alarm]["Properties"].__setitem__("Dimensions", d)
case("alarm-db-typo", "SolemateProductionMonitoring", dims("DatabaseCpuAlarm", [{"Name": "DBInstanceIdentifier", "Value": "solemate-prod"}]))
case("alarm-no-such-dimension", "SolemateProductionMonitoring", dims("DatabaseCpuAlarm", [{"Name": "DBInstanceId", "Value": {"Fn::ImportValue": "SolemateProductionData:ExportsOutputRefDatabase"}}]))
case("alarm-lb-arn", "SolemateProductionCompute", lambda r: r.__setitem__("LbAlarm", {"Type": "AWS::CloudWatch::Alarm", "Properties": {
    "Namespace": "AWS/ApplicationELB", "MetricName": "HTTPCode_ELB_5XX_Count", "Dimensions": [{"Name": "LoadBalancer", "Value": {"Ref": "LoadBalancer"}}],
    "Statistic": "Sum", "Period": 60, "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanThreshold"}}))
def website(r):
    r["Distribution"]["Properties"]["DistributionConfig"]["Origins"][0]["DomainName"] = "solemate-assets.s3-website-us-east-1.amazonaws.com"
case("oac-on-website-endpoint", "SolemateProductionEdge", website)
case("sg-of-staging-vpc", "SolemateProductionNetwork", lambda r: r.__setitem__("FromStaging", {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
    "GroupId": {"Fn::GetAtt": ["AppSecurityGroup", "GroupId"]}, "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
    "SourceSecurityGroupId": {"Fn::ImportValue": "SolemateStagingNetwork:ExportsOutputFnGetAttAppSecurityGroupGroupId"}}}))
case("dr-replica-without-key", "SolemateProductionDr", lambda r: r.__setitem__("DrReplica", {"Type": "AWS::RDS::DBInstance", "Properties": {
    "SourceDBInstanceIdentifier": {"Fn::Sub": "arn:${AWS::Partition}:rds:us-east-1:${AWS::AccountId}:db:solemate-production"}, "DBInstanceClass": "db.m6g.large"}}))
# the source named by its identifier (ours carries the Data stack's ID: SM-DEP-080)
p = os.path.join(d, "dr-replica-without-key", "SolemateProductionData.template.json"); t = json.load(open(p))
t["Resources"]["Database"]["Properties"]["DBInstanceIdentifier"] = "solemate-production"; json.dump(t, open(p, "w"), indent=1)
case("gp3-iops-below-threshold", "SolemateProductionData", lambda r: r["Database"]["Properties"].__setitem__("Iops", 12000))
def no_kms_grant(r):
    st = r["TaskExecutionRolePolicy"]["Properties"]["PolicyDocument"]["Statement"]
    st[:] = [s for s in st if "kms:Decrypt" not in s["Action"]]
case("exec-role-no-key", "SolemateProductionCompute", no_kms_grant)
# SM-DEP-080 follows an import to the exporting stack: the cluster's name is an export of the Data
# stack, which carries the Data stack's ID (quiet), unless the exported value is fixed
def keep(lid):
    return lambda r: r[lid].update({"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"})
case("retained-cluster", "SolemateStagingCompute", keep("Cluster"))
case("retained-cluster-fixed-group", "SolemateStagingCompute", keep("Cluster"))
p = os.path.join(d, "retained-cluster-fixed-group", "SolemateStagingData.template.json"); t = json.load(open(p))
t["Outputs"]["ContainerInsightsClusterName"]["Value"] = "SolemateStaging"; json.dump(t, open(p, "w"), indent=1)
# SM-DEP-070, 074 on our own stacks: a WAF log group renamed, the rotation transform dropped
case("waf-log-group-renamed", "SolemateStagingCompute", lambda r: r["AlbWebAclLogs"]["Properties"].__setitem__("LogGroupName", "/solemate/waf"))
# SM-DEP-081: the port-80 twin of the CloudFront rule weighs the managed list's 55 again (the
# list is named by the manifest's lookup); SM-DEP-084: a role named after its stack, whose
# name the assembly knows (an error, not SM-DEP-086's warning)
def cloudfront_twice(r):
    ing = r["AlbSecurityGroup"]["Properties"]["SecurityGroupIngress"]
    ing.append(dict(ing[0], FromPort=80, ToPort=80))
case("cloudfront-list-twice", "SolemateProductionNetwork", cloudfront_twice)
case("role-named-after-stack", "SolemateProductionCompute", lambda r: r.__setitem__("NamedRole", {"Type": "AWS::IAM::Role", "Properties": {
    "RoleName": {"Fn::Sub": "${AWS::StackName}-orders-service-task-execution-role-xxxxx"}, "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}}))
case("rotation-without-transform", "SolemateStagingData", lambda r: None)
p = os.path.join(d, "rotation-without-transform", "SolemateStagingData.template.json"); t = json.load(open(p))
t.pop("Transform"); json.dump(t, open(p, "w"), indent=1)
PY
"$SOLEMATE" check --format json "$TMP/d/retained-cluster" > "$TMP/out" 2>/dev/null
n=$(python3 -c "import json;print(sum(1 for f in json.load(open('$TMP/out'))['findings'] if f['rule']=='SM-DEP-080'))")
[ "$n" = 0 ] && ok "assembly retained-cluster: a name imported from a value with the exporting stack's ID is its own" || notok "retained-cluster: SM-DEP-080 quiet" "$n findings"
for case in "no-alb-to-app SM-DEP-030 Service" "no-app-to-db SM-DEP-031 Database" "cloudfront-acl-in-oregon SM-DEP-022 EdgeAcl" \
  "exec-role-no-secrets SM-DEP-057 TaskDefinition" "overlapping-subnets SM-DEP-050 VpcPublicSubnet1" "log-group-name-twice SM-DEP-060 AlbWebAclLogs" \
  "alarm-db-typo SM-DEP-063 DatabaseCpuAlarm" "alarm-no-such-dimension SM-DEP-063 DatabaseCpuAlarm" "alarm-lb-arn SM-DEP-063 LbAlarm" \
  "oac-on-website-endpoint SM-DEP-062 Distribution" "sg-of-staging-vpc SM-DEP-061 FromStaging" "dr-replica-without-key SM-DEP-065 DrReplica" \
  "gp3-iops-below-threshold SM-DEP-064 Database" "exec-role-no-key SM-DEP-057 TaskDefinition" \
  "retained-cluster-fixed-group SM-DEP-080 Cluster" "flow-log-before-policy SM-DEP-002 VpcFlowLog" \
  "service-before-policy SM-DEP-002 Service" \
  "waf-log-group-renamed SM-DEP-070 AlbWebAclLogging" "rotation-without-transform SM-DEP-074 DatabaseMasterSecretRotation" \
  "cloudfront-list-twice SM-DEP-081 AlbSecurityGroup" "role-named-after-stack SM-DEP-084 NamedRole"; do
  set -- $case
  "$SOLEMATE" check --format json "$TMP/d/$1" > "$TMP/out" 2>/dev/null; rc=$?
  if [ $rc = 1 ] && python3 -c "import json,sys;sys.exit(0 if any(f['rule']=='$2' and f['resource']=='$3' and not f['suppressed'] for f in json.load(open('$TMP/out'))['findings']) else 1)"; then
    ok "assembly $1: $2 on $3, exit 1"; else notok "assembly $1" "exit $rc"; fi
done
# SM-DEP-027 lets a rule judge the source address when its scope-down statement keeps only
# requests without X-Forwarded-For (the direct ones; CloudFront adds the header), not otherwise
python3 - "$TMP/scoped" <<'PY'
import json, os, sys
d = sys.argv[1]; os.makedirs(d, exist_ok=True)
base = json.load(open("tests/fixtures/check/SM-DEP-027/StagingFail.template.json"))
NOXFF = {"NotStatement": {"Statement": {"SizeConstraintStatement": {"FieldToMatch": {"SingleHeader": {"Name": "X-Forwarded-For"}},
         "ComparisonOperator": "GT", "Size": 0, "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}}}}
PATH = {"ByteMatchStatement": {"FieldToMatch": {"UriPath": {}}, "PositionalConstraint": "STARTS_WITH", "SearchString": "/api",
        "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}}
for name, st in [("rate-direct", {"RateBasedStatement": {"Limit": 1000, "AggregateKeyType": "IP", "ScopeDownStatement": NOXFF}}),
                 ("rate-direct-and-path", {"RateBasedStatement": {"Limit": 1000, "AggregateKeyType": "IP",
                                           "ScopeDownStatement": {"AndStatement": {"Statements": [PATH, NOXFF]}}}}),
                 ("reputation-direct", {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": "AWSManagedRulesAmazonIpReputationList", "ScopeDownStatement": NOXFF}}),
                 ("rate-path", {"RateBasedStatement": {"Limit": 1000, "AggregateKeyType": "IP", "ScopeDownStatement": PATH}}),
                 ("reputation", {"ManagedRuleGroupStatement": {"VendorName": "AWS", "Name": "AWSManagedRulesAmazonIpReputationList"}})]:
    t = json.loads(json.dumps(base))
    t["Resources"]["Regional"]["Properties"]["Rules"][0]["Statement"] = st
    json.dump(t, open(os.path.join(d, name + ".json"), "w"))
PY
for c in "rate-direct 0" "rate-direct-and-path 0" "reputation-direct 0" "rate-path 1" "reputation 1"; do
  set -- $c
  "$SOLEMATE" check --format json "$TMP/scoped/$1.json" > "$TMP/out" 2>/dev/null
  n=$(python3 -c "import json;print(sum(1 for f in json.load(open('$TMP/out'))['findings'] if f['rule']=='SM-DEP-027' and not f['suppressed']))")
  [ "$n" = "$2" ] && ok "SM-DEP-027 $1: $2 finding(s)" || notok "SM-DEP-027 $1" "$n findings, expected $2"
done
# our own primary behind CloudFront, with the origin record in a hosted zone: its ACL's IP rules are scoped
"$SOLEMATE" check --config tests/fixtures/config/good/production-with-zone.json > "$TMP/out" 2>&1; rc=$?
[ $rc = 0 ] && ok "production with a hosted zone passes check" || notok "production with a hosted zone" "exit $rc: $(head -5 "$TMP/out")"
# suppressions: by our ID, by a cdk-nag ID; without a reason it is a finding
f=tests/fixtures/check/SM-NAG-001/StagingFail.template.json
"$SOLEMATE" check --format json "$f" > "$TMP/out"; rc=$?
grep -q '"rule": "SM-NAG-001"' "$TMP/out" && [ $rc = 1 ] && ok "a suppression without a reason is an error" || notok "suppression without a reason" "exit $rc"
# formats
"$SOLEMATE" check --format sarif "$TMP/m/PublicDb.template.json" > "$TMP/sarif.json"
python3 - "$TMP/sarif.json" <<'PY' && ok "SARIF 2.1.0 with rules, results, locations and suppressions" || notok "SARIF output"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["version"] == "2.1.0" and s["$schema"].endswith("sarif-2.1.0.json")
run = s["runs"][0]
assert run["tool"]["driver"]["name"] == "solemate" and len(run["tool"]["driver"]["rules"]) >= 40
res = [r for r in run["results"] if r["ruleId"] == "SM-RDS-002"]
assert res and res[0]["level"] == "error"
loc = res[0]["locations"][0]
assert loc["physicalLocation"]["artifactLocation"]["uri"].endswith("PublicDb.template.json")
assert loc["physicalLocation"]["region"]["startLine"] > 1
assert any(r.get("suppressions") for r in run["results"])
PY
expect_exit "unknown format is bad usage" 2 "$SOLEMATE" check --format xml
expect_exit "unreadable input is bad input" 2 "$SOLEMATE" check "$TMP/nope.json"
done_testing

#!/usr/bin/env bash
# check reads values as CloudFormation would: parameters (Default,
# AllowedValues), Conditions and Fn::If (the branch is named), resource
# Conditions, AWS::NoValue; protocols and CIDRs normalised; rule packs.
. tests/lib.sh
t() { # NAME JSON: write $TMP/NAME.template.json
  printf '%s\n' "$2" > "$TMP/$1.template.json"
}
findings() { # FILE RULE [extra args]: the messages of unsuppressed findings of RULE
  local f=$1 r=$2; shift 2
  "$SOLEMATE" check --severity info --format json "$@" "$f" | python3 -c "
import json,sys
for x in json.load(sys.stdin)['findings']:
    if x['rule']=='$r' and not x['suppressed']: print(x['message'])"
}
ENC='{"ServerSideEncryptionConfiguration":[{"ServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms"}}]}'
ENC2='{"ServerSideEncryptionConfiguration":[{"ServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'

# Fn::If with both branches encrypting is encrypted
t both '{"Parameters":{"Env":{"Type":"String","Default":"dev","AllowedValues":["dev","prod"]}},
 "Conditions":{"IsProd":{"Fn::Equals":[{"Ref":"Env"},"prod"]}},
 "Resources":{"B":{"Type":"AWS::S3::Bucket","Properties":{"BucketEncryption":{"Fn::If":["IsProd",'"$ENC"','"$ENC2"']}}}}}'
[ -z "$(findings "$TMP/both.template.json" SM-S3-001)" ] && ok "Fn::If encrypting in both branches is not 'unencrypted'" || notok "both branches" "$(findings "$TMP/both.template.json" SM-S3-001)"
# one branch without encryption: found, and the branch is named
t one '{"Parameters":{"Env":{"Type":"String","Default":"prod","AllowedValues":["dev","prod"]}},
 "Conditions":{"IsProd":{"Fn::Equals":[{"Ref":"Env"},"prod"]}},
 "Resources":{"B":{"Type":"AWS::S3::Bucket","Properties":{"BucketEncryption":{"Fn::If":["IsProd",'"$ENC"',{"Ref":"AWS::NoValue"}]}}}}}'
m=$(findings "$TMP/one.template.json" SM-S3-001)
[[ $m == *"[when IsProd=false"* ]] && ok "the violating branch is reported and named ($m)" || notok "branch named" "$m"
# a condition on an unknown parameter: both branches reachable
t free '{"Parameters":{"Env":{"Type":"String"}},
 "Conditions":{"IsProd":{"Fn::Equals":[{"Ref":"Env"},"prod"]}},
 "Resources":{"B":{"Type":"AWS::S3::Bucket","Properties":{"BucketEncryption":{"Fn::If":["IsProd",{"Ref":"AWS::NoValue"},'"$ENC"']}}}}}'
m=$(findings "$TMP/free.template.json" SM-S3-001)
[[ $m == *"IsProd=true"* ]] && ok "a condition on a parameter without default has both branches" || notok "free condition" "$m"
# a resource whose Condition is false is not created, so not checked
t cond '{"Conditions":{"Never":{"Fn::Equals":["a","b"]}},
 "Resources":{"B":{"Type":"AWS::S3::Bucket","Condition":"Never","Properties":{}}}}'
[ -z "$(findings "$TMP/cond.template.json" SM-S3-001)" ] && ok "a resource whose Condition is false is not checked" || notok "false Condition"

SG() { # INGRESS JSON
  echo '{"Parameters":{"Cidr":{"Type":"String","Default":"0.0.0.0/0"},"Admin":{"Type":"String","Default":"10.0.0.0/8","AllowedValues":["10.0.0.0/8","0.0.0.0/0"]}},
  "Resources":{"Sg":{"Type":"AWS::EC2::SecurityGroup","Properties":{"GroupDescription":"d","SecurityGroupIngress":['"$1"']}}}}'
}
t param "$(SG '{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"CidrIp":{"Ref":"Cidr"}}')"
m=$(findings "$TMP/param.template.json" SM-EC2-002)
[[ $m == *"0.0.0.0/0"* ]] && ok "a parameter's Default 0.0.0.0/0 is the world ($m)" || notok "parameter default" "$m"
t allowed "$(SG '{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"CidrIp":{"Ref":"Admin"}}')"
m=$(findings "$TMP/allowed.template.json" SM-EC2-002)
[[ $m == *"[when Admin=0.0.0.0/0]"* ]] && ok "an AllowedValue that opens SSH is found and named ($m)" || notok "allowed values" "$m"
t zero "$(SG '{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"CidrIp":"192.168.1.0/0"}')"
[ -n "$(findings "$TMP/zero.template.json" SM-EC2-002)" ] && ok "192.168.1.0/0 is the world" || notok "/0 CIDR"
t icmp "$(SG '{"IpProtocol":"icmp","FromPort":-1,"ToPort":-1,"CidrIp":"0.0.0.0/0"}')"
[ -z "$(findings "$TMP/icmp.template.json" SM-EC2-002)" ] && ok "an ICMP rule is not 'port 22'" || notok "icmp" "$(findings "$TMP/icmp.template.json" SM-EC2-002)"
t icmp22 "$(SG '{"IpProtocol":"1","FromPort":22,"ToPort":0,"CidrIp":"0.0.0.0/0"}')"
[ -z "$(findings "$TMP/icmp22.template.json" SM-EC2-002)$(findings "$TMP/icmp22.template.json" SM-EC2-001)" ] && ok "ICMP type 22 (protocol 1) is no port" || notok "icmp type 22"
t all "$(SG '{"IpProtocol":"-1","CidrIp":"0.0.0.0/0"}')"
m=$(findings "$TMP/all.template.json" SM-EC2-002)
[[ $m == *"all traffic"* && $m != *"?"* ]] && ok "IpProtocol -1 prints as all traffic ($m)" || notok "protocol -1" "$m"

# Fn::Cidr is computed as CloudFormation does: block 1 of /24s in 10.0.0.0/16 is 10.0.1.0/24
t cidr '{"Resources":{"Vpc":{"Type":"AWS::EC2::VPC","Properties":{"CidrBlock":"10.0.0.0/16"}},
 "A":{"Type":"AWS::EC2::Subnet","Properties":{"VpcId":{"Ref":"Vpc"},"CidrBlock":"10.0.1.0/24"}},
 "B":{"Type":"AWS::EC2::Subnet","Properties":{"VpcId":{"Ref":"Vpc"},"CidrBlock":{"Fn::Select":[1,{"Fn::Cidr":[{"Fn::GetAtt":["Vpc","CidrBlock"]},4,8]}]}}}}}'
m=$(findings "$TMP/cidr.template.json" SM-DEP-050)
[[ $m == *"'B' (10.0.1.0/24) overlaps subnet 'A'"* ]] && ok "Fn::Select of Fn::Cidr is evaluated ($m)" || notok "Fn::Cidr" "$m"
# a capacity that only one AllowedValue breaks is reported in that world
t asg '{"Parameters":{"Max":{"Type":"Number","Default":"4","AllowedValues":["4","1"]}},
 "Resources":{"G":{"Type":"AWS::AutoScaling::AutoScalingGroup","Properties":{"MinSize":"2","MaxSize":{"Ref":"Max"}}}}}'
m=$(findings "$TMP/asg.template.json" SM-DEP-051)
[[ $m == *"MaxSize 1"*"[when Max=1]"* ]] && ok "capacity bounds read parameter choices ($m)" || notok "capacity world" "$m"

# SOLEMATE_TODAY is a date only when it is one: a sign is not a digit (sscanf's %4d took +202)
m=$(SOLEMATE_TODAY=+202-01-01 findings tests/fixtures/check/SM-DEP-020/StagingFail.template.json SM-DEP-020)
[ -n "$m" ] && ok "SOLEMATE_TODAY=+202-01-01 is not a date: today is used" || notok "signed date taken as today"

# rule packs: the house policy only on request (or on our own assembly)
t tags '{"Resources":{"T":{"Type":"AWS::SNS::Topic","Properties":{"KmsMasterKeyId":"k","Tags":[{"Key":"a","Value":"b"}]}}}}'
[ -z "$(findings "$TMP/tags.template.json" SM-TAG-001)" ] && ok "house tag policy off on other people's templates" || notok "tags off by default"
[ -n "$(findings "$TMP/tags.template.json" SM-TAG-001 --pack solemate)" ] && ok "--pack solemate turns it on" || notok "--pack solemate"
[ -z "$(findings "$TMP/param.template.json" SM-EC2-002 --pack deploy)" ] && ok "--pack deploy leaves the security rules out" || notok "--pack deploy"
[ -n "$(findings "$TMP/param.template.json" SM-EC2-002 --pack deploy,cis)" ] && ok "--pack deploy,cis: SSH is CIS 5.2" || notok "--pack list"
expect_exit "an unknown pack is bad usage" 2 "$SOLEMATE" check --pack nist "$TMP/tags.template.json"
expect_grep "the error names the pack" "unknown rule pack 'nist'" "$TMP/err"
"$SOLEMATE" check --rules --env staging > "$TMP/rules.txt"
expect_grep "--env: the solemate pack is on" "SM-TAG-001" "$TMP/rules.txt"
"$SOLEMATE" check --rules > "$TMP/rules0.txt"
! grep -q "SM-TAG-001" "$TMP/rules0.txt" && ok "--rules alone: no solemate pack" || notok "--rules default packs"
expect_grep "--rules cites the AWS documentation of deployability rules" "doc: https://docs.aws.amazon.com/" "$TMP/rules.txt"
expect_grep "--rules with inputs counts findings per rule" "findings: [0-9]+" "$TMP/rules.txt"
"$SOLEMATE" check --format sarif --pack deploy "$TMP/param.template.json" > "$TMP/s.json"
python3 - "$TMP/s.json" <<'PY' && ok "SARIF rules carry helpUri and packs" || notok "SARIF helpUri"
import json, sys
rules = json.load(open(sys.argv[1]))["runs"][0]["tool"]["driver"]["rules"]
assert rules and all(r["id"].startswith("SM-DEP") or "deploy" in r["properties"]["tags"] for r in rules)
assert all(r.get("helpUri", "").startswith("https://docs.aws.amazon.com/") for r in rules if r["id"].startswith("SM-DEP"))
assert all("findings" in r["properties"] for r in rules)
PY
# a baseline mutes what it lists, and says when an entry matches nothing any more
printf '# known\nSM-EC2-002 * Sg tracked in issue 99\nSM-S3-001 * Nope gone already\n' > "$TMP/base.txt"
expect_exit "a baseline mutes the findings it lists" 0 "$SOLEMATE" check --baseline "$TMP/base.txt" --pack cis "$TMP/zero.template.json"
expect_grep "an entry that matches nothing is reported" "base.txt:3: SM-S3-001 \\* Nope matches no finding" "$TMP/err"
"$SOLEMATE" check --show-suppressed --baseline "$TMP/base.txt" --pack cis "$TMP/zero.template.json" > "$TMP/out" 2>/dev/null
expect_grep "muted findings carry the baseline's reason" "baseline .*base.txt:2: tracked in issue 99" "$TMP/out"
printf 'SM-EC2-002\n' > "$TMP/bad.txt"
expect_exit "a malformed baseline is bad input" 2 "$SOLEMATE" check --baseline "$TMP/bad.txt" "$TMP/zero.template.json"
expect_grep "the error names the line" "bad.txt:1: expected 'RULE STACK RESOURCE REASON'" "$TMP/err"
# a line with no space at all used to be cut by width into RULE, STACK, RESOURCE
# and REASON (a JSON file given as the baseline passed, exit 0)
python3 -c 'print("X" * 1000)' > "$TMP/long.txt"
expect_exit "a baseline line that is one long word is bad input" 2 "$SOLEMATE" check --baseline "$TMP/long.txt" "$TMP/zero.template.json"
expect_grep "the long line is named" "long.txt:1: expected 'RULE STACK RESOURCE REASON'" "$TMP/err"
printf '%s * Sg a rule ID longer than any\n' "SM-$(python3 -c 'print("E" * 80)')" > "$TMP/longrule.txt"
expect_exit "a baseline rule ID past its width is bad input, not cut" 2 "$SOLEMATE" check --baseline "$TMP/longrule.txt" "$TMP/zero.template.json"
# --write-baseline: what cfn-lint's and checkov's users know for templates they do not own
cat > "$TMP/foreign.json" <<'EOF'
{"Resources": {"Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "x",
   "SecurityGroupIngress": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}]}},
 "B": {"Type": "AWS::S3::Bucket"}}}
EOF
expect_exit "a foreign template has errors" 1 "$SOLEMATE" check "$TMP/foreign.json"
expect_exit "--write-baseline records them and passes" 0 "$SOLEMATE" check --write-baseline "$TMP/wb.txt" "$TMP/foreign.json"
expect_grep "one line per finding, its message as the reason" "^SM-EC2-002 foreign Sg 'Sg' allows tcp from 0.0.0.0/0 to port 22" "$TMP/wb.txt"
expect_grep "and says how many it wrote" "wrote .*wb.txt: 6 new entries" "$TMP/err"
expect_exit "the written baseline mutes them" 0 "$SOLEMATE" check --baseline "$TMP/wb.txt" "$TMP/foreign.json"
[ ! -s "$TMP/err" ] && ok "with no stale entry" || notok "stale entries in a fresh baseline" "$(cat "$TMP/err")"
# an edited baseline: a reason rewritten, a stale line, findings not listed yet
{ echo "SM-EC2-002 * Sg bastion access, tracked in issue 7"; echo "SM-RDS-001 * Gone no longer there"; } > "$TMP/old.txt"
expect_exit "--baseline with --write-baseline" 0 "$SOLEMATE" check --baseline "$TMP/old.txt" --write-baseline "$TMP/new.txt" "$TMP/foreign.json"
expect_grep "keeps the edited line as it was" "^SM-EC2-002 \\* Sg bastion access, tracked in issue 7$" "$TMP/new.txt"
grep -q 'SM-RDS-001' "$TMP/new.txt" && notok "drops the stale line" || ok "drops the stale line"
[ "$(grep -c '^SM-' "$TMP/new.txt")" = 6 ] && ok "and adds the five others once each" || notok "new baseline lines" "$(cat "$TMP/new.txt")"
cp "$TMP/new.txt" "$TMP/keep.txt"
expect_exit "an unwritable baseline is bad input" 2 "$SOLEMATE" check --write-baseline "$TMP/nodir/x.txt" "$TMP/foreign.json"
cmp -s "$TMP/new.txt" "$TMP/keep.txt" && ok "and nothing else was touched" || notok "baseline changed"
done_testing

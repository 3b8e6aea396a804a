#!/usr/bin/env bash
# Hostile inputs to the analyses (issue 19): each case crashed, was ignored or
# answered wrongly before its fix. Fixtures: tests/fixtures/hostile/.
. tests/lib.sh
F=tests/fixtures/hostile

# item 4: a subnet without a VpcId used to reach xstrdup(NULL) in graph's place()
expect_exit "graph: a subnet without a VpcId does not crash" 0 "$SOLEMATE" graph "$F/subnet-no-vpc.json"
expect_grep "graph: the NAT gateway in that subnet is drawn" 'Nat' "$TMP/out"
expect_exit "report: a subnet without a VpcId does not crash" 0 "$SOLEMATE" report --format json "$F/subnet-no-vpc.json"

# item 5: the 65th path used to be ignored (exit 0 with a bad last template)
ok_t='{"Resources":{"B":{"Type":"AWS::S3::Bucket"}}}'
mkdir -p "$TMP/many"
for i in $(seq 1 70); do printf '%s\n' "$ok_t" >"$TMP/many/t$i.json"; done
printf '%s\n' '{"Resources":{"B":{"Type":"AWS::S3::Buckett"}}}' >"$TMP/many/t71.json"
many=(); for i in $(seq 1 71); do many+=("$TMP/many/t$i.json"); done
expect_exit "validate: a bad 71st template is read (exit 1)" 1 "$SOLEMATE" validate "${many[@]}"
expect_grep "validate: the 71st template is named" 't71\.json' "$TMP/out"
expect_grep "validate: all 71 templates counted" '71 templates' "$TMP/out"
printf '%s\n' '{"Resources":{"B":{"Type":"AWS::S3::Bucket","Properties":{"BucketName":"x"' >"$TMP/many/t71.json"
expect_exit "check: an unreadable 71st template is bad input (exit 2)" 2 "$SOLEMATE" check "${many[@]}"
expect_grep "check: the 71st template is named" 't71\.json' "$TMP/err"

# item 7: a quantity that is not a finite number, or negative, used to give an
# empty JSON estimate ({"environments": []}, exit 0) or a negative cost
expect_exit "cost --format json: \"nan\", \"inf\", \"1e309\" are refused (exit 2)" 2 "$SOLEMATE" cost --format json "$F/cost-not-finite.json"
expect_grep "cost: \"nan\" named with file, line and property" 'cost-not-finite\.json:3:[0-9]+: error: .Size. is "nan".*Resources\.Volume\.Properties\.Size' "$TMP/err"
expect_grep "cost: \"1e309\" named" 'cost-not-finite\.json:5:[0-9]+: error: .Size. is "1e309"' "$TMP/err"
expect_grep "cost: a negative retention named" 'cost-not-finite\.json:4:[0-9]+: error: .RetentionInDays. is -30' "$TMP/err"
if [ -s "$TMP/out" ]; then notok "cost: no JSON answer without the estimate" "$(head -3 "$TMP/out")"; else ok "cost: no JSON answer without the estimate"; fi
expect_exit "cost: a negative size is refused (exit 2)" 2 "$SOLEMATE" cost "$F/cost-negative.json"
expect_grep "cost: the negative size is named" 'cost-negative\.json:3:[0-9]+: error: .Size. is -100' "$TMP/err"
expect_exit "cost: finite sizes whose cost overflows are refused (exit 2)" 2 "$SOLEMATE" cost --format json "$F/cost-overflow.json"
expect_grep "cost: the overflow is named" 'not a finite amount' "$TMP/err"
expect_exit "validate: the same values are flagged (exit 1)" 1 "$SOLEMATE" validate "$F/cost-not-finite.json" "$F/cost-negative.json"
for pat in 'cost-not-finite\.json:3:.*Volume\.Properties\.Size' 'cost-not-finite\.json:4:.*RetentionInDays' \
           'cost-not-finite\.json:5:.*Big\.Properties\.Size' 'cost-not-finite\.json:6:.*Inf\.Properties\.Size' \
           'cost-negative\.json:3:.*Size. is -100'; do
  expect_grep "validate: flags $pat" "$pat" "$TMP/out"
done
mkdir -p "$TMP/noconfig"
expect_exit "cost --format json with nothing to estimate is an error, not an empty answer" 2 \
  "$SOLEMATE" cost --env all --config-dir "$TMP/noconfig" --format json
if grep -q environments "$TMP/out"; then notok "cost: no empty JSON answer" "$(head -3 "$TMP/out")"; else ok "cost: no empty JSON answer"; fi

# a logical ID past Graphviz's 16 KiB token limit (CloudFormation allows 255;
# validate says so) made `graph --format svg` fail with dot's "syntax error"
python3 -c "
import json, sys
a = 'A' * 20000
json.dump({'Resources': {a + 'One': {'Type': 'AWS::S3::Bucket'}, a + 'Two': {'Type': 'AWS::S3::Bucket'}}}, sys.stdout)" >"$TMP/long-id.json"
expect_exit "graph --format dot: a 20,000-character logical ID is drawn" 0 "$SOLEMATE" graph --format dot "$TMP/long-id.json"
n=$(grep -oE '^[[:space:]]+long_id__A+_[0-9a-f]{16} \[' "$TMP/out" | sort -u | wc -l)
[ "$n" = 2 ] && ok "graph: two long IDs with one start stay two nodes (cut, hashed)" || notok "graph: two long IDs with one start stay two nodes (cut, hashed)" "$n node lines"
if grep -qE 'A{1025}' "$TMP/out"; then notok "graph: labels cut to 1,024 bytes"; else ok "graph: labels cut to 1,024 bytes"; fi
expect_exit "graph --format mermaid: the same template" 0 "$SOLEMATE" graph --format mermaid "$TMP/long-id.json"
if command -v dot >/dev/null; then
  expect_exit "graph --format svg: the same template (Graphviz accepts it)" 0 "$SOLEMATE" graph --format svg "$TMP/long-id.json"
else
  skip "graph --format svg: Graphviz is not installed"
fi

# item 14: parsing as CloudFormation does
printf '\xef\xbb\xbf{"Resources":{"B":{"Type":"AWS::S3::Bucket"}}}\n' >"$TMP/bom.json"
expect_exit "validate: a UTF-8 byte-order mark before JSON is accepted" 0 "$SOLEMATE" validate "$TMP/bom.json"
printf 'Resources:\n  B:\n    Type: AWS::S3::Bucket\n---\nResources: {}\n' >"$TMP/multi.yaml"
expect_exit "validate: a second YAML document is refused (an error, exit 1)" 1 "$SOLEMATE" validate "$TMP/multi.yaml"
expect_grep "validate: the second document's line is named" 'multi\.yaml:4:1: error: a second YAML document' "$TMP/out"
printf 'Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: "a\\0b"\n' >"$TMP/nul.yaml"
expect_exit "validate: a NUL inside a YAML string is refused, not truncated (an error, exit 1)" 1 "$SOLEMATE" validate "$TMP/nul.yaml"
expect_grep "validate: the NUL's position is named" 'nul\.yaml:5:[0-9]+: error: a NUL character' "$TMP/out"
# a file that is no template (no Resources object) was "0 errors", exit 0,
# for check, cost, graph, reach and report: bad input now, as validate says
printf '{"name": "shop", "version": "1.0.0"}\n' >"$TMP/package.json"
printf '{"Resources": [{"Type": "AWS::S3::Bucket"}]}\n' >"$TMP/res-array.json"
for f in package.json res-array.json; do
  for cmd in check cost graph "report --out $TMP/r.html" "reach --matrix"; do
    expect_exit "${cmd%% *}: $f (no Resources object) is bad input (exit 2)" 2 "$SOLEMATE" $cmd "$TMP/$f"
    expect_grep "${cmd%% *}: $f: the file and the missing section named" "$f:1:[0-9]+: error: a template needs a Resources object" "$TMP/err"
  done
done

# nesting past the limit: the JSON and YAML readers say the same thing, with
# the position of the first container too deep, the limit and a suggestion
# (the JSON reader used to pass jansson's "maximum parsing depth reached" at
# its own depth of 2048, or no position at all)
python3 - "$TMP" <<'PYEOF'
import sys
t = sys.argv[1]
pre = '{"Resources":{"B":{"Type":"AWS::S3::Bucket","Metadata":'
open(t + "/deep.json", "w").write(pre + "[" * 3000 + "]" * 3000 + "}}}\n")
open(t + "/deep200.json", "w").write(pre + "\n" + "[" * 200 + "]" * 200 + "}}}\n")
open(t + "/deep.yaml", "w").write("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Metadata: " + "[" * 3000 + "]" * 3000 + "\n")
PYEOF
for f in deep.json deep200.json deep.yaml; do
  expect_exit "check: $f nested past the limit is bad input (exit 2)" 2 "$SOLEMATE" check "$TMP/$f"
  sed "s|^$TMP/$f:|FILE:|" "$TMP/err" >"$TMP/err.$f"
done
# 3 enclosing objects, so the 126th bracket is the 129th level
expect_grep "deep JSON: file, line, column of the first container too deep, the limit" '^FILE:1:181: error: document nests deeper than 128 levels$' "$TMP/err.deep.json"
expect_grep "deep JSON on a second line: its line and column" '^FILE:2:126: error: document nests deeper than 128 levels$' "$TMP/err.deep200.json"
expect_grep "deep JSON: a suggestion" '^  hint: ' "$TMP/err.deep.json"
expect_grep "deep YAML: file, line, column, the limit" '^FILE:4:140: error: document nests deeper than 128 levels$' "$TMP/err.deep.yaml"
if [ "$(sed 1d "$TMP/err.deep.json")" = "$(sed 1d "$TMP/err.deep.yaml")" ] && [ "$(head -1 "$TMP/err.deep.json" | cut -d: -f4-)" = "$(head -1 "$TMP/err.deep.yaml" | cut -d: -f4-)" ]; then
  ok "deep JSON and deep YAML: the same message and suggestion"
else notok "deep JSON and deep YAML: the same message and suggestion" "$(cat "$TMP/err.deep.json" "$TMP/err.deep.yaml")"; fi

bad=$(printf '%s/bad\xff.json' "$TMP")
printf '{"Resources":{"B":{"Type":"AWS::S3::Bucket"}}}\n' >"$bad"
expect_exit "check --format json: a file name that is not UTF-8 (findings, exit 1)" 1 "$SOLEMATE" check --format json "$bad"
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["findings"] and all(f["file"].endswith("bad\\xFF.json") for f in d["findings"]) else 1)' "$TMP/out"; then
  ok "check --format json: its findings are there, the name escaped"; else notok "check --format json: findings with the escaped name" "$(head -c 300 "$TMP/out")"; fi
expect_exit "check --format sarif: a file name that is not UTF-8 (exit 1)" 1 "$SOLEMATE" check --format sarif "$bad"
if python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["runs"][0]["results"]; sys.exit(0 if r and all(x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("bad%FF.json") for x in r) else 1)' "$TMP/out"; then
  ok "check --format sarif: its results are there, the URI percent-encoded"; else notok "check --format sarif: results with the encoded URI" "$(head -c 300 "$TMP/out")"; fi

# item 9: secrets are masked in every output (the report's inventory printed them,
# diff printed old and new passwords)
S_OLD=$F/secrets-old/Secrets.template.json S_NEW=$F/secrets-new/Secrets.template.json
expect_exit "report --format json of a template with secrets" 0 "$SOLEMATE" report --format json "$S_OLD"
if grep -q hunter2 "$TMP/out"; then notok "report JSON: no secret value" "$(grep -o '"[A-Za-z]*": "hunter2[^"]*"' "$TMP/out" | head -5)"; else ok "report JSON: no secret value"; fi
expect_grep "report JSON: the secrets are shown masked" '"SecretString": "\(secret\)"' "$TMP/out"
expect_exit "report (HTML) of a template with secrets" 0 "$SOLEMATE" report --out "$TMP/r.html" "$S_OLD"
if grep -q hunter2 "$TMP/r.html"; then notok "report HTML: no secret value" "$(grep -o 'hunter2[a-z-]*' "$TMP/r.html" | sort -u)"; else ok "report HTML: no secret value"; fi
"$SOLEMATE" diff --against "$S_OLD" "$S_NEW" >"$TMP/diff.txt" 2>&1
if grep -qE 'hunter[23]' "$TMP/diff.txt"; then notok "diff: neither old nor new secret is printed" "$(grep -oE 'hunter[23][a-z0-9-]*' "$TMP/diff.txt" | sort -u)"; else ok "diff: neither old nor new secret is printed"; fi
expect_grep "diff: the change of a secret is still reported" 'MasterUserPassword' "$TMP/diff.txt"
"$SOLEMATE" diff --format json --against "$S_OLD" "$S_NEW" >"$TMP/diff.json" 2>&1
if grep -qE 'hunter[23]' "$TMP/diff.json"; then notok "diff --format json: no secret" "$(grep -oE 'hunter[23][a-z0-9-]*' "$TMP/diff.json" | sort -u)"; else ok "diff --format json: no secret"; fi
"$SOLEMATE" graph "$S_OLD" >"$TMP/g.dot" 2>&1
if grep -qE 'hunter[23]' "$TMP/g.dot"; then notok "graph: no secret in labels"; else ok "graph: no secret in labels"; fi

# item 9, all the way: NoEcho parameters (their Default and AllowedValues, and
# what refers to them), a literal secret copied into a description or Metadata,
# and parameter values chosen by check's worlds are masked in every output
N_OLD=$F/secrets-noecho-old/App.template.json N_NEW=$F/secrets-noecho-new/App.template.json
leak_free() { # name, file
  if grep -q hunter3 "$2"; then notok "$1: no secret" "$(grep -oE '.{0,40}hunter3[a-z0-9-]*' "$2" | sort -u | head -5)"; else ok "$1: no secret"; fi
}
for cmd in "validate" "validate --format json" "check" "check --format json" "check --format sarif" \
  "check --severity info --show-suppressed" "cost" "cost --format json" "graph" "graph --format mermaid" \
  "report --format json" "reach --matrix"; do
  # shellcheck disable=SC2086
  "$SOLEMATE" $cmd "$N_OLD" >"$TMP/n.out" 2>&1
  leak_free "$cmd" "$TMP/n.out"
done
"$SOLEMATE" report --out "$TMP/n.html" "$N_OLD" >/dev/null 2>&1
leak_free "report (HTML)" "$TMP/n.html"
"$SOLEMATE" diff --against "$N_OLD" "$N_NEW" >"$TMP/n.diff" 2>&1
leak_free "diff" "$TMP/n.diff"
expect_grep "diff: a Metadata change holding a secret is still reported" 'Metadata.copy' "$TMP/n.diff"
"$SOLEMATE" diff --format json --against "$N_OLD" "$N_NEW" >"$TMP/n.diffj" 2>&1
leak_free "diff --format json" "$TMP/n.diffj"
"$SOLEMATE" validate "$N_OLD" >"$TMP/n.val" 2>&1
expect_grep "validate: the Default's pattern error is still reported, masked" "Default '\(secret\)' does not match AllowedPattern" "$TMP/n.val"
"$SOLEMATE" check --severity info "$N_OLD" >"$TMP/n.chk" 2>&1
expect_grep "check: a world's NoEcho parameter is named, its value masked" 'Tier=\(secret\)' "$TMP/n.chk"

# probe of item 10's class: --out onto what is not a regular file. A device
# node was replaced by a regular file (as root, `report --out /dev/full` left
# /dev/full a plain file); a FIFO too. Now pipes and character devices are
# written through, a directory is refused.
one='{"Resources":{"B":{"Type":"AWS::S3::Bucket"}}}'
printf '%s\n' "$one" >"$TMP/one.json"
if mknod "$TMP/null" c 1 3 2>/dev/null && mknod "$TMP/full" c 1 7 2>/dev/null; then
  for cmd in report graph; do
    expect_exit "$cmd --out onto a character device (null) writes through" 0 "$SOLEMATE" $cmd --out "$TMP/null" "$TMP/one.json"
    if [ -c "$TMP/null" ]; then ok "$cmd --out: the device node is still a device"; else notok "$cmd --out: the device node is still a device" "$(ls -l "$TMP/null")"; rm -f "$TMP/null"; mknod "$TMP/null" c 1 3; fi
  done
  expect_exit "report --out onto a full device fails (exit 1)" 1 "$SOLEMATE" report --out "$TMP/full" "$TMP/one.json"
  expect_grep "report --out onto a full device: says why" 'No space left on device' "$TMP/err"
  if [ -c "$TMP/full" ]; then ok "report --out: the full device is still a device"; else notok "report --out: the full device is still a device" "$(ls -l "$TMP/full")"; fi
else
  ok "--out onto a device: not root, not tried # SKIP mknod"
fi
mkfifo "$TMP/fifo"
(timeout 20 cat "$TMP/fifo" >"$TMP/fifo.out") &
reader=$!
expect_exit "report --format json --out onto a FIFO writes through" 0 timeout 20 "$SOLEMATE" report --format json --out "$TMP/fifo" "$TMP/one.json"
wait "$reader"
expect_grep "report --out FIFO: the reader got the report" '"environment"' "$TMP/fifo.out"
if [ -p "$TMP/fifo" ]; then ok "report --out: the FIFO is still a FIFO"; else notok "report --out: the FIFO is still a FIFO" "$(ls -l "$TMP/fifo")"; fi
mkdir -p "$TMP/outdir"
expect_exit "report --out onto a directory is refused (exit 1)" 1 "$SOLEMATE" report --out "$TMP/outdir" "$TMP/one.json"
expect_grep "report --out onto a directory: says so" 'it is a directory' "$TMP/err"
for cmd in report graph; do
  expect_exit "$cmd --out '' is bad usage (exit 2)" 2 "$SOLEMATE" $cmd --out "" "$TMP/one.json"
done
expect_exit "synth --out '' is bad usage (exit 2)" 2 "$SOLEMATE" synth --env staging --out "" --quiet
# an environment name is a name: --env ../config/staging read staging under another name
for e in ../config/staging ./staging config/staging .staging; do
  expect_exit "--env '$e' is not a name (exit 2)" 2 "$SOLEMATE" list --env "$e"
done
expect_grep "--env path: says it is not a name" 'is not a name' "$TMP/err"
# YAML's .nan, .inf and -.inf were read by cost as 0 and the default retention
expect_exit "cost: YAML .nan/.inf/-.inf quantities are refused (exit 2)" 2 "$SOLEMATE" cost "$F/cost-yaml-not-finite.yaml"
expect_grep "cost: .nan named" "'Size' is \"\\.nan\"" "$TMP/err"
expect_grep "cost: -.inf named" "'RetentionInDays' is \"-\\.inf\"" "$TMP/err"

# item 14: one strict CIDR parser (config, VPC construct, reach): sscanf's %u
# took "4294967306.0.0.0/16" as 10.0.0.0/16, and spaces, zeros and '+' passed
i=0
for cidr in '4294967306.0.0.0/16' ' 10.0.0.0/16' '010.0.0.0/16' '+10.0.0.0/16' '10.0.0.0/+16' '10.0.0.0/016' '10.0.0.0/16 ' '10.0.0/16'; do
  i=$((i+1))
  python3 -c 'import json,sys; c=json.load(open("config/staging.json")); c["vpcCidr"]=sys.argv[1]; json.dump(c, open(sys.argv[2], "w"))' "$cidr" "$TMP/cidr$i.json"
  expect_exit "config: vpcCidr '$cidr' is refused (exit 2)" 2 "$SOLEMATE" synth --config "$TMP/cidr$i.json" --out "$TMP/cidr-out$i" --quiet
  expect_grep "config: '$cidr' named as not a CIDR block" 'is not an IPv4 CIDR block' "$TMP/err"
done

done_testing

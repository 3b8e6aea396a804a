#!/usr/bin/env bash
# What a manifest, --region or AWS_REGION hold never reaches a path or a
# host name unchecked (issue 19 item 11): templateFile stays inside the
# assembly directory and names a regular file of a bounded size; region
# names are checked by one strict pattern before anything is built from them.
. tests/lib.sh

"$SOLEMATE" synth --env staging --out "$TMP/good" --quiet
# asm NAME TEMPLATEFILE [ENVIRONMENT]: a copy of the assembly with Network's entry changed
asm() {
  rm -rf "$TMP/$1"; cp -r "$TMP/good" "$TMP/$1"
  python3 - "$TMP/$1/manifest.json" "$2" "${3:-}" <<'PY'
import json, sys
p, tf, env = sys.argv[1:4]
m = json.load(open(p)); a = m["artifacts"]["SolemateStagingNetwork"]
if tf: a["properties"]["templateFile"] = tf
if env: a["environment"] = env
json.dump(m, open(p, "w"))
PY
}
refused() { # NAME PATTERN CMD...: exit 2 within 10 s, PATTERN in stderr
  local name=$1 pat=$2; shift 2
  timeout 10 "$@" >"$TMP/out" 2>"$TMP/err"; local rc=$?
  if [ $rc = 2 ] && grep -qE -- "$pat" "$TMP/err"; then ok "$name"; else notok "$name" "exit $rc" "$(head -3 "$TMP/err")"; fi
}

asm abs /etc/passwd
refused "templateFile /etc/passwd: refused" "templateFile '/etc/passwd' is outside the assembly directory" "$SOLEMATE" validate "$TMP/abs"
echo '{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}' >"$TMP/outside.json"
asm dotdot ../outside.json
refused "templateFile ../outside.json: refused" "outside the assembly directory" "$SOLEMATE" check "$TMP/dotdot"
asm link Net.template.json; ln -s "$TMP/outside.json" "$TMP/link/Net.template.json"
refused "templateFile a link out of the directory: refused" "outside the assembly directory" "$SOLEMATE" validate "$TMP/link"
asm fifo Net.template.json; mkfifo "$TMP/fifo/Net.template.json"
refused "templateFile a FIFO: refused at once" "not a regular file" "$SOLEMATE" validate "$TMP/fifo"
asm dev Net.template.json; ln -s /dev/zero "$TMP/dev/Net.template.json"
refused "templateFile a link to /dev/zero inside: refused" "outside the assembly directory|not a regular file" "$SOLEMATE" validate "$TMP/dev"
refused "a template path that is /dev/zero: refused at once" "not a regular file" "$SOLEMATE" validate /dev/zero
asm big Net.template.json; truncate -s 600M "$TMP/big/Net.template.json"
refused "a 600 MB templateFile: refused by its size" "bytes, above the" "$SOLEMATE" validate "$TMP/big"
asm sub ""
mkdir "$TMP/sub/nested"; mv "$TMP/sub/SolemateStagingNetwork.template.json" "$TMP/sub/nested/"
python3 - "$TMP/sub/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); m["artifacts"]["SolemateStagingNetwork"]["properties"]["templateFile"] = "nested/SolemateStagingNetwork.template.json"
json.dump(m, open(sys.argv[1], "w"))
PY
expect_exit "a templateFile in a subdirectory of the assembly: read" 0 "$SOLEMATE" validate "$TMP/sub"

# regions
asm region "" "aws://123456789012/../../../../tmp/evil"
refused "a manifest region with ../: refused" "is not an AWS region name" "$SOLEMATE" cost "$TMP/region"
asm region2 "" "aws://123456789012/us-east-1.evil.example/x"
refused "a manifest region with dots: refused" "is not an AWS region name" "$SOLEMATE" validate "$TMP/region2"

command -v python3 >/dev/null || { done_testing; exit 0; }
. tests/aws/responder.sh
responder_env
LOG=$TMP/r.jsonl; start_responder "$LOG"; port=${RSP##*:}
refused "--region 'x@127.0.0.1:PORT/': refused" "'x@127.0.0.1:$port/' \(--region\) is not an AWS region name" \
  "$SOLEMATE" diff --env staging --region "x@127.0.0.1:$port/"
refused "AWS_REGION='x@127.0.0.1:PORT/': refused" "is not an AWS region name" \
  env AWS_REGION="x@127.0.0.1:$port/" "$SOLEMATE" deploy --env staging --yes
refused "--region '../../etc': refused" "is not an AWS region name" "$SOLEMATE" destroy --env staging --yes --region ../../etc
if [ -s "$LOG" ]; then notok "no request reached a host built from a bad region" "$(head -2 "$LOG")"; else ok "no request reached a host built from a bad region"; fi
stop_responder

# a device where a file is expected: /dev/zero used to be read forever (until
# memory ran out) as a config, a check baseline, or the AWS config and
# credentials files; now refused at once (a device is not a file)
refused "synth --config /dev/zero: refused at once" "/dev/zero: error: is a device, not a file" \
  "$SOLEMATE" synth --config /dev/zero --out "$TMP/zero.out"
refused "check --baseline /dev/zero: refused at once" "/dev/zero: error: is a device, not a file" \
  "$SOLEMATE" check --env staging --baseline /dev/zero
refused "AWS_CONFIG_FILE=/dev/zero: refused at once" "cannot read '/dev/zero'" \
  env AWS_CONFIG_FILE=/dev/zero AWS_SHARED_CREDENTIALS_FILE=/dev/zero "$SOLEMATE" whoami --endpoint-url http://127.0.0.1:9
done_testing

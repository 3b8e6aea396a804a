#!/usr/bin/env bash
# deploy, destroy and diff never touch the wrong stacks, never leave a
# change set behind, and say so when they cannot (issue 19 items 2, 3, 6,
# 8, 11, 12, 15; issue 12 item 18), against the scripted CloudFormation
# responder (tests/aws/cfn_responder.py).
. tests/lib.sh

command -v python3 >/dev/null || { skip "responder" "no python3"; done_testing; exit 0; }
. tests/aws/responder.sh
responder_env

# log_count ACTION [STACK]: how many requests of ACTION the responder logged
log_count() {
  python3 - "$LOG" "$1" "${2:-}" <<'PY'
import json, sys
log, action, stack = sys.argv[1], sys.argv[2], sys.argv[3]
print(sum(1 for l in open(log) for e in [json.loads(l)]
          if e["action"] == action and (not stack or e["params"].get("StackName") == stack)))
PY
}
# seed_file OUT NAME DESCRIPTION TAGS_JSON: a scenario file seeding stack NAME
seed_file() {
  python3 - "$@" <<'PY'
import json, sys
out, name, desc, tags = sys.argv[1:5]
t = json.load(open(f"tests/golden/json/{name}.template.json"))
if desc == "-":
    t.pop("Description", None)
elif desc:
    t["Description"] = desc
json.dump({"seed": [{"name": name, "template": t, "tags": json.loads(tags)}]}, open(out, "w"))
PY
}

# ---- item 2: a stack recorded for another environment is never touched
seed_file "$TMP/qa.json" SolemateStagingNetwork "SoleMate qa: VPC (managed by solemate)" '{}'
LOG=$TMP/owner1.jsonl; start_responder "$LOG" --scenario-file "$TMP/qa.json"; E=(--endpoint-url "$RSP")
expect_exit "deploy over a stack of another environment (description): exit 2" 2 \
  "$SOLEMATE" deploy --env staging --yes "${E[@]}"
expect_grep "names both environments" "SolemateStagingNetwork' belongs to environment 'qa', not 'staging'" "$TMP/err"
[ "$(log_count CreateChangeSet)" = 0 ] && ok "nothing was touched: no change set created" || notok "no change set created" "$(log_count CreateChangeSet)"
expect_exit "destroy of a stack of another environment: exit 2" 2 "$SOLEMATE" destroy --env staging --yes "${E[@]}"
expect_grep "destroy names both environments" "belongs to environment 'qa', not 'staging'" "$TMP/err"
[ "$(log_count DeleteStack)" = 0 ] && ok "destroy: nothing deleted" || notok "destroy: nothing deleted"
expect_exit "destroy --stack of another stack only: goes on (exit 0)" 0 \
  "$SOLEMATE" destroy --env staging --yes --stack SolemateStagingData "${E[@]}"
stop_responder

seed_file "$TMP/tag.json" SolemateStagingData "" '{"Environment": "production", "Project": "solemate"}'
LOG=$TMP/owner2.jsonl; start_responder "$LOG" --scenario-file "$TMP/tag.json"; E=(--endpoint-url "$RSP")
expect_exit "deploy over a stack tagged Environment=production: exit 2" 2 \
  "$SOLEMATE" deploy --env staging --yes "${E[@]}"
expect_grep "the Environment tag decides" "SolemateStagingData' belongs to environment 'production', not 'staging'" "$TMP/err"
[ "$(log_count CreateChangeSet)" = 0 ] && ok "tag: no change set created" || notok "tag: no change set created"
stop_responder

seed_file "$TMP/foreign.json" SolemateStagingNetwork "-" '{}'
LOG=$TMP/owner3.jsonl; start_responder "$LOG" --scenario-file "$TMP/foreign.json"; E=(--endpoint-url "$RSP")
expect_exit "deploy over a stack that records no environment: exit 2" 2 \
  "$SOLEMATE" deploy --env staging --yes --stack SolemateStagingNetwork "${E[@]}"
expect_grep "says it records none" "records no environment" "$TMP/err"
stop_responder

seed_file "$TMP/own.json" SolemateStagingNetwork "" '{"Environment": "staging"}'
LOG=$TMP/owner4.jsonl; start_responder "$LOG" --scenario-file "$TMP/own.json"; E=(--endpoint-url "$RSP")
expect_exit "deploy over its own stack: exit 0" 0 "$SOLEMATE" deploy --env staging --yes --stack SolemateStagingNetwork "${E[@]}"
stop_responder

done_testing

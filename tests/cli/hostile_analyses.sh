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

done_testing

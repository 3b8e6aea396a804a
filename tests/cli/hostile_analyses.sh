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

done_testing

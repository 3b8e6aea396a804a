#!/usr/bin/env bash
# config_sets: the configurations of one directory are one set, checked
# whenever one of them is loaded: two files naming the same environment (the
# stacks would collide), VPC ranges that overlap between environments of one
# account and region, and two baselines of one account and region are bad
# input (exit 2) naming both files and the key.
. tests/lib.sh
mk() { rm -rf "$TMP/c"; mkdir -p "$TMP/c"; cp config/staging.json config/production.json config/baseline.json "$TMP/c/"; }
mk
expect_exit "the shipped set loads" 0 "$SOLEMATE" list --env all --config-dir "$TMP/c"
# a copy of staging that keeps its name
cp "$TMP/c/staging.json" "$TMP/c/qa.json"
expect_exit "two configs of one environment name" 2 "$SOLEMATE" list --env qa --config-dir "$TMP/c"
expect_grep "says which file has it too, at the key" "qa.json.*environment 'staging' is also configured by .*staging.json.*environment" "$TMP/err"
expect_exit "and so does loading the other one" 2 "$SOLEMATE" synth --env staging --config-dir "$TMP/c" --out "$TMP/o"
# renamed, but inside staging's range, in staging's account and region
sed -e 's/"environment": "staging"/"environment": "qa"/' -e 's#"vpcCidr": "10.0.0.0/16"#"vpcCidr": "10.0.128.0/17"#' "$TMP/c/staging.json" >"$TMP/c/qa.json"
expect_exit "overlapping VPC ranges in one account and region" 2 "$SOLEMATE" cost --env qa --config-dir "$TMP/c"
expect_grep "names both ranges, the other environment and the place" "vpcCidr 10.0.128.0/17 overlaps 10.0.0.0/16 of environment 'staging' .* account 123456789012 and region us-east-1" "$TMP/err"
expect_exit "--env all refuses the set too" 2 "$SOLEMATE" list --env all --config-dir "$TMP/c"
# each file is read once for the whole set (cli.c's unit cache): both sides still said
expect_grep "from qa's side" "qa.json: error: vpcCidr 10.0.128.0/17 overlaps 10.0.0.0/16 of environment 'staging'" "$TMP/err"
expect_grep "and from staging's" "staging.json: error: vpcCidr 10.0.0.0/16 overlaps 10.0.128.0/17 of environment 'qa'" "$TMP/err"
# the same range in another region is fine (the load balancer there gets a certificate of its region)
sed -e 's#^  "certificateArn"#  "albCertificateArn": "arn:aws:acm:us-west-2:123456789012:certificate/qa-alb",\n&#' -e 's/"environment": "staging"/"environment": "qa"/' -e 's#"vpcCidr": "10.0.0.0/16"#"vpcCidr": "10.0.128.0/17"#' -e 's/"region": "us-east-1"/"region": "us-west-2"/' "$TMP/c/staging.json" >"$TMP/c/qa.json"
expect_exit "an overlapping range in another region is allowed" 0 "$SOLEMATE" list --env qa --config-dir "$TMP/c"
# a range of its own in the same account and region
sed -e 's/"environment": "staging"/"environment": "qa"/' -e 's#"vpcCidr": "10.0.0.0/16"#"vpcCidr": "10.2.0.0/16"#' "$TMP/c/staging.json" >"$TMP/c/qa.json"
expect_exit "a range of its own is allowed" 0 "$SOLEMATE" list --env all --config-dir "$TMP/c"
# two baselines of one account and region
mk
cp "$TMP/c/baseline.json" "$TMP/c/baseline-copy.json"
expect_exit "two baselines of one account and region" 2 "$SOLEMATE" list --env baseline --config-dir "$TMP/c"
expect_grep "names both files" "both configure the account baseline of" "$TMP/err"
# a --config file from elsewhere is a set of its own
expect_exit "--config FILE outside the directory is not compared" 0 "$SOLEMATE" list --config "$TMP/c/baseline-copy.json" --config-dir config
# a baseline in a second region of the account: one home region for both
mk
sed -e 's/"region": "us-east-1"/"region": "us-west-2"/' "$TMP/c/baseline.json" >"$TMP/c/baseline-west.json"
expect_exit "two home regions in one account" 2 "$SOLEMATE" list --env all --config-dir "$TMP/c"
expect_grep "names the key and both regions" "names us-[a-z]*-[12] the home region of account 123456789012, .* names us-[a-z]*-[12] [(]at homeRegion[)]" "$TMP/err"
sed -e 's/"region": "us-east-1"/"region": "us-west-2",\n  "homeRegion": "us-east-1"/' "$TMP/c/baseline.json" >"$TMP/c/baseline-west.json"
expect_exit "one home region: both baselines load" 0 "$SOLEMATE" synth --env all --config-dir "$TMP/c" --out "$TMP/asm" --quiet
west="$TMP/asm/SolemateBaseline-123456789012-us-west-2.template.json"
home="$TMP/asm/SolemateBaseline-123456789012-us-east-1.template.json"
expect_exit "the second region has no trail of its own (its shadow is the home trail's)" 1 grep -q '"AWS::CloudTrail::Trail"' "$west"
expect_exit "the home region keeps the trail" 0 grep -q '"AWS::CloudTrail::Trail"' "$home"
expect_exit "the second region has no anomaly monitor" 1 grep -q '"AWS::CE::Anomaly' "$west"
expect_exit "the second region records no global resources" 0 grep -q '"IncludeGlobalResourceTypes": false' "$west"
expect_exit "the home region records them" 0 grep -q '"IncludeGlobalResourceTypes": true' "$home"
expect_exit "no CloudFront Config rule outside us-east-1" 1 grep -q 'CLOUDFRONT_VIEWER_POLICY_HTTPS' "$west"
expect_exit "the second region keeps its recorder and rules" 0 grep -q '"S3_BUCKET_SSL_REQUESTS_ONLY"' "$west"
expect_exit "the second region's baseline validates" 0 "$SOLEMATE" validate "$west"
done_testing

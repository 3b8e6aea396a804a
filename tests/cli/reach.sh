#!/usr/bin/env bash
# reach: the designed flows are reachable, everything else is not, and each
# way of breaking a path is found and named; the invariants run in `check`.
. tests/lib.sh
"$SOLEMATE" synth --env staging --out "$TMP/a" --quiet
q() { # NAME WANT_EXIT DIR FROM TO [PATTERN]
  local name=$1 want=$2 dir=$3 from=$4 to=$5 pat=${6:-}
  "$SOLEMATE" reach $dir --from "$from" --to "$to" >"$TMP/out" 2>&1; local rc=$?
  if [ $rc = "$want" ] && { [ -z "$pat" ] || grep -qE -- "$pat" "$TMP/out"; }; then ok "$name"
  else notok "$name" "exit $rc (want $want), pattern '$pat'" "$(head -4 "$TMP/out")"; fi
}
# internet -> alb:80: production's DR standby is reached directly after a DNS
# failover and redirects HTTP to HTTPS (80 open there); the primary's is not (below)
for env in staging production; do
  http=1; [ $env = production ] && http=0
  for case in "internet alb:443 0" "internet alb:80 $http" "alb app:8080 0" "app database:5432 0" \
              "internet database:5432 1" "internet app:8080 1" "alb database:5432 1" "internet alb:22 1" \
              "database app:8080 1" "private database:5432 0" "internet isolated:5432 1"; do
    set -- $case
    "$SOLEMATE" reach --env $env --from $1 --to $2 >"$TMP/out" 2>&1; rc=$?
    [ $rc = $3 ] && ok "$env: $1 -> $2 exits $3" || notok "$env: $1 -> $2" "exit $rc, want $3" "$(head -3 "$TMP/out")"
  done
done
"$SOLEMATE" synth --env production --out "$TMP/p" --quiet
q "production's primary load balancer: no HTTP from the internet (CloudFront only, on 443)" 1 \
  "$TMP/p/SolemateProductionNetwork.template.json $TMP/p/SolemateProductionCompute.template.json" internet alb:80
q "production's DR standby: HTTP from the internet, to the listener that redirects it" 0 \
  "$TMP/p/SolemateProductionDrStandby.template.json" internet alb:80 "AlbSecurityGroup -> alb 'LoadBalancer' :80"
expect_exit "unknown destination is bad usage" 2 "$SOLEMATE" reach --env staging --from internet --to nothing:5432
expect_grep "unknown names are listed" "known: internet" "$TMP/err"
expect_exit "a destination without a port is bad usage" 2 "$SOLEMATE" reach --env staging --from internet --to database

python3 tests/fixtures/reach/mutations.py "$TMP/a" "$TMP/m"
q "reachable path is shown" 0 "$TMP/a" internet alb:443 "in: PublicNaclIngress100; return: PublicNaclEgress100"
q "missing NACL return rule blocks internet -> alb" 1 "$TMP/m/no-nacl-return" internet alb:443 "blocks the return traffic"
q "route table without a route to the IGW blocks internet -> alb" 1 "$TMP/m/no-igw-route" internet alb:443 "no route to an internet gateway"
q "security group referencing another group: alb no longer reaches app" 1 "$TMP/m/sg-wrong-source" alb app:8080 "no security group of Service allows TCP 8080 in from LoadBalancer"
q "security group referencing another group: members are admitted" 0 "$TMP/a" alb app:8080 "AlbToAppIngress"
q "opened NACLs and groups make alb -> database reachable" 0 "$TMP/m/alb-to-db" alb database:5432 "AlbToDbIngress"

# invariants inside check
expect_exit "check passes on the designed network" 0 "$SOLEMATE" check "$TMP/a" --baseline infrastructure/check-baseline.txt
for case in "isolated-nat-route SM-NET-104" "alb-to-db SM-NET-101" "db-to-app SM-NET-102" "db-internet SM-NET-103"; do
  set -- $case
  "$SOLEMATE" check --format json "$TMP/m/$1" >"$TMP/out" 2>&1; rc=$?
  if [ $rc = 1 ] && grep -q "\"rule\": \"$2\"" "$TMP/out"; then ok "check: $1 breaks invariant $2"; else notok "check: $1 -> $2" "exit $rc"; fi
done
expect_exit "reach --matrix" 0 "$SOLEMATE" reach --env production --matrix
expect_grep "matrix shows alb -> app" "alb .*8080 yes" "$TMP/out"
done_testing

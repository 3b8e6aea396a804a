#!/usr/bin/env bash
# graph: the production architecture in each format; Graphviz accepts the DOT,
# the SVG is well-formed XML, Mermaid names the expected nodes; bad usage is 2.
. tests/lib.sh
expect_exit "graph --env production (dot)" 0 "$SOLEMATE" graph --env production
cp "$TMP/out" "$TMP/p.dot"
expect_grep "dot: clusters for VPC and tiers" 'label="isolated tier"' "$TMP/p.dot"
expect_grep "dot: security-group edge app -> database with its port" \
  'SolemateProductionCompute__Service -> SolemateProductionData__Database .*label="tcp 5432"' "$TMP/p.dot"
# CloudFront's API origin is origin.<domain>, a Route 53 alias of the ALB in another stack
"$SOLEMATE" graph --config tests/fixtures/config/good/production-with-zone.json > "$TMP/z.dot" 2>"$TMP/err"
expect_grep "dot: CloudFront origin is the ALB behind its alias record in another stack" \
  'SolemateProdzoneEdge__Distribution -> SolemateProdzoneCompute__LoadBalancer' "$TMP/z.dot"
expect_grep "dot: replica fed by the primary" \
  'SolemateProductionData__Database -> SolemateProductionData__DatabaseReplica1' "$TMP/p.dot"
expect_grep "dot: S3 replication to the DR region's bucket (cross-region parameter resolved)" \
  'SolemateProductionData__AssetsBucket -> SolemateProductionDr__AssetsReplicaBucket' "$TMP/p.dot"
expect_grep "dot: WAF attached to the ALB of the same stack" \
  'SolemateProductionCompute__AlbWebAcl -> SolemateProductionCompute__LoadBalancer' "$TMP/p.dot"
expect_grep "dot: private subnet egress through its AZ's NAT gateway" \
  'SolemateProductionNetwork__VpcPrivateSubnet2 -> SolemateProductionNetwork__VpcPublicSubnet2NATGateway' "$TMP/p.dot"
expect_grep "dot: service shows its autoscaling range" 'autoscaling 3\.\.60' "$TMP/p.dot"
if command -v dot >/dev/null; then
  expect_exit "Graphviz accepts the DOT" 0 dot -Tsvg "$TMP/p.dot"
else
  skip "Graphviz accepts the DOT" "graphviz not installed"
fi

"$SOLEMATE" graph --env production --format dot >"$TMP/p2.dot"
if cmp -s "$TMP/p.dot" "$TMP/p2.dot"; then ok "output is deterministic"; else notok "output is deterministic"; fi

if command -v dot >/dev/null; then
  expect_exit "graph --format svg --out FILE" 0 "$SOLEMATE" graph --env production --format svg --out "$TMP/p.svg"
  if python3 -c 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); sys.exit(0 if r.tag.endswith("svg") else 1)' "$TMP/p.svg"; then
    ok "SVG is well-formed XML with an <svg> root"
  else
    notok "SVG is well-formed XML" "$(head -c 300 "$TMP/p.svg")"
  fi
  expect_grep "SVG shows the database" "RDS Database" "$TMP/p.svg"
else
  skip "graph --format svg" "graphviz not installed"
fi
# Graphviz missing: a clear message and exit 2, no partial output file
mkdir -p "$TMP/empty"
PATH="$TMP/empty" "$SOLEMATE" graph --env production --format svg --out "$TMP/none.svg" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc = 2 ] && grep -q "Graphviz" "$TMP/err" && [ ! -e "$TMP/none.svg" ]; then ok "no Graphviz: exit 2 with a message"
else notok "no Graphviz: exit 2" "exit $rc" "$(cat "$TMP/err")"; fi

expect_exit "graph --format mermaid" 0 "$SOLEMATE" graph --env production --format mermaid
cp "$TMP/out" "$TMP/p.mmd"
expect_grep "mermaid: a flowchart" '^flowchart LR$' "$TMP/p.mmd"
for n in internet SolemateProductionEdge__Distribution SolemateProductionEdge__CdnWebAcl \
         SolemateProductionCompute__LoadBalancer SolemateProductionCompute__Service \
         SolemateProductionData__Database SolemateProductionData__DatabaseReplica1 \
         SolemateProductionData__AssetsBucket; do
  expect_grep "mermaid: node $n" "^[[:space:]]+$n[[(]" "$TMP/p.mmd"
done
expect_grep "mermaid: subgraph per tier" 'subgraph g[0-9]+\["private tier"\]' "$TMP/p.mmd"
if [ "$(grep -c '^[[:space:]]*subgraph ' "$TMP/p.mmd")" = "$(grep -c '^[[:space:]]*end$' "$TMP/p.mmd")" ]; then
  ok "mermaid: every subgraph is closed"; else notok "mermaid: every subgraph is closed"; fi

expect_exit "unknown format is bad usage" 2 "$SOLEMATE" graph --env production --format png
expect_grep "unknown format is named" "'--format': unknown value 'png'" "$TMP/err"
expect_exit "unknown option is bad usage" 2 "$SOLEMATE" graph --env production --bogus
expect_exit "unknown environment is bad input" 2 "$SOLEMATE" graph --env nowhere
expect_exit "graph --help" 0 "$SOLEMATE" graph --help
done_testing

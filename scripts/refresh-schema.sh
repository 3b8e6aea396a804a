#!/usr/bin/env bash
# Refresh the CloudFormation schema data from npm's @aws-cdk/aws-service-spec:
#   scripts/refresh-schema.sh [VERSION]     (default: the version recorded in data/)
# Writes data/cfn-schema.txt and src/engine/taggable_gen.inc; commit both.
# The value constraints come from the registry schemas bundled with cfn-lint
# (pip install cfn-lint; build time only): scripts/schema_constraints.py.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:-$(sed -n 's/^# source: npm @aws-cdk\/aws-service-spec \([^ ]*\).*/\1/p' data/cfn-schema.txt 2>/dev/null || true)}
version=${version:-latest}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@aws-cdk/aws-service-spec@$version" >/dev/null && tar xzf ./*.tgz)
real=$(python3 -c "import json;print(json.load(open('$work/package/package.json'))['version'])")
python3 -c 'import cfnlint' 2>/dev/null || { echo "refresh-schema: needs cfn-lint's schemas: pip install cfn-lint" >&2; exit 2; }
python3 scripts/refresh-schema.py "$work/package/db.json.gz" "$real" data/cfn-schema.txt src/engine/taggable_gen.inc
echo "refresh-schema: @aws-cdk/aws-service-spec $real"

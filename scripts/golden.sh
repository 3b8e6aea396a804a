#!/usr/bin/env bash
# Regenerate tests/golden/ from the shipped configs (make golden).
# tests/golden/json is `synth --env all` (the assembly deploy reads),
# tests/golden/yaml the same in YAML: every byte of both is reviewed as a
# diff when the infrastructure changes on purpose, and a refactor must leave
# them as they are (tests/cli/golden.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$BUILD/solemate" synth --env all --out "$tmp/json" --quiet
"$BUILD/solemate" synth --env all --format yaml --out "$tmp/yaml" --quiet
rm -rf tests/golden/json tests/golden/yaml
mkdir -p tests/golden
cp -r "$tmp/json" "$tmp/yaml" tests/golden/
git -c color.ui=never diff --stat -- tests/golden 2>/dev/null || true

#!/usr/bin/env bash
# Benchmark: validate plus check of both environments (schema loading
# included), on the synthesized assembly and with --env (synthesis in
# memory first), against cfn-lint on the same templates for scale.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s -j2 all
bin=build/solemate
out=$(mktemp -d)
runs=${RUNS:-50}
$bin synth --env all --out "$out/a" --quiet
hyperfine -N --warmup 5 --runs "$runs" --export-json "$out/h.json" \
  "$bin validate $out/a" "$bin check $out/a" "$bin validate --env all" "$bin check --env all" >/dev/null 2>&1
read -r v c ve ce < <(python3 -c "
import json; r=json.load(open('$out/h.json'))['results']
print(' '.join('%.1f'%(x['median']*1000) for x in r))")
n=$(ls "$out"/a/*.template.json | wc -l)
s=$(date +%s%N); cfn-lint "$out"/a/*.template.json >/dev/null 2>&1 || true; e=$(( ($(date +%s%N) - s) / 1000000 ))
mkdir -p docs/bench
cat > docs/bench/analyses.md <<MD
## validate + check

Command: \`bench/analyses.sh\` (hyperfine -N, 5 warm-up runs, $runs runs, medians),
$(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD); $n templates of both environments.

| what | median | target |
|---|---|---|
| \`validate DIR\` (schema data loaded, all $n templates) | $v ms | |
| \`check DIR\` (76 rules + reachability invariants) | $c ms | |
| validate + check of both environments | $(python3 -c "print('%.1f'%($v+$c))") ms | <= 20 ms |
| \`validate --env all\` (synthesis in memory, then validate) | $ve ms | |
| \`check --env all\` | $ce ms | |
| for scale: \`cfn-lint\` on the same $n templates (one run) | $e ms | |

The process floor of this VM (\`/bin/true\`) is about 2 ms per command.
MD
rm -rf "$out"
cat docs/bench/analyses.md

#!/usr/bin/env bash
# Benchmark: validate at cfn-lint's depth (issue 13).
#  1. validate + check of both environments (synthesis in memory, schema
#     loaded), medians of hyperfine -N runs: target <= 20 ms;
#  2. validate against cfn-lint on the same 20 public templates (AWS samples
#     and quickstarts of ../shared/corpus/cfn-lint-templates: public/ and
#     quickstart/), one process per template each: target >= 100x.
# Writes docs/bench/validate.md.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s -j2 all
bin=build/solemate
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
runs=${RUNS:-30}
corpus=../../shared/corpus/cfn-lint-templates
[ -d "$corpus" ] || corpus=/work/shared/corpus/cfn-lint-templates
mapfile -t files < <(ls "$corpus"/public/* "$corpus"/quickstart/* | sort | head -20)
hyperfine -N --warmup 5 --runs "$runs" --export-json "$out/h.json" \
  "$bin validate --env all" "$bin check --env all" >/dev/null 2>&1
read -r ve ce < <(python3 -c "
import json; r=json.load(open('$out/h.json'))['results']
print(' '.join('%.1f'%(x['median']*1000) for x in r))")
# ours: each template in its own process, median of $runs runs each
ours=0
for f in "${files[@]}"; do
  hyperfine -N -i --warmup 2 --runs "$runs" --export-json "$out/o.json" "$bin validate $f" >/dev/null 2>&1
  ours=$(python3 -c "import json;print($ours+json.load(open('$out/o.json'))['results'][0]['median']*1000)")
done
# cfn-lint: each template in its own process, one run each (about a second apiece)
s=$(date +%s%N)
for f in "${files[@]}"; do cfn-lint "$f" >/dev/null 2>&1 || true; done
lint=$(( ($(date +%s%N) - s) / 1000000 ))
ratio=$(python3 -c "print('%.0f'%($lint/$ours))")
mkdir -p docs/bench
cat > docs/bench/validate.md <<MD
## validate at cfn-lint's depth (issue 13)

Command: \`bench/validate.sh\` (hyperfine -N, medians of $runs runs),
$(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD), $(cfn-lint --version 2>/dev/null).

| what | median | target |
|---|---|---|
| \`validate --env all\` (synthesis in memory, schema with constraints loaded) | $ve ms | |
| \`check --env all\` | $ce ms | |
| validate + check of both environments | $(python3 -c "print('%.1f'%($ve+$ce))") ms | <= 20 ms |
| \`validate F\`, one process per template, summed over the 20 public templates | $(printf %.1f "$ours") ms | |
| \`cfn-lint F\`, one process per template, summed over the same 20 | $lint ms | |
| validate's speed-up over cfn-lint | **${ratio}x** | >= 100x |

The 20 templates: public/ and quickstart/ of cfn-lint's fixtures
(../shared/corpus/cfn-lint-templates). What validate checks on them is
measured against cfn-lint by \`tests/oracle/cfn_lint_corpus.py measure\`.
MD
cat docs/bench/validate.md

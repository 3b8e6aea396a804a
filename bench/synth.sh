#!/usr/bin/env bash
# Benchmark: `solemate synth --env all` (the complete infrastructure of both
# environments). Median wall time over many runs (hyperfine) and peak memory
# (the kernel's max RSS via getrusage, read by bench/maxrss.py). Writes the
# figures and the command to docs/bench/synth.md.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s -j2 all
bin=build/solemate
out=$(mktemp -d)
runs=${RUNS:-200}
hyperfine -N --warmup 20 --runs "$runs" --export-json "$out/h.json" \
  "$bin synth --env all --out $out/cdk.out --quiet" >/dev/null
median_ms=$(python3 -c "import json;r=json.load(open('$out/h.json'))['results'][0];print('%.2f'%(r['median']*1000))")
mean_ms=$(python3 -c "import json;r=json.load(open('$out/h.json'))['results'][0];print('%.2f'%(r['mean']*1000))")
# GNU time's %M: the max RSS of the command itself (a Python wrapper would
# count its own pre-exec pages too)
rss_kb=$( { /usr/bin/time -f %M $bin synth --env all --out "$out/cdk.out" --quiet; } 2>&1 | tail -1)
base_ms=$(hyperfine -N --warmup 20 --runs "$runs" --export-json "$out/t.json" /bin/true >/dev/null 2>&1; python3 -c "import json;r=json.load(open('$out/t.json'))['results'][0];print('%.2f'%(r['median']*1000))")
stacks=$(ls "$out/cdk.out"/*.template.json | wc -l)
resources=$(python3 -c "
import json,glob
print(sum(len(json.load(open(f))['Resources']) for f in glob.glob('$out/cdk.out/*.template.json')))")
mkdir -p docs/bench
cat > docs/bench/synth.md <<MD
## synth --env all

Command: \`bench/synth.sh\` (hyperfine -N, 20 warm-up runs, $runs runs; peak RSS from GNU time)
on $(nproc) cores, $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD).

| what | value | target |
|---|---|---|
| stacks / resources synthesized | $stacks / $resources | |
| median wall time | $median_ms ms | <= 5 ms |
| mean wall time | $mean_ms ms | |
| peak memory (max RSS) | $((rss_kb / 1024)) MB ($rss_kb kB) | <= 16 MB |
| for scale: \`/bin/true\` on this machine | $base_ms ms | |

The process floor (exec, dynamic loading) of this VM is the \`/bin/true\` line.
\`valgrind --tool=callgrind build/solemate synth --env all --out DIR --quiet\`
counts $(valgrind --tool=callgrind --callgrind-out-file=/dev/null $bin synth --env all --out "$out/cg" --quiet 2>&1 | sed -n 's/.*refs: *//p') instructions for the whole run.
MD
rm -rf "$out"
cat docs/bench/synth.md

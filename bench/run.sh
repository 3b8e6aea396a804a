#!/usr/bin/env bash
# Run every benchmark (bench/*.sh but this one) and gather docs/bench/*.md
# into docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
for b in bench/*.sh; do
  [ "$(basename "$b")" = run.sh ] && continue
  echo "== $b"; bash "$b"
done
{
  echo "# Benchmarks"
  echo
  echo "Measured on this project's machine kind (2 cores). Each section names the"
  echo "command that produced it; re-run with \`make bench\`. Targets are goals, not"
  echo "timed test assertions."
  echo
  for f in docs/bench/*.md; do cat "$f"; echo; done
} > docs/benchmarks.md

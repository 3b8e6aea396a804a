#!/usr/bin/env bash
# Differential sweep: validate against cfn-lint on templates from elsewhere
# (issue 13). Usage: bench/public-sweep.sh DIR [BIN]
# DIR holds the templates (not in this repository: they are third-party; the
# list of sources used is bench/public-templates.txt). One line a template:
#   both-clean | both-reject | FP (validate exit 1, no cfn-lint E*) |
#   MISS (validate exit 0, cfn-lint E*) | CRASH-rcN (exit >= 2 or timeout)
# cfn-lint warnings (W*) do not count as a rejection.
set -uo pipefail
dir=${1:?usage: bench/public-sweep.sh DIR [BIN]}
bin=$(realpath "${2:-$(dirname "$0")/../build/solemate}")
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
cd "$dir" || exit 2
for f in *; do
  timeout 20 "$bin" validate "$f" >"$out/sm" 2>&1; rc=$?
  cfn-lint -f parseable "$f" >"$out/cl" 2>&1
  e=$(grep -c ':E[0-9]' "$out/cl")
  if [ $rc = 0 ] && [ "$e" = 0 ]; then c=both-clean
  elif [ $rc = 1 ] && [ "$e" -gt 0 ]; then c=both-reject
  elif [ $rc = 1 ]; then c=FP
  elif [ $rc = 0 ]; then c=MISS
  else c=CRASH-rc$rc; fi
  printf '%s %s errors=%s cfn-lint-E=%s\n' "$c" "$f" "$(grep -c ': error: ' "$out/sm")" "$e"
done

#!/usr/bin/env bash
# Writes every output a speed change must leave byte-identical into OUTDIR:
# the synthesized assemblies (JSON and YAML), validate/check/reach/list in
# every format over both environments, the assembly and the test fixtures,
# with exit codes. Compare two runs with `diff -r`.
#   bench/outputs.sh BIN OUTDIR
set -uo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "$1"); out=$2
rm -rf "$out"; mkdir -p "$out"
run() { # name, args...
  local n=$1; shift
  "$bin" "$@" >"$out/$n.out" 2>"$out/$n.err"; echo $? >"$out/$n.rc"
}
run synth-json synth --env all --out "$out/asm" --quiet
run synth-yaml synth --env all --format yaml --out "$out/asm-yaml" --quiet
run list list --env all
for e in all staging production; do
  for f in text json; do run "validate-$e-$f" validate --env "$e" --format "$f"; done
  for f in text json sarif; do run "check-$e-$f" check --env "$e" --format "$f"; done
  run "check-$e-info" check --env "$e" --severity info --show-suppressed
done
for f in text json; do run "validate-dir-$f" validate "$out/asm" --format "$f"; done
for f in text json sarif; do run "check-dir-$f" check "$out/asm" --format "$f"; done
for f in text json; do run "validate-yaml-$f" validate "$out/asm-yaml" --format "$f"; done
run check-yaml check "$out/asm-yaml" --format json
run reach-prod reach --env production --from internet --to database:5432
for d in tests/fixtures/check/*/; do
  n=$(basename "$d")
  for t in "$d"*.template.*; do
    b=$(basename "$t")
    run "fx-check-$n-$b" check "$t" --format json --severity info --show-suppressed
    run "fx-validate-$n-$b" validate "$t" --format json
  done
done
for t in tests/fixtures/prd-sample/*.template.json; do
  b=$(basename "$t")
  run "prd-check-$b" check "$t" --format json
  run "prd-checkt-$b" check "$t"
  run "prd-validate-$b" validate "$t"
done
for f in tests/fixtures/config/bad/*.json tests/fixtures/config/good/*.json; do
  b=$(basename "$f" .json)
  run "cfg-synth-$b" synth --config "$f" --out "$out/cfg-asm" --quiet
  run "cfg-validate-$b" validate --config "$f" --format json
done
rm -rf "$out/cfg-asm"
mkdir -p "$out/mut"
python3 tests/fixtures/validate/mutations.py "$out/asm/SolemateProductionData.template.json" "$out/mut" 2>/dev/null
for m in "$out"/mut/*.json; do
  b=$(basename "$m" .json)
  run "mut-validate-$b" validate "$m"
  run "mut-validatej-$b" validate "$m" --format json
  run "mut-check-$b" check "$m" --format json
done
# the temp path appears in some messages: make it neutral
grep -rl --null "$out" "$out" 2>/dev/null | xargs -0 -r sed -i "s#$out#OUT#g"
echo "$(ls "$out" | wc -l) outputs in $out"

#!/usr/bin/env bash
# Build each tests/fuzz/fuzz_*.c with clang + libFuzzer + ASan/UBSan and run
# it on its corpus; crashes fail.
#   run.sh [SECONDS [ANALYSIS_SECONDS]]
# SECONDS (default 30) bounds each parser target (template, config, aws_xml);
# ANALYSIS_SECONDS (default SECONDS) each target over an analysis (graph,
# report, cost, reach, check, diff), which share the seeds of
# corpus/analysis (a target names its corpus in a "fuzz-corpus:" comment).
# The library is the Makefile's (LIB_SRC, printed by `make print-lib-src`,
# so the two lists cannot drift apart: src/lifecycle was once left out here),
# compiled once (build-fuzz/obj, rebuilt when a source is newer) and linked
# into every target. Only the objects of today's sources go into the archive:
# an object left behind by a renamed or split source would define its
# functions twice.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-30}
analysis_secs=${2:-$secs}
out=build-fuzz
mkdir -p "$out/obj"
srcs=$(make -s --no-print-directory print-lib-src)
[ -n "$srcs" ] || { echo "fuzz: make print-lib-src gave no sources" >&2; exit 2; }
san="-fsanitize=address,undefined"
cflags="-g -O1 -std=c17 -D_GNU_SOURCE -DSM_NO_ARENA -Isrc -Iinfrastructure $san $(pkg-config --cflags jansson yaml-0.1 libcurl libxml-2.0)"
libs="$(pkg-config --libs jansson yaml-0.1 libcurl libxml-2.0 libcrypto zlib) -lm -lpthread -ldl"
export cflags out
echo "fuzz: compiling the library"
# shellcheck disable=SC2016
printf '%s\n' $srcs | xargs -P 2 -I{} sh -c '
  o="$out/obj/$(echo "{}" | tr / _).o"
  if [ ! -f "$o" ] || [ "{}" -nt "$o" ] || [ -n "$(find src infrastructure/lib -name "*.h" -newer "$o" | head -1)" ]; then
    clang $cflags -fsanitize=fuzzer-no-link -c -o "$o" "{}"
  fi'
objs=$(printf '%s\n' $srcs | sed "s|/|_|g; s|^|$out/obj/|; s|\$|.o|")
rm -f "$out/libsolemate-fuzz.a"
# shellcheck disable=SC2086
ar rcs "$out/libsolemate-fuzz.a" $objs
for f in tests/fuzz/fuzz_*.c; do
  name=$(basename "$f" .c)
  corpus_name=$(sed -n 's/.*fuzz-corpus: *\([a-z_]*\).*/\1/p' "$f" | head -1)
  corpus=tests/fuzz/corpus/${corpus_name:-${name#fuzz_}}
  t=$secs; [ "${corpus_name:-}" = analysis ] && t=$analysis_secs
  echo "fuzz: building $name"
  # shellcheck disable=SC2086
  clang $cflags -fsanitize=fuzzer -Itests/fuzz -o "$out/$name" "$f" "$out/libsolemate-fuzz.a" $libs
  work=$out/corpus-$name; mkdir -p "$work"
  echo "fuzz: running $name for ${t}s on $corpus"
  "$out/$name" -max_total_time="$t" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 "$work" "$corpus" 2>&1 | tail -12
done

#!/usr/bin/env bash
# Build each tests/fuzz/fuzz_*.c with clang + libFuzzer + ASan/UBSan and run
# it for SECONDS (first argument, default 30) on its corpus. Crashes fail.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-30}
out=build-fuzz
mkdir -p "$out"
dirs=""; for d in src/base src/engine src/constructs src/analysis src/aws infrastructure/lib; do [ -d "$d" ] && dirs="$dirs $d"; done
# shellcheck disable=SC2086
srcs=$(find $dirs -name '*.c' | sort)
cflags="-g -O1 -std=c17 -D_GNU_SOURCE -Isrc -Iinfrastructure -fsanitize=fuzzer,address,undefined $(pkg-config --cflags jansson yaml-0.1 libcurl libxml-2.0)"
libs="$(pkg-config --libs jansson yaml-0.1 libcurl libxml-2.0 libcrypto zlib) -lm -lpthread"
for f in tests/fuzz/fuzz_*.c; do
  name=$(basename "$f" .c)
  echo "fuzz: building $name"
  # shellcheck disable=SC2086
  clang $cflags -o "$out/$name" "$f" $srcs $libs
  corpus=tests/fuzz/corpus/${name#fuzz_}
  work=$out/corpus-$name; mkdir -p "$work"
  echo "fuzz: running $name for ${secs}s"
  "$out/$name" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 "$work" "$corpus" 2>&1 | tail -12
done

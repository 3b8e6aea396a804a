#!/usr/bin/env bash
# What process start-up costs, and what our commands would cost if the AWS
# libraries still linked at exec (libcrypto today; libcurl and libxml2 are
# dlopen'ed by src/aws already) were loaded on first use: links a second
# binary whose symbols of those libraries are stubs that abort, checks it
# gives the same outputs, and times both (hyperfine -N, medians).
# Measurement only.
#   bench/floor.sh [BUILD]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
make -s -j2 BUILD="$build" "$build/solemate"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
syms=$(nm -D --undefined-only "$build/solemate" | awk '{print $2}' | sed 's/@.*//' |
  grep -E '^(curl_|xml|EVP_|HMAC|SHA[0-9]|OPENSSL_|RAND_)' | sort -u)
{
  echo '#include <stdlib.h>'
  for s in $syms; do echo "void $s(void); void $s(void) { abort(); }"; done
  echo 'void *xmlFree; /* a variable of libxml2 (copy-relocated into the binary) */'
} > "$tmp/stubs.c"
cc -c -o "$tmp/stubs.o" "$tmp/stubs.c"
cc -o "$tmp/solemate-lazy" "$build"/obj/src/cli/*.o "$build/libsolemate.a" "$tmp/stubs.o" \
  $(pkg-config --libs jansson yaml-0.1) -lm -lpthread
bin=$build/solemate lazy=$tmp/solemate-lazy
echo "libraries loaded at exec: $(ldd "$bin" | wc -l) as built, $(ldd "$lazy" | wc -l) without the AWS ones"
"$bin" synth --env all --out "$tmp/asm" --quiet
for c in "synth --env all --out $tmp/o1 --quiet" "validate $tmp/asm" "check $tmp/asm"; do
  "$bin" $c >"$tmp/a.out" 2>&1 || true; "$lazy" $c >"$tmp/b.out" 2>&1 || true
  cmp -s "$tmp/a.out" "$tmp/b.out" || { echo "outputs differ: $c"; exit 1; }
done
diff -r "$tmp/asm" "$tmp/o1" >/dev/null
runs=${RUNS:-100}
hyperfine -N --warmup 10 --runs "$runs" --export-json "$tmp/h.json" /bin/true \
  "$bin --version" "$lazy --version" \
  "$bin synth --env all --out $tmp/o2 --quiet" "$lazy synth --env all --out $tmp/o3 --quiet" \
  "$bin validate $tmp/asm" "$lazy validate $tmp/asm" \
  "$bin check $tmp/asm" "$lazy check $tmp/asm" >/dev/null 2>&1
python3 - "$tmp/h.json" "$tmp" <<'PY'
import json, sys
tmp = sys.argv[2]
for r in json.load(open(sys.argv[1]))["results"]:
    cmd = r["command"].replace(tmp + "/solemate-lazy", "lazy-loaded").replace(tmp, "DIR")
    print("%-48s median %6.2f ms  min %6.2f ms" % (cmd, r["median"] * 1000, r["min"] * 1000))
PY
for b in "$bin" "$lazy"; do
  printf '%s --version: %s instructions\n' "$(basename "$b")" \
    "$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$b" --version 2>&1 | sed -n 's/.*refs: *//p')"
done

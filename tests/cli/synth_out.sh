#!/usr/bin/env bash
# synth --out DIR never loses what is not ours (issue 19, item 1): DIR is
# replaced only when it is missing, empty, or a cloud assembly (its
# manifest.json, ours or the CDK's); anything else is refused with exit 2
# naming what is there. A symlinked DIR is refused (not replaced by a
# directory, not written through). Leftover DIR.tmp-* directories of a
# killed run are removed by the next run; a running synth's are not.
. tests/lib.sh

S=(synth --env staging --quiet)
R=$PWD

# a source tree: refused, every file kept
mkdir -p "$TMP/src/.git" "$TMP/src/lib"
echo "int main(void) { return 0; }" >"$TMP/src/main.c"
echo "ref: refs/heads/main" >"$TMP/src/.git/HEAD"
echo "keep" >"$TMP/src/lib/a.c"
(cd "$TMP/src" && find . | sort) >"$TMP/src.before"
expect_exit "--out on a source tree: refused, exit 2" 2 "$SOLEMATE" "${S[@]}" --out "$TMP/src"
expect_grep "refusal names the directory" "$TMP/src" "$TMP/err"
expect_grep "refusal names what is there" "main.c" "$TMP/err"
expect_grep "refusal says it is not an assembly" "no manifest.json" "$TMP/err"
(cd "$TMP/src" && find . | sort) >"$TMP/src.after"
if cmp -s "$TMP/src.before" "$TMP/src.after" && [ "$(cat "$TMP/src/.git/HEAD")" = "ref: refs/heads/main" ]; then
  ok "refused: every file is still there"
else
  notok "refused: every file is still there" "$(diff "$TMP/src.before" "$TMP/src.after" | head -5)"
fi
ls -d "$TMP"/src.tmp-* >/dev/null 2>&1 && notok "refused: no temporary directory left" || ok "refused: no temporary directory left"

# the current directory
(cd "$TMP/src" && "$SOLEMATE" synth --quiet --config "$R/config/staging.json" --out "$PWD" >"$TMP/out" 2>"$TMP/err"); rc=$?
if [ $rc = 2 ] && [ -f "$TMP/src/main.c" ]; then ok "--out \"\$PWD\": refused, exit 2, nothing lost"; else notok "--out \"\$PWD\"" "exit $rc" "$(head -3 "$TMP/err")"; fi
(cd "$TMP/src" && "$SOLEMATE" synth --quiet --config "$R/config/staging.json" --out . >"$TMP/out" 2>"$TMP/err"); rc=$?
if [ $rc = 2 ] && [ -f "$TMP/src/main.c" ]; then ok "--out .: refused, exit 2, nothing lost"; else notok "--out ." "exit $rc" "$(head -3 "$TMP/err")"; fi

# a directory with a manifest.json that is not an assembly's
mkdir -p "$TMP/notasm"; echo '[1, 2]' >"$TMP/notasm/manifest.json"; echo x >"$TMP/notasm/data.csv"
expect_exit "a manifest.json that is not an assembly's: refused, exit 2" 2 "$SOLEMATE" "${S[@]}" --out "$TMP/notasm"
[ -f "$TMP/notasm/data.csv" ] && ok "foreign manifest: data kept" || notok "foreign manifest: data kept"

# a regular file
echo "notes" >"$TMP/afile"
expect_exit "--out on a regular file: refused, exit 2" 2 "$SOLEMATE" "${S[@]}" --out "$TMP/afile"
[ "$(cat "$TMP/afile")" = notes ] && ok "regular file: kept" || notok "regular file: kept"

# missing, empty, our own assembly, the CDK's assembly: replaced
expect_exit "a missing directory is created" 0 "$SOLEMATE" "${S[@]}" --out "$TMP/new"
[ -f "$TMP/new/manifest.json" ] && ok "missing: assembly written" || notok "missing: assembly written"
mkdir "$TMP/empty"
expect_exit "an empty directory is replaced" 0 "$SOLEMATE" "${S[@]}" --out "$TMP/empty"
[ -f "$TMP/empty/manifest.json" ] && ok "empty: assembly written" || notok "empty: assembly written"
echo stale >"$TMP/new/Old.template.json"
expect_exit "our own assembly is replaced" 0 "$SOLEMATE" "${S[@]}" --out "$TMP/new"
[ ! -e "$TMP/new/Old.template.json" ] && ok "own assembly: replaced whole" || notok "own assembly: replaced whole"
mkdir -p "$TMP/cdk/asset.0123abcd"
echo '{"version":"36.0.0","artifacts":{"Tree":{"type":"cdk:tree","properties":{"file":"tree.json"}}}}' >"$TMP/cdk/manifest.json"
echo '{}' >"$TMP/cdk/tree.json"; echo 'exports.h=1' >"$TMP/cdk/asset.0123abcd/index.js"
expect_exit "a CDK assembly is replaced" 0 "$SOLEMATE" "${S[@]}" --out "$TMP/cdk"
[ ! -e "$TMP/cdk/tree.json" ] && [ -f "$TMP/cdk/SolemateStagingData.template.json" ] && ok "CDK assembly: replaced" || notok "CDK assembly: replaced"

# a symlink: refused, the link and what it points at kept
mkdir -p "$TMP/real"; echo keep >"$TMP/real/keep.txt"
ln -s "$TMP/real" "$TMP/link"
expect_exit "a symlinked --out: refused, exit 2" 2 "$SOLEMATE" "${S[@]}" --out "$TMP/link"
expect_grep "symlink refusal names the target" "symbolic link.*$TMP/real" "$TMP/err"
[ -L "$TMP/link" ] && [ -f "$TMP/real/keep.txt" ] && ok "symlink: link and target kept" || notok "symlink: link and target kept"
"$SOLEMATE" "${S[@]}" --out "$TMP/new" >/dev/null
ln -s "$TMP/new" "$TMP/asmlink"
expect_exit "a symlink to an assembly: refused too, exit 2" 2 "$SOLEMATE" "${S[@]}" --out "$TMP/asmlink"
[ -L "$TMP/asmlink" ] && ok "symlink to an assembly: still a link" || notok "symlink to an assembly: still a link"

# leftovers of a killed run: removed by the next run
mkdir -p "$TMP/k"
"$SOLEMATE" "${S[@]}" --out "$TMP/k" >/dev/null
mkdir "$TMP/k.tmp-AbC123"; cp "$TMP/k"/SolemateStagingData.template.json "$TMP/k.tmp-AbC123/"
mkdir "$TMP/k.tmp-ZzZ999"; cp -r "$TMP/k"/. "$TMP/k.tmp-ZzZ999/"
mkdir "$TMP/k.tmp-Mine00"; echo "precious" >"$TMP/k.tmp-Mine00/notes.txt"
expect_exit "a run after a killed one: exit 0" 0 "$SOLEMATE" "${S[@]}" --out "$TMP/k"
[ ! -e "$TMP/k.tmp-AbC123" ] && [ ! -e "$TMP/k.tmp-ZzZ999" ] && ok "leftovers of killed runs removed" || notok "leftovers of killed runs removed" "$(ls -d "$TMP"/k.tmp-*)"
[ -f "$TMP/k.tmp-Mine00/notes.txt" ] && ok "a DIR.tmp-* that is not ours is kept" || notok "a DIR.tmp-* that is not ours is kept"
# a real kill -9 in the middle of a run, then the next run
for i in 1 2 3 4 5; do
  "$SOLEMATE" synth --env all --quiet --out "$TMP/k" & p=$!
  sleep 0.00$i; kill -9 $p 2>/dev/null; wait $p 2>/dev/null
done
expect_exit "after kill -9s: the next run succeeds" 0 "$SOLEMATE" "${S[@]}" --out "$TMP/k"
left=$(ls -d "$TMP"/k.tmp-* 2>/dev/null | grep -v Mine00)
[ -z "$left" ] && ok "after kill -9s: no temporary directory left" || notok "after kill -9s: no temporary directory left" "$left"
[ -f "$TMP/k/manifest.json" ] && ok "after kill -9s: the assembly is whole" || notok "after kill -9s: the assembly is whole"
# a running synth's temporary directory is not taken from under it (it holds a lock)
python3 - "$TMP/k.tmp-Live01" <<'PY' &
import fcntl, os, sys, time
os.mkdir(sys.argv[1]); fd = os.open(sys.argv[1], os.O_RDONLY)
fcntl.flock(fd, fcntl.LOCK_EX); open(sys.argv[1] + "/ready", "w").close(); time.sleep(3)
PY
lp=$!
for _ in $(seq 50); do [ -e "$TMP/k.tmp-Live01/ready" ] && break; sleep 0.05; done
rm -f "$TMP/k.tmp-Live01/ready"
"$SOLEMATE" "${S[@]}" --out "$TMP/k" >/dev/null 2>&1
[ -d "$TMP/k.tmp-Live01" ] && ok "a locked (running) DIR.tmp-* is kept" || notok "a locked (running) DIR.tmp-* is kept"
kill $lp 2>/dev/null; wait $lp 2>/dev/null
done_testing

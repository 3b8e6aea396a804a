#!/usr/bin/env bash
# slow
# check --format sarif: artifactLocation.uri is a URI reference (SARIF
# 2.1.0, 3.4.3): a relative path is relative to the base SRCROOT, which
# originalUriBaseIds defines as the working directory (file:///.../); an
# absolute path is a file:// URI; a space is %20. Each URI resolves to the
# template it names. The SARIF Multitool's validate (tests/oracle, npm
# @microsoft/sarif-multitool-linux) reports no error for either form; before
# this change it reported SARIF1002/SARIF1004 errors for absolute paths.
. tests/lib.sh

D="$TMP/with space"; mkdir -p "$D"
"$SOLEMATE" synth --env staging --out "$D/cdk.out" --quiet >/dev/null 2>&1 || { notok "synth for the SARIF test"; done_testing; exit 1; }
(cd "$D" && "$SOLEMATE" check cdk.out --format sarif > "$TMP/rel.sarif")
"$SOLEMATE" check "$D/cdk.out" --format sarif > "$TMP/abs.sarif"

python3 - "$TMP/rel.sarif" "$TMP/abs.sarif" "$D" <<'PY' && ok "SARIF URIs: relative against SRCROOT, absolute as file://, each resolving to its template" || notok "SARIF URIs"
import json, os, sys, urllib.parse
rel, ab, d = (json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), os.path.realpath(sys.argv[3]))
def check(doc, relative):
    run = doc["runs"][0]
    base = run["originalUriBaseIds"]["SRCROOT"]["uri"]
    assert base.startswith("file:///") and base.endswith("/"), base
    assert run["results"], "no results to look at"
    for r in run["results"]:
        al = r["locations"][0]["physicalLocation"]["artifactLocation"]
        uri = al["uri"]
        assert " " not in uri, uri
        if relative:
            assert al.get("uriBaseId") == "SRCROOT" and not uri.startswith(("/", "file:")), al
            full = urllib.parse.urljoin(base, uri)
        else:
            assert uri.startswith("file:///") and "uriBaseId" not in al, al
            full = uri
        path = urllib.parse.unquote(urllib.parse.urlparse(full).path)
        assert os.path.isfile(path) and os.path.realpath(path).startswith(d), (uri, path)
check(rel, True)
check(ab, False)
PY

MT=tests/oracle/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
if [ ! -f "$MT" ]; then
  if [ "${CI:-}" = true ]; then notok "SARIF Multitool missing in CI (scripts/install-deps.sh --test)"
  else skip "SARIF Multitool validate" "tests/oracle/node_modules missing (scripts/install-deps.sh --test)"; fi
else
  [ -x "$MT" ] || chmod u+x "$MT"   # npm may not run its postinstall chmod
  for f in rel abs; do
    DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 "$MT" validate "$TMP/$f.sarif" --output "$TMP/$f.check.sarif" >"$TMP/mt.out" 2>&1
    python3 - "$TMP/$f.check.sarif" <<'PY' && ok "SARIF Multitool validate: no error, no warning ($f paths)" || notok "SARIF Multitool validate ($f paths)" "$(tail -3 "$TMP/mt.out")"
import json, sys
res = json.load(open(sys.argv[1]))["runs"][0]["results"]
bad = [(r["ruleId"], r["level"]) for r in res if r.get("level") in ("error", "warning")]
assert not bad, bad
PY
  done
fi
done_testing

#!/usr/bin/env bash
# Every bad configuration in tests/fixtures/config/bad/NAME.json is refused
# with exit 2 and the messages listed in NAME.expect (one substring a line),
# and nothing is written.
. tests/lib.sh
cd tests/fixtures/config
for f in bad/*.json; do
  n=${f%.json}
  rm -rf "$TMP/out"
  "$SOLEMATE" synth --config "$f" --out "$TMP/out" >"$TMP/stdout" 2>"$TMP/stderr"; rc=$?
  missing=()
  while IFS= read -r line; do
    [ -n "$line" ] && ! grep -qF -- "$line" "$TMP/stderr" && missing+=("$line")
  done < "$n.expect"
  if [ "$rc" = 2 ] && [ ${#missing[@]} = 0 ] && [ ! -e "$TMP/out" ] && [ ! -s "$TMP/stdout" ]; then
    ok "config $(basename "$n") refused with its message"
  else
    notok "config $(basename "$n")" "exit $rc (want 2), missing: ${missing[*]:-none}" "$(head -3 "$TMP/stderr")"
  fi
  # every error line names the file
  if grep -E '(^| )error:' "$TMP/stderr" | grep -vqF "$f"; then
    notok "config $(basename "$n"): every error names the file" "$(grep error: "$TMP/stderr" | head -3)"
  fi
done
# --env with a name that has no file
cd "$OLDPWD"
expect_exit "unknown --env is bad input" 2 "$SOLEMATE" synth --env nosuchenv --out "$TMP/x"
expect_grep "unknown --env names the file" "config/nosuchenv.json: error: no configuration for environment 'nosuchenv'" "$TMP/err"
done_testing

#!/usr/bin/env bash
# options: the spellings every command accepts (one parser, parse_options.c):
# --opt=value and --opt value give the same output and exit code; -h is
# --help; -q is --quiet; --no-color is NO_COLOR; -V is --version; an
# argument after -- is left alone.
. tests/lib.sh
"$SOLEMATE" synth --env all --out "$TMP/a" --quiet
same() { # name, args with FMT=..., run both spellings
  local name=$1; shift
  local sp=() eq=() a
  for a in "$@"; do
    case $a in
      --*=*) sp+=("${a%%=*}" "${a#*=}"); eq+=("$a") ;;
      *) sp+=("$a"); eq+=("$a") ;;
    esac
  done
  "$SOLEMATE" "${sp[@]}" >"$TMP/o1" 2>&1; local r1=$?
  "$SOLEMATE" "${eq[@]}" >"$TMP/o2" 2>&1; local r2=$?
  sed -i "s#$TMP/[a-z0-9.]*##g" "$TMP/o1" "$TMP/o2"
  if [ "$r1" = "$r2" ] && [ "$r1" != 2 ] && cmp -s "$TMP/o1" "$TMP/o2"; then ok "$name: both spellings"; else notok "$name: both spellings" "exit $r1 vs $r2" "$(diff "$TMP/o1" "$TMP/o2" | head -5)" "$(head -3 "$TMP/o2")"; fi
}
same "list --env --format" list --env=staging --format=json
same "validate --format" validate --format=json "$TMP/a"
same "check --format --severity" check --format=json --severity=info "$TMP/a"
same "cost --env --format" cost --env=staging --format=json
same "reach --from --to" reach --env=production --from=internet --to=alb:443
same "graph --format" graph --env=staging --format=mermaid
same "report --format" report --env=staging --format=json
same "diff --against --format" diff --against="$TMP/a" "$TMP/a" --format=json
same "synth --format --out" synth --env=staging --format=yaml --out="$TMP/y" --quiet
for c in synth list validate check reach diff bootstrap deploy destroy cost graph report; do
  "$SOLEMATE" "$c" -h >"$TMP/h1" 2>&1; r1=$?
  "$SOLEMATE" "$c" --help >"$TMP/h2" 2>&1; r2=$?
  [ "$r1" = 0 ] && [ "$r2" = 0 ] && cmp -s "$TMP/h1" "$TMP/h2" || bad="$bad $c"
done
[ -z "${bad:-}" ] && ok "-h is --help on every command" || notok "-h is --help on every command" "$bad"
expect_exit "-V is --version" 0 "$SOLEMATE" -V
expect_grep "-V prints the version" "^solemate [0-9]" "$TMP/out"
out=$("$SOLEMATE" synth --env staging --out "$TMP/q" -q); [ $? = 0 ] && [ -z "$out" ] && ok "-q is --quiet" || notok "-q is --quiet" "$out"
# --no-color: no escape sequence even on a terminal (script(1) gives one)
if command -v script >/dev/null; then
  script -qec "env -u NO_COLOR $SOLEMATE check --env staging --severity info --no-color" /dev/null >"$TMP/tty" 2>&1
  grep -q $'\033\[' "$TMP/tty" && notok "--no-color: no escape sequences on a terminal" || ok "--no-color: no escape sequences on a terminal"
else
  skip "--no-color: no escape sequences on a terminal" "no script(1)"
fi
expect_exit "an unknown option is still refused after the split" 2 "$SOLEMATE" list --colour=always
expect_grep "it is named as written before '='" "'--colour'" "$TMP/err"
expect_exit "list --format xml is refused" 2 "$SOLEMATE" list --format xml
done_testing

#!/usr/bin/env bash
# option_table: walk every command's option table (src/cli/parse_options.h,
# read through the hidden --completion-helper) and check, option by option:
# --opt value, --opt=value (and -o value, -ovalue) reach the same option with
# the same value; a flag refuses a value; a missing value, an unknown option
# (with the closest one suggested) and an unknown choice exit 2; --help, the
# man page and the bash and fish completions list exactly the table's
# options; every man page documents the exit codes.
. tests/lib.sh
docs=$TMP/docs
scripts/gen-docs.sh "$SOLEMATE" "$docs" >/dev/null 2>&1 || notok "gen-docs.sh runs"
cmds=$("$SOLEMATE" --help | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1} on && /^$/{on=0}')
[ "$(wc -w <<<"$cmds")" -ge 14 ] && ok "the command table lists the commands" || notok "the command table lists the commands" "$cmds"

value_for() { # kind values long -> a value the option accepts
  case $3 in --account-profile) echo 123456789012=ci; return ;; esac
  case $1 in
    choice) echo "${2%% *}" ;;
    *) echo 3 ;;
  esac
}
run() { local c=$1; shift; "$SOLEMATE" "$c" --parse-only "$@" 2>&1; }

for c in $cmds; do
  "$SOLEMATE" "$c" --completion-helper >"$TMP/table" || { notok "$c: --completion-helper"; continue; }
  "$SOLEMATE" "$c" --help >"$TMP/help"
  MANWIDTH=200 man -l "$docs/man/man1/solemate-$c.1" >"$TMP/man" 2>/dev/null
  bash_opts=" $(bash -c '. "$1"; _solemate_opts "$2"' _ "$docs/completions/solemate.bash" "$c") "
  spell_bad= doc_bad= err_bad=
  while IFS=$'\t' read -r long short kind values _; do
    [ "$short" = - ] && short=
    # the documents
    grep -qE -- "^  (-., )?$long( |$)" "$TMP/help" || doc_bad+=" help:$long"
    awk '/^OPTIONS/{on=1} /^EXIT STATUS/{on=0} on' "$TMP/man" | grep -qE -- "^ +(-., )?$long( |$)" || doc_bad+=" man:$long"
    [[ $bash_opts == *" $long "* ]] || doc_bad+=" bash:$long"
    grep -q -- "__fish_seen_subcommand_from $c' -l ${long#--}\( \|$\)" "$docs/completions/solemate.fish" || doc_bad+=" fish:$long"
    case $long in --help | --completion-helper) continue ;; esac
    if [ "$kind" = flag ]; then
      [ "$(run "$c" "$long")" = "$long" ] || spell_bad+=" $long"
      [ -n "$short" ] && { [ "$(run "$c" "$short")" = "$long" ] || spell_bad+=" $short"; }
      "$SOLEMATE" "$c" --parse-only "$long=x" >/dev/null 2>&1
      [ $? = 2 ] || err_bad+=" $long=x"
      continue
    fi
    v=$(value_for "$kind" "$values" "$long")
    a=$(run "$c" "$long" "$v") b=$(run "$c" "$long=$v")
    { [ "$a" = "$long=$v" ] && [ "$a" = "$b" ]; } || spell_bad+=" $long"
    if [ -n "$short" ]; then
      { [ "$(run "$c" "$short" "$v")" = "$long=$v" ] && [ "$(run "$c" "$short$v")" = "$long=$v" ]; } || spell_bad+=" $short"
    fi
    "$SOLEMATE" "$c" "$long" >"$TMP/o" 2>"$TMP/e"
    { [ $? = 2 ] && grep -q "option '$long': needs a value" "$TMP/e"; } || err_bad+=" $long(no value)"
    if [ "$kind" = choice ]; then
      "$SOLEMATE" "$c" "$long=${v}x" >/dev/null 2>"$TMP/e"
      { [ $? = 2 ] && grep -q "did you mean '$v'" "$TMP/e"; } || err_bad+=" $long=${v}x"
    fi
    # a typo (the last two letters swapped) is refused, and the option suggested
    t=${long%??}${long: -1}${long: -2:1}
    if [ ${#long} -ge 7 ] && [ "$t" != "$long" ] && ! grep -q -- "^$t	" "$TMP/table"; then
      "$SOLEMATE" "$c" "$t" >/dev/null 2>"$TMP/e"
      { [ $? = 2 ] && grep -q "unknown option '$t'; did you mean '$long'?" "$TMP/e"; } || err_bad+=" $t"
    fi
  done <"$TMP/table"
  # and nothing in --help's option lines that the table lacks
  for o in $(grep -oE -- '^  (-., )?--[a-z][a-z0-9-]*' "$TMP/help" | grep -oE -- '--[a-z][a-z0-9-]*'); do
    grep -q -- "^$o	" "$TMP/table" || doc_bad+=" extra:$o"
  done
  [ -z "$spell_bad" ] && ok "$c: each option in both spellings" || notok "$c: each option in both spellings" "$spell_bad"
  [ -z "$doc_bad" ] && ok "$c: --help, man page, bash and fish list the table's options" || notok "$c: --help, man page, bash and fish list the table's options" "$doc_bad"
  [ -z "$err_bad" ] && ok "$c: missing values, flags with values, unknown choices and typos exit 2" || notok "$c: missing values, flags with values, unknown choices and typos exit 2" "$err_bad"
  grep -q '^EXIT STATUS' "$TMP/man" && grep -A3 '^EXIT STATUS' "$TMP/man" | grep -q ' 0 ' && grep -A6 '^EXIT STATUS' "$TMP/man" | grep -qE '(^| )2( |,|$)' \
    && ok "$c: the man page documents the exit codes" || notok "$c: the man page documents the exit codes" "$(grep -A4 '^EXIT STATUS' "$TMP/man")"
  "$SOLEMATE" "$c" --no-such-option >/dev/null 2>"$TMP/e"
  [ $? = 2 ] && grep -q "unknown option '--no-such-option'" "$TMP/e" || err2+=" $c"
  "$SOLEMATE" "$c" -v --help >/dev/null 2>&1 && "$SOLEMATE" "$c" --verbose --help >/dev/null 2>&1 || verb+=" $c"
done
[ -z "${err2:-}" ] && ok "an unknown option exits 2 on every command" || notok "an unknown option exits 2 on every command" "$err2"
[ -z "${verb:-}" ] && ok "-v/--verbose on every command" || notok "-v/--verbose on every command" "$verb"

# operands: refused where a command takes none; kept in order; -- ends the options
expect_exit "list takes no operand" 2 "$SOLEMATE" list staging
expect_grep "and says so" "unexpected argument 'staging'" "$TMP/err"
[ "$(run check a --format json -- --b)" = $'--format=json\noperand=a\noperand=--b' ] && ok "operands in order, -- ends the options" || notok "operands in order, -- ends the options" "$(run check a --format json -- --b)"
[ "$(run deploy -yq --env=s)" = $'--yes\n--quiet\n--env=s' ] && ok "clustered short flags" || notok "clustered short flags" "$(run deploy -yq --env=s)"
expect_exit "--concurrency out of range" 2 "$SOLEMATE" deploy --env staging --concurrency 99
expect_grep "names the range" "from 1 to 32, not '99'" "$TMP/err"
expect_exit "an empty --env" 2 "$SOLEMATE" check --env=
expect_exit "a single-dash long option" 2 "$SOLEMATE" check -format json
expect_grep "is pointed to its spelling" "did you mean '--format'" "$TMP/err"

# did-you-mean for names: environments and stacks (before any AWS call)
expect_exit "a mistyped environment" 2 "$SOLEMATE" list --env stagign
expect_grep "the environment is suggested" "did you mean 'staging'" "$TMP/err"
# a certificate ARN of ACM's shape, so that deploy gets past its certificate check to the plan
cert=arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012
for c in deploy destroy; do
  expect_exit "$c: a mistyped stack name" 2 "$SOLEMATE" "$c" --env staging --set certificateArn=$cert --stack SolemateStagingNetwrk --yes
  expect_grep "$c: the stack is suggested" "did you mean 'SolemateStagingNetwork'" "$TMP/err"
done
done_testing

#!/usr/bin/env bash
# install: make install into a scratch prefix and make uninstall; the
# installed binary outside the source tree (its data and the example configs
# found beside it, the README's examples); a lone binary says where it looked;
# help CMD, man pages and completions list the same options as --help; the
# Debian package (lintian clean of errors) extracted into a scratch root.
. tests/lib.sh
BUILD=${BUILD:-build}
src=$PWD
shopt -s extglob
# every example of the README (its indented build/solemate lines and its
# `solemate ...` spans without placeholders) run with binary $1 in a scratch
# directory outside the source tree; each must give the exit status it gives
# in the source tree, and 0 or 1 (never 2, bad usage or input). The commands
# that talk to AWS are tested against moto elsewhere (deploy_moto.sh).
readme_examples() { # BIN LABEL
  local bin=$1 label=$2 dir=$TMP/readme-$2 ref=$TMP/readme-ref n=0 bad=
  mkdir -p "$dir" "$ref"
  python3 - "$src/README.md" >"$TMP/examples" <<'PY'
import re, sys
doc = open(sys.argv[1]).read()
for line in doc.splitlines():
    m = re.match(r"^    .*?(build/solemate .*)$", line)
    if m:
        print(re.sub(r"\s+#.*$", "", m.group(1)).strip().replace("build/solemate", "solemate", 1))
for m in re.finditer(r"`(solemate [^`]+)`", doc):
    if not re.search(r"\b[A-Z]{2,}\b|\.\.\.|[\[|<]", m.group(1)):
        print(m.group(1))
PY
  while IFS= read -r cmd; do
    case "$cmd" in "solemate "@(diff --env|deploy|destroy|bootstrap|failover|preflight|whoami)*) continue ;; esac
    n=$((n + 1))
    (cd "$dir" && bash -c "${cmd/solemate/\"\$0\"}" "$bin") >/dev/null 2>"$TMP/ex.err"; local got=$?
    (cd "$ref" && SOLEMATE_CONFIG_DIR=$src/config bash -c "${cmd/solemate/\"\$0\"}" "$src/$BUILD/solemate") >/dev/null 2>&1; local want=$?
    if [ "$got" != "$want" ] || [ "$got" -gt 1 ]; then bad="$bad [$cmd: exit $got, in the source tree $want: $(head -2 "$TMP/ex.err" | tr '\n' ' ')]"; fi
  done < "$TMP/examples"
  if [ -z "$bad" ] && [ "$n" -ge 10 ]; then ok "$label: the README's $n examples work outside the source tree"
  else notok "$label: the README's examples outside the source tree ($n run)" "$bad"; fi
}

prefix=$TMP/prefix
if make -s install BUILD="$BUILD" PREFIX="$prefix" >"$TMP/install.log" 2>&1; then ok "make install PREFIX=scratch"; else notok "make install PREFIX=scratch" "$(tail -5 "$TMP/install.log")"; fi
sm=$prefix/bin/solemate
for f in bin/solemate share/solemate/cfn-schema.txt share/solemate/slas.json share/solemate/prices/us-east-1.json \
  share/solemate/config/production.json share/man/man1/solemate.1 share/man/man1/solemate-deploy.1 \
  share/bash-completion/completions/solemate share/zsh/vendor-completions/_solemate \
  share/fish/vendor_completions.d/solemate.fish; do
  [ -f "$prefix/$f" ] || missing="$missing $f"
done
[ -z "${missing:-}" ] && ok "installed: binary, data, example configs, man pages, completions" || notok "installed: binary, data, example configs, man pages, completions" "missing:$missing"

# outside the source tree: the README's examples
mkdir -p "$TMP/work/sub" && cd "$TMP/work/sub" || exit 1
unset SOLEMATE_DATA SOLEMATE_CONFIG_DIR
expect_exit "installed: --version" 0 "$sm" --version
expect_exit "installed: synth --env production --out cdk.out" 0 "$sm" synth --env production --out cdk.out --quiet
[ -f cdk.out/manifest.json ] && ok "installed: the assembly is written" || notok "installed: the assembly is written"
expect_exit "installed: validate cdk.out" 0 "$sm" validate cdk.out
want=$(cd "$src" && "$src/$BUILD/solemate" check --env all --format json >/dev/null 2>&1; echo $?)
expect_exit "installed: check --env all as in the source tree" "$want" "$sm" check --env all --format sarif
expect_exit "installed: list --env all" 0 "$sm" list --env all
want=$(cd "$src" && "$src/$BUILD/solemate" cost --env production >/dev/null 2>&1; echo $?)
expect_exit "installed: cost --env production (prices found)" "$want" "$sm" cost --env production
expect_exit "installed: reach --env production" 1 "$sm" reach --env production --from internet --to database:5432
expect_exit "installed: graph to mermaid" 0 "$sm" graph --env production --format mermaid --out prod.mmd
want=$(cd "$src" && "$src/$BUILD/solemate" report --env production --out "$TMP/r.html" >/dev/null 2>&1; echo $?)
expect_exit "installed: report --env production" "$want" "$sm" report --env production --out report.html
readme_examples "$sm" "installed"

# a project's own config/ is found from any directory inside it
mkdir -p "$TMP/proj/config" "$TMP/proj/a/b"
sed 's/"vpcCidr": "[^"]*"/"vpcCidr": "10.42.0.0\/16"/' "$src/config/staging.json" >"$TMP/proj/config/staging.json"
(cd "$TMP/proj/a/b" && "$sm" synth --env staging --out out --quiet) && grep -q 10.42.0.0/16 "$TMP/proj/a/b/out/"*Network*.template.json \
  && ok "config/ found by walking up from a subdirectory" || notok "config/ found by walking up from a subdirectory"
(cd "$TMP/work" && SOLEMATE_CONFIG_DIR=$TMP/proj/config "$sm" synth --env staging --out out2 --quiet) && grep -q 10.42.0.0/16 "$TMP/work/out2/"*Network*.template.json \
  && ok "SOLEMATE_CONFIG_DIR names the configs" || notok "SOLEMATE_CONFIG_DIR names the configs"
expect_exit "a misspelt environment: exit 2" 2 "$sm" synth --env prodution --out x
expect_grep "a misspelt environment: did you mean" "did you mean 'production'" "$TMP/err"

# a lone binary says where it looked; SOLEMATE_DATA rescues it
mkdir -p "$TMP/lone/bin" && cp "$sm" "$TMP/lone/bin/"
expect_exit "a lone binary without data: exit 2" 2 "$TMP/lone/bin/solemate" validate cdk.out
expect_grep "it names the places it searched" "searched in: $TMP/lone/share/solemate, .*SOLEMATE_DATA|searched in: $TMP/lone/share/solemate" "$TMP/err"
expect_exit "SOLEMATE_DATA names the data" 0 env SOLEMATE_DATA="$prefix/share/solemate" "$TMP/lone/bin/solemate" validate cdk.out

# help CMD, man pages and completions agree with --help
cmds=$("$sm" --help | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1} on && /^$/{on=0}')
bad=
for c in $cmds; do
  "$sm" help "$c" >"$TMP/h1"; "$sm" "$c" --help >"$TMP/h2"
  cmp -s "$TMP/h1" "$TMP/h2" || bad="$bad help:$c"
  help_opts=$(grep -oE -- '(^|[ [|(])--[a-z][a-z0-9-]*' "$TMP/h2" | sed 's/^[ [|(]//' | sort -u | tr '\n' ' ')
  man_opts=$(MANWIDTH=200 man -l "$prefix/share/man/man1/solemate-$c.1" 2>/dev/null | grep -oE -- '(^|[ [|(])--[a-z][a-z0-9-]*' | sed 's/^[ [|(]//' | sort -u | tr '\n' ' ')
  [ "$help_opts" = "$man_opts" ] || bad="$bad man:$c"
  comp_opts=$(bash -c '. "$1"; _solemate_opts "$2"' _ "$prefix/share/bash-completion/completions/solemate" "$c" | tr ' ' '\n' | grep . | sort -u | tr '\n' ' ')
  [ "$help_opts" = "$comp_opts" ] || bad="$bad completion:$c"
  fish_opts=$(grep -oE "__fish_seen_subcommand_from $c' -l [a-z0-9-]+" "$prefix/share/fish/vendor_completions.d/solemate.fish" | awk '{print "--" $NF}' | sort -u | tr '\n' ' ')
  [ "$help_opts" = "$fish_opts" ] || bad="$bad fish:$c"
done
[ -z "$bad" ] && ok "help CMD, man page and bash/fish completion list --help's options, every command" || notok "help CMD, man page and bash/fish completion list --help's options, every command" "$bad"
# bash completion in action: commands, environments, stacks
comp() { (cd "$TMP/work/sub" && bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _solemate; printf "%s\n" "${COMPREPLY[@]}"' _ "$prefix/share/bash-completion/completions/solemate" "$@"); }
PATH=$prefix/bin:$PATH
[ "$(comp solemate dep)" = deploy ] && ok "completion: commands" || notok "completion: commands" "$(comp solemate dep)"
(cd "$TMP/proj/a" && bash -c '. "$1"; COMP_WORDS=(solemate synth --env st); COMP_CWORD=3; _solemate; printf "%s\n" "${COMPREPLY[@]}"' _ "$prefix/share/bash-completion/completions/solemate") | grep -qx staging \
  && ok "completion: environment names from the project's config/" || notok "completion: environment names from the project's config/"
comp solemate deploy --stack SolemateProductionNet | grep -qx SolemateProductionNetwork && ok "completion: stack names" || notok "completion: stack names" "$(comp solemate deploy --stack SolemateProductionNet)"
cd "$src" || exit 1
if command -v zsh >/dev/null; then zsh -n "$prefix/share/zsh/vendor-completions/_solemate" && ok "zsh completion parses" || notok "zsh completion parses"; else skip "zsh completion parses" "zsh not installed"; fi
if command -v fish >/dev/null; then fish -n "$prefix/share/fish/vendor_completions.d/solemate.fish" && ok "fish completion parses" || notok "fish completion parses"; else skip "fish completion parses" "fish not installed"; fi
for f in "$prefix"/share/man/man1/*.1; do w=$(groff -man -ww -z "$f" 2>&1); [ -z "$w" ] || badman="$badman $(basename "$f"): $w"; done
[ -z "${badman:-}" ] && ok "man pages format without warnings" || notok "man pages format without warnings" "$badman"

if make -s uninstall BUILD="$BUILD" PREFIX="$prefix" >/dev/null 2>&1 && [ -z "$(find "$prefix" -type f)" ]; then ok "make uninstall removes every file"; else notok "make uninstall removes every file" "$(find "$prefix" -type f | head)"; fi
rm -rf "$prefix"
if make -s install BUILD="$BUILD" PREFIX=/usr DESTDIR="$TMP/destdir" >/dev/null 2>&1 && [ -x "$TMP/destdir/usr/bin/solemate" ] && [ ! -e /usr/share/solemate/.solemate-test ]; then ok "DESTDIR stages under a root"; else notok "DESTDIR stages under a root"; fi

# the Debian package
if deb=$(make -s deb BUILD="$BUILD" 2>"$TMP/deb.err" | tail -1) && [ -f "$deb" ]; then
  ok "make deb builds $(basename "$deb")"
  if command -v lintian >/dev/null; then
    lintian --fail-on error "$deb" >"$TMP/lintian" 2>&1 && ok "lintian: no error" || notok "lintian: no error" "$(grep '^E:' "$TMP/lintian" | head -5)"
  else
    skip "lintian: no error" "lintian not installed"
  fi
  dpkg-deb -f "$deb" Depends | grep -q libcurl4 && ok "the package depends on the libraries loaded at run time" || notok "the package depends on the libraries loaded at run time" "$(dpkg-deb -f "$deb" Depends)"
  dpkg -x "$deb" "$TMP/debroot"
  mkdir -p "$TMP/debwork" && cd "$TMP/debwork" || exit 1
  expect_exit "from the .deb: --version" 0 "$TMP/debroot/usr/bin/solemate" --version
  expect_exit "from the .deb: synth" 0 "$TMP/debroot/usr/bin/solemate" synth --env staging --out cdk.out --quiet
  expect_exit "from the .deb: validate" 0 "$TMP/debroot/usr/bin/solemate" validate cdk.out
  want=$(cd "$src" && "$src/$BUILD/solemate" check --env staging >/dev/null 2>&1; echo $?)
  expect_exit "from the .deb: check" "$want" "$TMP/debroot/usr/bin/solemate" check cdk.out
  readme_examples "$TMP/debroot/usr/bin/solemate" "from the .deb"
  cd "$src" || exit 1
else
  notok "make deb builds a package" "$(tail -5 "$TMP/deb.err")"
fi
done_testing

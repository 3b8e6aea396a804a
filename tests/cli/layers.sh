#!/usr/bin/env bash
# layers: every #include respects the layers of docs/architecture.md; the
# crossings that exist are listed below as debt and may only go away; no C
# file grows past 1,000 lines beyond the files listed as debt.
. tests/lib.sh

# layer of a path or an include ("analysis/assembly.h" -> analysis)
layer() {
  case $1 in
    src/base/*|base/*) echo base ;;
    src/engine/*|engine/*) echo engine ;;
    src/constructs/*|constructs/*) echo constructs ;;
    infrastructure/lib/*|lib/*) echo app ;;
    src/analysis/*|analysis/*) echo analysis ;;
    src/aws/*|aws/*) echo aws ;;
    src/lifecycle/*|lifecycle/*) echo lifecycle ;;
    src/cli/*|cli/*) echo cli ;;
    *) echo other ;;
  esac
}
# what each layer may include (besides itself)
allowed() {
  case $1 in
    base) echo "" ;;
    engine) echo "base" ;;
    constructs) echo "base engine" ;;
    app) echo "base engine constructs" ;;
    analysis) echo "base" ;;
    aws) echo "base" ;;
    lifecycle) echo "base aws analysis" ;;
    cli) echo "base engine constructs app analysis aws lifecycle" ;;
  esac
}
# debt (issue 17): crossings that exist; remove a line when its crossing goes
debt=""

bad= seen=
while IFS=: read -r file inc; do
  from=$(layer "$file") to=$(layer "$inc")
  [ "$to" = other ] || [ "$from" = "$to" ] && continue
  case " $(allowed "$from") " in *" $to "*) continue ;; esac
  if grep -qxF "$file:$inc" <<<"$debt"; then seen="$seen
$file:$inc"; continue; fi
  bad="$bad $file->$inc"
done < <(grep -rHo '^#include "[^"]*"' src infrastructure/lib | sed 's/#include "\(.*\)"/\1/')
[ -z "$bad" ] && ok "no #include crosses a layer beyond the listed debt" || notok "no #include crosses a layer beyond the listed debt" "$bad" "see docs/architecture.md"
gone=$(comm -23 <(sort <<<"$debt") <(sort -u <<<"${seen#
}"))
[ -z "$gone" ] && ok "every listed crossing still exists (remove the ones that went)" || notok "every listed crossing still exists (remove the ones that went)" "$gone"

# no C file over 1,000 lines, beyond these (to be split along their seams)
long_debt=""
long=
for f in $(git ls-files 'src/*.c' 'infrastructure/*.c' 2>/dev/null || find src infrastructure -name '*.c'); do
  n=$(wc -l <"$f")
  [ "$n" -gt 1000 ] || continue
  case " $long_debt " in *" $f "*) continue ;; esac
  long="$long $f($n)"
done
[ -z "$long" ] && ok "no C file over 1,000 lines beyond the listed ones" || notok "no C file over 1,000 lines beyond the listed ones" "$long"
# every header of the library states its contract in a comment before the guard
nocomment=
for h in src/*/*.h infrastructure/lib/*.h; do
  head -1 "$h" | grep -q '^/\*' || nocomment="$nocomment $h"
done
[ -z "$nocomment" ] && ok "every header opens with a comment saying what it is" || notok "every header opens with a comment saying what it is" "$nocomment"
done_testing

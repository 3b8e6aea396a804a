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
# one assembly layer (issue 17): one definition each, the copies gone
defs() { # pattern: the files of src/ and infrastructure/lib that match it (a definition: the
  # line ends with its closing parenthesis, a prototype with a semicolon)
  grep -rlE "$1" src infrastructure/lib --include='*.[ch]' | sort | tr '\n' ' ' | sed 's/ $//'
}
same() { # name, got, want
  [ "$2" = "$3" ] && ok "$1" || notok "$1" "found in: $2" "expected only: $3"
}
same "one resolver: sm_resolve defined once (src/analysis/refs.c)" \
  "$(defs '^struct sm_rref sm_resolve\(.*\)$')" "src/analysis/refs.c"
same "one reference type: struct sm_rref, no private struct rref" \
  "$(defs 'struct (sm_)?rref \{')" "src/analysis/refs.h"
same "imports are followed only by the resolver (and the index that answers it)" \
  "$(defs 'sm_assembly_export\(')" "src/analysis/assembly.c src/analysis/assembly.h src/analysis/refs.c"
same "cross-region parameters are read only by the resolver" \
  "$(defs 'Output %[0-9]+s of stack')" "src/analysis/refs.c"
same "one resource iterator: sm_resource_iter_next defined once" \
  "$(defs '^bool sm_resource_iter_next\(.*\)$')" "src/analysis/refs.c"
same "no analysis walks every template's Resources by hand (sm_foreach_resource)" \
  "$(grep -rlzE 'for \(size_t [a-z]+ = 0; [a-z]+ < [a-z>-]+nr; [a-z]+\+\+\) \{[^}]*json_object_foreach \(json_object_get\([a-z>-]+items\[[a-z]+\]\.tmpl, "Resources"\)' src/analysis src/lifecycle | sort | tr '\n' ' ' | sed 's/ $//')" ""
same "one IPv4 CIDR parser: cidr_parse defined once (src/base/cidr.c)" \
  "$(defs '^int cidr_parse\(.*\)$')" "src/base/cidr.c"
same "no other CIDR or address parsing (sscanf of dotted quads, inet_addr, inet_aton)" \
  "$(defs 'sscanf\([^;]*%u\.%u|inet_addr\(|inet_aton\(|inet_pton\(AF_INET, [^;]*cidr')" ""
same "one stateful predicate: cfn_schema_is_stateful defined once (the schema's isStateful)" \
  "$(defs '^bool cfn_schema_is_stateful\(.*\)$')" "src/analysis/schema.c"
# no hand list of stateful types next to the schema's predicate (SM-RES-001 uses it too)
same "no hand-written list of stateful types" \
  "$(grep -rlzE '"AWS::RDS::DBCluster",[^;]*"AWS::KMS::Key"' src | sort | tr '\n' ' ' | sed 's/ $//')" ""
same "one header of CloudFormation limits (src/base/cfn_limits.h)" \
  "$(defs '#define [A-Z_]+ (500|200|255|51200|1048576)$|#define CFN_MAX_(RESOURCES|PARAMETERS|OUTPUTS|MAPPINGS|LOGICAL_ID|TEMPLATE_BYTES|INLINE_TEMPLATE_BYTES) ')" "src/base/cfn_limits.h"
same "no CloudFormation limit written as a number outside it" \
  "$(defs '\b(51200|1048576)\b|\{"(Resources|Parameters|Outputs|Mappings)", [0-9]+\}')" "src/base/cfn_limits.h"
# banned.h through one common header (issue 17): every C file includes
# base/common.h, and nothing else includes banned.h
same "every C file of the library and the command includes base/common.h" \
  "$(grep -L '^#include "base/common.h"' src/*/*.c infrastructure/lib/*.c | tr '\n' ' ' | sed 's/ $//')" ""
same "banned.h is included by base/common.h only" "$(defs '^#include "base/banned.h"')" "src/base/common.h"
done_testing

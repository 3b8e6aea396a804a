#!/usr/bin/env bash
# Source checks in the spirit of curl's checksrc and git's banned.h: functions
# that are too easy to misuse, and library code that prints or exits (only
# the command layer, src/cli/, may).
set -u
cd "$(dirname "$0")/.."
rc=0
lib=$(find src/base src/engine src/constructs src/analysis src/aws infrastructure/lib -name '*.c' 2>/dev/null)
all="$lib $(ls src/cli/*.c)"
banned='\b(strcpy|strcat|strncpy|sprintf|vsprintf|strtok|gets|atoi|atol)\s*\('
if grep -nE "$banned" $all; then
  echo "checksrc: banned function (use strbuf, xstrfmt, snprintf, strtol)" >&2; rc=1
fi
if grep -nE '\bexit\s*\(' $lib; then
  echo "checksrc: library code must not exit; return an error" >&2; rc=1
fi
if grep -nE '\b(fprintf|fputs)\s*\(\s*stderr' $lib | grep -v 'xalloc.c'; then
  echo "checksrc: library code must not print to stderr; fill a diag_list" >&2; rc=1
fi
[ $rc = 0 ] && echo "checksrc: ok"
exit $rc

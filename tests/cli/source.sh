#!/usr/bin/env bash
# The source itself: banned functions, library code that prints or exits.
. tests/lib.sh
if scripts/checksrc.sh >"$TMP/out" 2>&1; then ok "checksrc"; else notok "checksrc" "$(head -10 "$TMP/out")"; fi
done_testing

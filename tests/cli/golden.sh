#!/usr/bin/env bash
# golden: the synthesized assembly of every shipped config, byte for byte
# against tests/golden/ (regenerate with `make golden`, review the diff).
. tests/lib.sh

for fmt in json yaml; do
  "$SOLEMATE" synth --env all --format "$fmt" --out "$TMP/$fmt" --quiet
  if [ ! -d "tests/golden/$fmt" ]; then
    notok "golden $fmt assembly exists" "run make golden"
    continue
  fi
  if d=$(diff -r "tests/golden/$fmt" "$TMP/$fmt"); then
    ok "synth --env all --format $fmt is byte-identical to tests/golden/$fmt"
  else
    notok "synth --env all --format $fmt is byte-identical to tests/golden/$fmt" \
      "$(printf '%s\n' "$d" | head -20)" "intended? run make golden and review git diff tests/golden"
  fi
done
# the golden set is every shipped config's stacks, nothing more or less
want=$("$SOLEMATE" list --env all | awk 'NR>1{print $1}' | sort)
have=$(ls tests/golden/json | sed -n 's/\.template\.json$//p' | sort)
if [ "$want" = "$have" ]; then ok "golden holds every stack of every shipped config"; else notok "golden holds every stack of every shipped config" "$(diff <(echo "$want") <(echo "$have"))"; fi
done_testing

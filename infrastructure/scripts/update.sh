#!/usr/bin/env bash
# Daily update of a deployed environment:
#   infrastructure/scripts/update.sh production [--yes] [--allow-data-loss] ...
# 1. validate and check, 2. show the diff against the deployed stacks,
# 3. deploy (each change set is shown again, with CloudFormation's own
#    answer on replacement, and approved before it runs).
source "$(dirname "$0")/common.sh"

echo "== validate and check ($env_name)"
"$SOLEMATE" validate --env "$env_name"
"$SOLEMATE" check --env "$env_name" --severity error \
  --baseline "$(dirname "$0")/../check-baseline.txt"

aws_opts=()
for ((i = 1; i <= $#; i++)); do
  case "${!i}" in
    --profile|--region|--endpoint-url) j=$((i + 1)); aws_opts+=("${!i}" "${!j}") ;;
    --profile=*|--region=*|--endpoint-url=*) aws_opts+=("${!i}") ;;
  esac
done

echo "== diff against the deployed stacks ($env_name)"
rc=0
"$SOLEMATE" diff --env "$env_name" --fail "${aws_opts[@]+"${aws_opts[@]}"}" || rc=$?
# 0 no differences, 1 differences: deploy them; anything else (2: bad input,
# credentials, a failed AWS call) is trouble, and nothing is deployed
if [ $rc = 0 ]; then
  echo "no differences: nothing to deploy"
  exit 0
elif [ $rc != 1 ]; then
  echo "$(basename "$0"): diff failed (exit $rc): nothing deployed" >&2
  exit $rc
fi
echo "== deploy ($env_name)"
exec "$SOLEMATE" deploy --env "$env_name" "$@"

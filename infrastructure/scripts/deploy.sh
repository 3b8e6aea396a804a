#!/usr/bin/env bash
# First deploy (or any deploy) of an environment:
#   infrastructure/scripts/deploy.sh staging [--yes] [--endpoint-url URL] ...
# 1. validate and check the templates (stops on a schema error or an
#    unsuppressed security finding), 2. bootstrap the region (idempotent),
# 3. deploy every stack. Extra options go to bootstrap and deploy.
source "$(dirname "$0")/common.sh"

echo "== validate and check ($env_name)"
"$SOLEMATE" validate --env "$env_name"
"$SOLEMATE" check --env "$env_name" --severity error \
  --baseline "$(dirname "$0")/../check-baseline.txt"

aws_opts=() deploy_opts=()
while [ $# -gt 0 ]; do
  case "$1" in
    --profile|--region|--endpoint-url) aws_opts+=("$1" "$2"); shift 2 ;;
    --profile=*|--region=*|--endpoint-url=*) aws_opts+=("$1"); shift ;;
    --yes|-y) aws_opts+=("$1"); shift ;;
    *) deploy_opts+=("$1"); shift ;;
  esac
done

echo "== bootstrap ($env_name)"
"$SOLEMATE" bootstrap --env "$env_name" "${aws_opts[@]+"${aws_opts[@]}"}"
echo "== deploy ($env_name)"
exec "$SOLEMATE" deploy --env "$env_name" "${aws_opts[@]+"${aws_opts[@]}"}" "${deploy_opts[@]+"${deploy_opts[@]}"}"

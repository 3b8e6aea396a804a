#!/usr/bin/env bash
# Delete an environment's stacks:
#   infrastructure/scripts/destroy.sh staging [--yes] [--force] ...
# solemate asks for the environment's name to be typed (unless --yes),
# refuses production unless --force, and lists what CloudFormation kept
# (retained buckets, final database snapshots) at the end.
source "$(dirname "$0")/common.sh"

echo "== destroy ($env_name)"
exec "$SOLEMATE" destroy --env "$env_name" "$@"

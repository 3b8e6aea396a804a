# Shared by deploy.sh, update.sh and destroy.sh: find (or build) solemate,
# check the environment name. Sourced, not run.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
SOLEMATE=${SOLEMATE:-$root/build/solemate}

usage_env() {
  echo "usage: $(basename "$0") ENVIRONMENT [solemate options...]" >&2
  echo "  ENVIRONMENT: one of: $(cd config && ls *.json | grep -v '^schema.json$' | sed 's/\.json$//' | tr '\n' ' ')" >&2
  exit 2
}

[ $# -ge 1 ] || usage_env
case "$1" in -h|--help) usage_env ;; esac
env_name=$1
shift
[ -f "config/$env_name.json" ] || { echo "$(basename "$0"): no config/$env_name.json" >&2; usage_env; }

if [ ! -x "$SOLEMATE" ]; then
  echo "== building solemate"
  make -s -j"$(nproc)" "$SOLEMATE" >/dev/null
fi

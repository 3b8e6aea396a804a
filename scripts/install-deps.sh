#!/usr/bin/env bash
# Installs what solemate needs to build and test, idempotently.
#   scripts/install-deps.sh          build dependencies (Debian packages)
#   scripts/install-deps.sh --test   also the test oracles and checkers: clang,
#                                    clang-format and clang-tidy (14), cppcheck, valgrind,
#                                    cfn-lint, moto, the AWS CDK CLI, cdk-nag,
#                                    the JUnit schemas, cmark-gfm
# As root it installs; otherwise it prints the command to run and fails.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

pkgs=(build-essential pkg-config libjansson-dev libyaml-dev libcurl4-openssl-dev
      libxml2-dev libssl-dev zlib1g-dev graphviz)
if [ $want_test = 1 ]; then
  pkgs+=(clang libclang-rt-14-dev clang-format clang-tidy cppcheck valgrind hyperfine python3 python3-pip nodejs npm libxml2-utils chromium cmark-gfm
         curl openssl lintian dpkg-dev man-db groff-base zsh fish)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Debian's nodejs/npm are only needed when no node is on PATH already.
if command -v node >/dev/null && command -v npm >/dev/null; then
  tmp=(); for p in "${missing[@]}"; do [ "$p" = nodejs ] || [ "$p" = npm ] || tmp+=("$p"); done
  missing=("${tmp[@]+"${tmp[@]}"}")
fi
if command -v python3 >/dev/null; then
  tmp=(); for p in "${missing[@]+"${missing[@]}"}"; do [ "$p" = python3 ] || [ "$p" = python3-pip ] || tmp+=("$p"); done
  missing=("${tmp[@]+"${tmp[@]}"}")
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-deps: missing packages: ${missing[*]}" >&2
    echo "run: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ $want_test = 1 ]; then
  # Python oracles: cfn-lint and moto (with its server); PyPI may be out of
  # reach, so only try when they are missing.
  # moto.server needs flask and werkzeug: import it, not just moto.
  for mod in cfnlint moto.server boto3; do
    if ! python3 -c "import $mod" 2>/dev/null; then
      case $mod in
        moto.server) spec='moto[server]' ;; cfnlint) spec='cfn-lint' ;; *) spec=$mod ;;
      esac
      # Debian 12 marks its Python externally managed (PEP 668)
      python3 -m pip install -q "$spec" 2>/dev/null ||
        python3 -m pip install -q --break-system-packages "$spec" ||
        echo "install-deps: could not install $spec (tests that need it will say so)" >&2
    fi
  done
  # npm oracles, pinned in tests/oracle/package.json.
  if [ ! -d tests/oracle/node_modules/aws-cdk-lib ] || [ ! -d tests/oracle/node_modules/aws-cdk ] ||
     [ ! -d tests/oracle/node_modules/@microsoft/sarif-multitool-linux ] ||
     [ ! -d tests/oracle/node_modules/mocha-junit-reporter ]; then
    (cd tests/oracle && npm install --no-audit --no-fund --loglevel=error)
  fi
fi
echo "install-deps: ok"

#!/usr/bin/env bash
# Installs Microsoft's SARIF validator (the npm package @microsoft/sarif-multitool-linux, which
# ships the self-contained Sarif.Multitool binary, ~104 MB) into a cache OUTSIDE the project:
# it is never a dependency of composemod. test/check/sarif-validate.test.ts runs it on the
# SARIF `composemod check` writes and skips with a message when it is absent.
#
#   scripts/sarif-validator.sh          install (once) and print the binary's path
#   scripts/sarif-validator.sh --print  print the path of what is already there (no network)
#
# Cache: $COMPOSEMOD_SARIF_DIR, else ${XDG_CACHE_HOME:-$HOME/.cache}/composemod/sarif-multitool.
set -euo pipefail
version=5.7.0
dir=${COMPOSEMOD_SARIF_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/composemod/sarif-multitool}
bin="$dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"

if [ "${1:-}" = "--print" ]; then
  if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
  echo "no SARIF validator in $dir" >&2
  exit 1
fi
if [ ! -x "$bin" ]; then
  mkdir -p "$dir"
  # its own package.json, so npm installs into $dir and never walks up into a project
  [ -f "$dir/package.json" ] || echo '{"name":"composemod-sarif-validator","private":true}' >"$dir/package.json"
  if ! npm install --silent --no-audit --no-fund --prefix "$dir" "@microsoft/sarif-multitool-linux@$version" >&2; then
    echo "SARIF validator: could not be installed (npm registry unreachable?); the SARIF validation test will skip" >&2
    exit 1
  fi
  chmod +x "$bin" 2>/dev/null || true
fi
# a smoke run: the binary starts (it needs no ICU in invariant mode)
if ! DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 "$bin" --version >/dev/null 2>&1; then
  echo "SARIF validator: $bin does not run here; the SARIF validation test will skip" >&2
  exit 1
fi
echo "$bin"

#!/usr/bin/env bash
# Builds the web app when it exists (npm packages come from the npm registry, pinned by
# package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/../web"
[[ -f package.json ]] || exit 0
if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
case "${1:-build}" in
  build) npm run --silent build ;;
  test) npm run --silent test ;;
esac

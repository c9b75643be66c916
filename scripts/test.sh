#!/usr/bin/env bash
# Installs everything the tests need (Python packages, Chromium, Java for the HTML
# validator, Lighthouse), then runs the whole test suite: `bash scripts/test.sh [pytest args]`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh dev

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v java >/dev/null || missing+=(default-jre-headless)
command -v npm >/dev/null || missing+=(nodejs npm)
command -v rsync >/dev/null || missing+=(rsync)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${missing[@]}"
fi
[ -x node_modules/.bin/lighthouse ] || npm ci --no-audit --no-fund --loglevel=error

exec .venv/bin/python -m pytest "$@"

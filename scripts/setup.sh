#!/usr/bin/env bash
# Creates .venv/ with Carnet's pinned dependencies; `scripts/setup.sh dev` adds the test ones.
# Safe to run again: pip only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

requirements=requirements.txt
[ "${1:-}" = "dev" ] && requirements=requirements-dev.txt

if [ ! -x .venv/bin/python ]; then
  if ! python3 -m venv .venv 2>/dev/null; then
    # Debian ships venv separately.
    rm -rf .venv
    apt-get update -qq && apt-get install -y -qq python3-venv
    python3 -m venv .venv
  fi
fi
# The font of the share images (plugin share_cards): Debian's DejaVu, never committed.
if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo apt-get install -y -qq fonts-dejavu-core
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r "$requirements"
# Carnet itself, as an editable package (`import carnet` from anywhere, no sys.path edits).
# --no-deps: its dependencies are the exact pins above; pip must not choose others.
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
echo "Carnet is installed in .venv/ ($requirements)."

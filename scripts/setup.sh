#!/usr/bin/env bash
# Set congdoan up on a fresh machine, from its own files: the system packages it
# uses (scripts/install-system-deps.sh: Tesseract + Vietnamese model, antiword,
# catdoc, libarchive, a font, headless Chromium; needs root, names what is
# missing otherwise), then a virtual environment in .venv with congdoan and its
# test tools. Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-system-deps.sh
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
fi
.venv/bin/python -m pip install --quiet -e '.[dev]'
echo "setup: ready (.venv/bin/congdoan; source .venv/bin/activate to put it on your PATH)"

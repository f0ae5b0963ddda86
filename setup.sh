#!/usr/bin/env bash
# Shared set-up for run.sh and test.sh: a virtualenv in .venv with pinned requirements.
# Usage: source setup.sh <requirements file>
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
REQS="${1:-requirements.txt}"
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi
STAMP=".venv/.installed-$(cat requirements.txt "$REQS" | sha256sum | cut -c1-16)"
if [ ! -f "$STAMP" ]; then
  echo "==> installing $REQS"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$REQS"
  touch "$STAMP"
fi

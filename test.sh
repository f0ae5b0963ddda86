#!/usr/bin/env bash
# Set up everything the tests need (Chromium, CJK fonts and PostgreSQL from Debian, the virtualenv),
# then run the linter and the whole test suite. Extra arguments go to pytest. The PostgreSQL tests
# start their own throw-away cluster (tests/pg.py); under CI (.ci/run) they must not be skipped.
set -euo pipefail
cd "$(dirname "$0")"
source ./system-packages.sh  # NEEDED_PACKAGES, each with its check
ensure_packages "${NEEDED_PACKAGES[@]}"
source ./setup.sh requirements-dev.txt
echo "==> ruff"
.venv/bin/ruff check .
echo "==> pytest"
exec .venv/bin/python -m pytest "$@"

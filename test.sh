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
# One worker per core (at most 4), a test file kept on one worker (module fixtures: a browser, a
# dashboard, a PostgreSQL database); ANTIFRAUD_TEST_WORKERS=0 runs everything in this process.
workers="${ANTIFRAUD_TEST_WORKERS:-$(python3 -c 'import os; print(min(4, os.cpu_count() or 1))')}"
if [ "$workers" -gt 1 ]; then
    exec .venv/bin/python -m pytest -n "$workers" --dist loadfile "$@"
fi
exec .venv/bin/python -m pytest "$@"

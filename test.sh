#!/usr/bin/env bash
# Set up everything the tests need (Chromium and CJK fonts from Debian, the virtualenv),
# then run the linter and the whole test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
source ./system-packages.sh  # NEEDED_PACKAGES, each with its check
ensure_packages "${NEEDED_PACKAGES[@]}"
source ./setup.sh requirements-dev.txt
echo "==> ruff"
.venv/bin/ruff check .
echo "==> pytest"
exec .venv/bin/python -m pytest "$@"

#!/usr/bin/env bash
# Set up everything the tests need (Chromium, CJK fonts and PostgreSQL from Debian, the virtualenv),
# then run the linter and the whole test suite. Extra arguments go to pytest. The PostgreSQL tests
# start their own throw-away cluster (tests/pg.py); under CI (.ci/run) they must not be skipped.
set -euo pipefail
cd "$(dirname "$0")"
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)  # tests/pg.py's throw-away cluster
if [ ${#need[@]} -gt 0 ]; then
  echo "==> installing ${need[*]} (Debian packages)"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" fontconfig >/dev/null
fi
source ./setup.sh requirements-dev.txt
echo "==> ruff"
.venv/bin/ruff check .
echo "==> pytest"
exec .venv/bin/python -m pytest "$@"

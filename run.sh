#!/usr/bin/env bash
# Set up (first run only) and start the dashboard on its embedded defaults:
# curated data from datasets/, uploads in an SQLite file under data/ (ANTIFRAUD_DB_URL overrides).
set -euo pipefail
cd "$(dirname "$0")"
source ./setup.sh requirements.txt
exec .venv/bin/streamlit run dashboard.py "$@"

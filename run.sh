#!/usr/bin/env bash
# Set up (first run only) and start the dashboard on its embedded defaults:
# curated data from datasets/, uploads in an SQLite file under data/ (ANTIFRAUD_DB_URL overrides).
set -euo pipefail
cd "$(dirname "$0")"
source ./setup.sh requirements.txt
# serve.py is `streamlit run dashboard.py` that warms the first page run while the server starts.
exec .venv/bin/python serve.py "$@"

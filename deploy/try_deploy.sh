#!/usr/bin/env bash
# Follow docs/deploy.md once from a clean state, against a PostgreSQL server you can create databases on:
# create the database, `db upgrade`, import a file, back up with pg_dump, drop the database, restore
# it with pg_restore, `db upgrade` again, and check that every figure survived.
#
#   PGHOST=127.0.0.1 PGPORT=5432 PGUSER=antifraud PGPASSWORD=... bash deploy/try_deploy.sh FILE.csv [DBNAME]
#
# Connection settings come from libpq's environment (PGHOST, PGPORT, PGUSER, PGPASSWORD or ~/.pgpass);
# the PostgreSQL client programs (createdb, dropdb, pg_dump, pg_restore) must be on PATH.
# DBNAME (default antifraud_try) must not exist yet; it is dropped at the end. Exit 0 when all held.
set -euo pipefail

FILE="$(realpath "${1:?usage: try_deploy.sh FILE.csv [DBNAME]}")"
DB="${2:-antifraud_try}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-$HERE/.venv/bin/python}"
WORK="$(mktemp -d)"
cd "$HERE"  # the commands of docs/deploy.md run in the dashboard's folder
trap 'dropdb --if-exists "$DB" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

step() { echo "==> $*"; }

# 1. The database (docs/deploy.md §1): UTF-8, from template0.
step "createdb $DB"
createdb --encoding UTF8 --template template0 "$DB"

# 2. Point the dashboard at it and create the schema (§2). The password stays in PGPASSWORD/~/.pgpass.
export ANTIFRAUD_DB_URL="postgresql+psycopg://${PGUSER:-$(id -un)}@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/$DB"
export ANTIFRAUD_SNAPSHOT_DIR="$WORK/snapshots"
step "db upgrade"
"$PYTHON" -m loaders db upgrade --lang en

# An analyst's upload, from the command line (the upload page does the same).
step "import $FILE"
"$PYTHON" -m loaders import "$FILE" --yes --uploader try_deploy --lang en
"$PYTHON" -m loaders figures --format csv >"$WORK/before.csv"
count_uploaded() { "$PYTHON" -c 'import sys, pandas; print(pandas.read_csv(sys.argv[1], dtype=str)["upload_id"].notna().sum())' "$1"; }
uploaded=$(count_uploaded "$WORK/before.csv")
[ "$uploaded" -gt 0 ] || { echo "no uploaded figure after the import" >&2; exit 1; }
echo "    $uploaded uploaded figures"

# 4. Backup (§4), then the disaster: the database is gone.
step "pg_dump"
pg_dump --format=custom --file="$WORK/antifraud.dump" "$DB"
step "dropdb $DB (the disaster)"
dropdb "$DB"
if "$PYTHON" -m loaders figures --format csv >/dev/null 2>"$WORK/gone.txt"; then
  echo "the figures were read from a dropped database" >&2
  exit 1
fi
echo "    without the database: $(head -c 200 "$WORK/gone.txt")"

# Restore into a new, empty database of the same name, bring it up to date (§4).
step "createdb + pg_restore"
createdb --encoding UTF8 --template template0 "$DB"
pg_restore --no-owner --role="${PGUSER:-$(id -un)}" --dbname="$DB" "$WORK/antifraud.dump"
rm -rf "$ANTIFRAUD_SNAPSHOT_DIR"  # what a replica cached before the restore must not be what is shown
step "db upgrade"
"$PYTHON" -m loaders db upgrade --lang en

step "check the figures"
"$PYTHON" -m loaders figures --format csv >"$WORK/after.csv"
if ! cmp -s "$WORK/before.csv" "$WORK/after.csv"; then
  echo "the restored figures differ:" >&2
  diff "$WORK/before.csv" "$WORK/after.csv" | head -20 >&2 || true
  exit 1
fi
echo "OK: $(wc -l <"$WORK/after.csv") lines of figures identical after backup, drop and restore ($uploaded uploaded)"

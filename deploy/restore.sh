#!/usr/bin/env bash
# Restore a Suara Layanan dump (made by backup.sh) into a NEW database, then prove it:
# print the Alembic revision and the row count of every table, and, when the app is
# installed, ask the app itself (`flask db current`).
#
# Usage: restore.sh DUMP_FILE TARGET_DATABASE_URL
#
#   DUMP_FILE             a pg_dump custom-format file (suara-layanan-<time>.dump)
#   TARGET_DATABASE_URL   the database to create, e.g. postgresql:///suara_layanan_restore
#                         (the SQLAlchemy form postgresql+psycopg://... is accepted too).
#                         It must not exist yet: this script never overwrites a database.
#                         The server's "postgres" database is used to create it.
#   RESTORE_OWNER         optional role to own the new database and everything in it
#                         (normally the app's role, e.g. suara); default: the role
#                         this script connects as.
#   SUARA_APP_DIR         the app's checkout (default /opt/suara-layanan); if it holds
#                         .venv/bin/flask, `flask db current` is run on the new database.
#
# Exits non-zero if anything fails, or if the restored database has no Alembic revision.
set -euo pipefail

log() { printf 'restore: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$#" -eq 2 ] || die "usage: restore.sh DUMP_FILE TARGET_DATABASE_URL"
dump="$1"
url="$(printf '%s' "$2" | sed -E 's#^postgres(ql)?(\+[A-Za-z0-9_]+)?://#postgresql://#')"
owner="${RESTORE_OWNER:-}"
app_dir="${SUARA_APP_DIR:-/opt/suara-layanan}"

for tool in pg_restore psql; do
  command -v "$tool" >/dev/null || die "$tool not found (apt-get install postgresql-client)"
done
[ -f "$dump" ] || die "no such file: $dump"
pg_restore --list "$dump" >/dev/null || die "$dump is not a readable pg_dump custom-format file"

# postgresql://[userinfo@][host][:port]/dbname[?params]
if [[ "$url" =~ ^(postgresql://[^/?]*)/([^/?]+)(\?.*)?$ ]]; then
  server="${BASH_REMATCH[1]}"
  name="${BASH_REMATCH[2]}"
  params="${BASH_REMATCH[3]}"
else
  die "TARGET_DATABASE_URL must look like postgresql://[user@]host[:port]/dbname"
fi
# Plain names only, so they can be used in SQL without quoting surprises.
[[ "$name" =~ ^[a-z_][a-z0-9_]*$ ]] || die "database name '$name': use a-z, 0-9 and _ only"
if [ -n "$owner" ] && ! [[ "$owner" =~ ^[a-z_][a-z0-9_]*$ ]]; then
  die "RESTORE_OWNER '$owner': use a-z, 0-9 and _ only"
fi
maintenance="$server/postgres$params"

psql_at() { psql --no-psqlrc --no-password -v ON_ERROR_STOP=1 -At "$@"; }

exists="$(psql_at --dbname="$maintenance" -c "SELECT 1 FROM pg_database WHERE datname = '$name'")" \
  || die "cannot reach the server's postgres database"
[ -z "$exists" ] || die "database $name already exists; restore into a new name (see docs/deploy.md)"

log "creating database $name${owner:+ owned by $owner}"
psql_at --dbname="$maintenance" -c "CREATE DATABASE \"$name\"${owner:+ OWNER \"$owner\"}" >/dev/null

log "restoring $dump"
# --no-owner (+ --role): the objects belong to RESTORE_OWNER (or to us), whatever role
# owned them on the server the dump came from. One transaction: all or nothing.
pg_restore --no-password --no-owner ${owner:+--role="$owner"} --exit-on-error \
  --single-transaction --dbname="$url" "$dump" || die "pg_restore failed; database $name is incomplete, drop it"
psql_at --dbname="$url" -c "ANALYZE" >/dev/null

revision="$(psql_at --dbname="$url" -c "SELECT string_agg(version_num, ',') FROM alembic_version" 2>/dev/null || true)"
[ -n "$revision" ] || die "restored, but $name has no Alembic revision: not a Suara Layanan database?"

echo "database: $name"
echo "alembic revision: $revision"
echo "rows per table:"
psql_at --dbname="$url" -F ' ' -c "
  SELECT table_name,
         (xpath('/row/n/text()',
                query_to_xml(format('SELECT count(*) AS n FROM %I.%I', table_schema, table_name),
                             false, true, '')))[1]::text
    FROM information_schema.tables
   WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
   ORDER BY table_name" | sed 's/^/  /'

if [ -x "$app_dir/.venv/bin/flask" ]; then
  echo "flask db current:"
  # A throwaway SECRET_KEY: this only reads the revision, and must not make the app
  # write a generated key into its instance folder.
  (cd "$app_dir" && env DATABASE_URL="$url" SECRET_KEY=restore-check PORTAL_ENV=development \
    PYTHONDONTWRITEBYTECODE=1 "$app_dir/.venv/bin/flask" --app wsgi db current 2>/dev/null) \
    | sed 's/^/  /' || die "flask db current failed on $name"
fi
log "ok: $name is a complete copy of $dump"

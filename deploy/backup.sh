#!/usr/bin/env bash
# Back up the Suara Layanan database: one pg_dump custom-format file (-Fc) per run,
# named with the UTC time, checked, then old files are pruned.
#
# Usage: backup.sh [DATABASE_URL]
#
#   DATABASE_URL      the database to dump; the argument wins over the environment.
#                     A libpq URL (postgresql://user@host:5432/suara_layanan), or the
#                     app's SQLAlchemy form (postgresql+psycopg://...), which is accepted.
#                     Prefer a URL without a password (peer authentication, or ~/.pgpass):
#                     a password in the URL is visible to local users in `ps`.
#   BACKUP_DIR        where the dumps go (default /var/backups/suara-layanan)
#   BACKUP_KEEP_DAYS  delete dumps older than this many days, only after a good dump
#                     (default 14; 0 keeps everything)
#   BACKUP_PREFIX     file name prefix (default suara-layanan)
#
# Prints the path of the new dump on stdout; messages go to stderr. Exits non-zero if
# anything fails, so cron mails or systemd marks the unit failed.
set -euo pipefail

log() { printf '%s backup: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

url="${1:-${DATABASE_URL:-}}"
[ -n "$url" ] || die "no database: pass a URL or set DATABASE_URL"
# The app may use SQLAlchemy's driver form; libpq (pg_dump) wants plain postgresql://.
url="$(printf '%s' "$url" | sed -E 's#^postgres(ql)?(\+[A-Za-z0-9_]+)?://#postgresql://#')"
case "$url" in
  postgresql://*) ;;
  *) die "not a PostgreSQL URL (only PostgreSQL deployments are backed up by this script)" ;;
esac

dir="${BACKUP_DIR:-/var/backups/suara-layanan}"
keep="${BACKUP_KEEP_DAYS:-14}"
prefix="${BACKUP_PREFIX:-suara-layanan}"
case "$keep" in '' | *[!0-9]*) die "BACKUP_KEEP_DAYS must be a whole number, not '$keep'" ;; esac

for tool in pg_dump pg_restore; do
  command -v "$tool" >/dev/null || die "$tool not found (apt-get install postgresql-client)"
done

umask 077
mkdir -p "$dir"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
file="$dir/$prefix-$stamp.dump"
partial="$dir/.$prefix-$stamp.dump.partial"
[ ! -e "$file" ] || die "$file already exists"
trap 'rm -f "$partial"' EXIT

log "dumping to $file"
# --no-password: fail at once instead of waiting for a password nobody will type.
pg_dump --format=custom --compress=6 --no-password --dbname="$url" --file="$partial" \
  || die "pg_dump failed"
# A dump pg_restore cannot read is not a backup.
pg_restore --list "$partial" >/dev/null || die "the dump is unreadable"
mv "$partial" "$file"
trap - EXIT
log "done: $(du -h "$file" | cut -f1)"

if [ "$keep" -gt 0 ]; then
  find "$dir" -maxdepth 1 -type f -name "$prefix-*.dump" -mtime +"$keep" -print \
    | while IFS= read -r old; do
        rm -f -- "$old" && log "removed $old (older than $keep days)"
      done
fi

printf '%s\n' "$file"

#!/usr/bin/env bash
# Starts PgBouncer in transaction mode in front of the test PostgreSQL (127.0.0.1:5432) on 127.0.0.1:6432,
# with 2 server connections per database and user, so the API's tenancy tests run with many clients
# sharing few server connections. Prints the URL to export as TEST_PGBOUNCER_URL.
# Installs the Debian package when it is missing; runs as the postgres user (pgbouncer refuses root).
set -euo pipefail
PORT="${PGBOUNCER_PORT:-6432}"

if ! command -v pgbouncer >/dev/null && [ ! -x /usr/sbin/pgbouncer ]; then
  echo "installing pgbouncer" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >&2
fi
PGBOUNCER="$(command -v pgbouncer || echo /usr/sbin/pgbouncer)"

if ! pg_isready -h 127.0.0.1 -p "$PORT" -q; then
  dir="$(mktemp -d /tmp/pgbouncer.XXXXXX)"
  # trust: PgBouncer checks no password, as the test server's trust auth; the user must still be listed
  printf '"postgres" ""\n' > "$dir/userlist.txt"
  cat > "$dir/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=5432

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PORT
unix_socket_dir = $dir
auth_type = trust
auth_file = $dir/userlist.txt
admin_users = postgres
pool_mode = transaction
default_pool_size = 2
max_client_conn = 500
server_reset_query =
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
  chown -R postgres "$dir"
  if [ "$(id -u)" = 0 ]; then
    su postgres -s /bin/sh -c "'$PGBOUNCER' -d '$dir/pgbouncer.ini'" >&2
  else
    "$PGBOUNCER" -d "$dir/pgbouncer.ini" >&2
  fi
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p "$PORT" -q && break; sleep 0.5; done
  pg_isready -h 127.0.0.1 -p "$PORT" >&2
  echo "pgbouncer: transaction mode on 127.0.0.1:$PORT (config, log and pid in $dir)" >&2
fi
echo "postgres://postgres@127.0.0.1:$PORT/test"

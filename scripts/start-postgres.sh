#!/usr/bin/env bash
# Starts a throwaway PostgreSQL (Debian's) on loopback for the test suite and prints its URL.
# Usage: url=$(scripts/start-postgres.sh DIR); ...; scripts/stop-postgres.sh DIR
# Installs the server with apt-get if it is missing. Trust authentication: the cluster lives in DIR only.
set -euo pipefail
dir="$1"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql >/dev/null
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
mkdir -p "$dir"
chmod o+x "$(dirname "$dir")" 2>/dev/null || true
run_as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres "$dir"; su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}
run_as_postgres "$bin/initdb -D '$dir/data' -A trust -U airlock >'$dir/initdb.log' 2>&1"
# The suites run in parallel, each with servers of its own: past 150 connections at once on a 2-core machine, and
# "too many clients" failed a CI run at 200. Idle connections cost little; a thousand leaves room.
run_as_postgres "$bin/pg_ctl -D '$dir/data' -l '$dir/server.log' -w -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c max_connections=1000 -c fsync=off\" start >/dev/null"
echo "postgres://airlock@127.0.0.1:$port/postgres"

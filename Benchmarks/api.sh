#!/usr/bin/env bash
# Requests/s of an authenticated JSON read (GET .../environments with a bearer token) at 50 concurrent
# connections (wrk, from Debian), on SQLite and on PostgreSQL, each printed next to its peer measured on the
# same server in the same run: GET /healthz (one trivial query, no authentication).
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${WRK_DURATION:-10s}"
if ! command -v wrk >/dev/null; then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq wrk >/dev/null
fi
swift build -c release --static-swift-stdlib --scratch-path .build-static --product airlock >/dev/null
swift build -c release --static-swift-stdlib --scratch-path .build-static --product airlock-server >/dev/null
bin=.build-static/release/airlock
work="$(mktemp -d)"
pg_dir="$work/postgres"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; scripts/stop-postgres.sh "$pg_dir"; rm -rf "$work"; }
trap cleanup EXIT

# "requests/s p99": wrk's latency distribution gives the 99th percentile (in ms here).
measured() {
  wrk -t2 -c50 -d"$duration" --latency "$@" | awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = int($2) } $1 == "99%" { p99 = ms($2) } END { printf "%d %.1f\n", rps, p99 }'
}

measure() {  # label, then extra arguments for serve/admin (a database URL)
  local label="$1"; shift
  local data="$work/data-$label"
  "$bin" admin create-user --data-dir "$data" "$@" --username bench --password-stdin <<< 'a long enough password' >/dev/null
  "$bin" admin create-org --data-dir "$data" "$@" --name acme --owner bench >/dev/null
  local token; token=$("$bin" admin create-token --data-dir "$data" "$@" --username bench)
  "$bin" serve --data-dir "$data" "$@" --port 0 > "$work/serve-$label.log" 2>&1 &
  server_pid=$!
  local base=""
  for _ in $(seq 1 100); do
    base=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve-$label.log" || true)
    [ -n "$base" ] && break
    sleep 0.1
  done
  for environment in production staging development; do
    curl -fsS -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -d "{\"name\":\"$environment\"}" "$base/api/v1/organizations/acme/environments" >/dev/null
  done
  local read read_p99 health health_p99
  read -r read read_p99 < <(measured -H "Authorization: Bearer $token" "$base/api/v1/organizations/acme/environments")
  read -r health health_p99 < <(measured "$base/healthz")
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  echo "api_environment_list_${label}_requests_per_second	$read"
  echo "api_healthz_${label}_requests_per_second	$health"
  awk -v r="$read" -v h="$health" -v l="$label" -v rp="$read_p99" -v hp="$health_p99" 'BEGIN {
    printf "%s: authenticated environment list %d req/s at 50 connections, %.2fx GET /healthz (%d req/s) (goal 0.5x: %s); ", l, r, r / h, h, (r / h >= 0.5 ? "met" : "NOT met")
    printf "p99 %.1f ms vs /healthz %.1f ms (goal < 20 ms: %s)\n", rp, hp, (rp < 20 ? "met" : "NOT met") }'
}

measure sqlite
url="$(scripts/start-postgres.sh "$pg_dir")"
psql "$url" -qc "CREATE DATABASE airlock_bench" >/dev/null
measure postgres --database-url "${url%/postgres}/airlock_bench"

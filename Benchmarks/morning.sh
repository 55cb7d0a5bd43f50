#!/usr/bin/env bash
# A platform team's morning (Benchmarks/morning.py): 200 stock-terraform-like clients polling their runs and 20 people's
# pages against 50 environments with 4 runs running and 196 queued, on SQLite and on PostgreSQL; p99 of each read next to
# GET /healthz under the same load, and the server's CPU share. Release airlock; wrk from Debian; psycopg from PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq wrk >/dev/null
fi
python3 -c "import psycopg" 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check "psycopg[binary]"
swift build -c release --static-swift-stdlib --scratch-path .build-static --product airlock >/dev/null
swift build -c release --static-swift-stdlib --scratch-path .build-static --product airlock-server >/dev/null
work="$(mktemp -d)"
pg_dir="$work/postgres"
trap 'scripts/stop-postgres.sh "$pg_dir"; rm -rf "$work"' EXIT
url="$(scripts/start-postgres.sh "$pg_dir")"
psql "$url" -qc "CREATE DATABASE airlock_morning" >/dev/null
python3 Benchmarks/morning.py .build-static/release/airlock sqlite "${url%/postgres}/airlock_morning"

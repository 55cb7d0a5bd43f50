#!/usr/bin/env bash
# A platform team's scale (Benchmarks/scale.py): 1,000 environments and 20,000 runs seeded into SQLite and into
# PostgreSQL, pages and API reads at 8 connections next to /healthz on the same server, and the server's peak
# memory. Release airlock; wrk from Debian; psycopg from PyPI for the PostgreSQL seed.
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
psql "$url" -qc "CREATE DATABASE airlock_scale" >/dev/null
# SCALE_SCRIPT=morning.py: the same set-up for Benchmarks/morning.py (morning.sh).
python3 "Benchmarks/${SCALE_SCRIPT:-scale.py}" .build-static/release/airlock sqlite "${url%/postgres}/airlock_scale"

#!/usr/bin/env bash
# A platform team's morning (Benchmarks/morning.py): 200 stock-terraform-like clients polling their runs and 20 people's
# pages against 50 environments with 4 runs running and 196 queued, on SQLite and on PostgreSQL; p99 of each read next to
# GET /healthz under the same load, and the server's CPU share. The set-up (release airlock, wrk, psycopg, PostgreSQL) is
# the scale benchmark's.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE_SCRIPT=morning.py exec Benchmarks/scale.sh

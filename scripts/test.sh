#!/usr/bin/env bash
# Runs every Airlock test on a fresh machine: installs the test peers, builds, and runs the suite.
# Usage: scripts/test.sh [extra `swift test` arguments, e.g. --filter STS]
set -euo pipefail
cd "$(dirname "$0")/.."

command -v swift >/dev/null || { echo "Airlock needs a Swift 6 toolchain on PATH (swift.org)." >&2; exit 1; }
vectors="../shared/vectors/sigv4"
[ -d "$vectors" ] || { echo "AWS's SigV4 test suite is expected at $vectors (beside this checkout)." >&2; exit 1; }

scripts/install-test-deps.sh
swift build --build-tests
swift test "$@"

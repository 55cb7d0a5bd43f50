#!/usr/bin/env bash
# Prints SigV4 signatures per second for Airlock's signer and for botocore's SigV4Auth, measured in this
# same run on this machine, and their ratio (goal: 50x). Release build.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c "import botocore" 2>/dev/null || python3 -m pip install --quiet botocore
swift build -c release --product airlock-benchmarks >/dev/null
bin="$(swift build -c release --show-bin-path)/airlock-benchmarks"
swift_out="$("$bin" "${SWIFT_ITERATIONS:-200000}")"
python_out="$(python3 Benchmarks/botocore_sigv4.py "${PYTHON_ITERATIONS:-20000}")"
echo "$swift_out"
echo "$python_out"
airlock=$(echo "$swift_out" | awk -F'\t' '$1=="airlock_sigv4_per_second"{print $2}')
cold=$(echo "$swift_out" | awk -F'\t' '$1=="airlock_sigv4_new_signer_per_second"{print $2}')
boto=$(echo "$python_out" | awk -F'\t' '{print $2}')
awk -v a="$airlock" -v c="$cold" -v b="$boto" 'BEGIN {
  printf "sigv4 signatures/s: airlock %d, botocore SigV4Auth %d: %.1fx botocore (goal 50x)\n", a, b, a / b
  printf "sigv4 signatures/s with a new signer each time (key derived every time, as botocore does): %d: %.1fx botocore\n", c, c / b
}'

# airlock whoami (release, Swift runtime linked statically as the README installs it) against the AWS CLI,
# warm cache, same test STS, same run.
python3 -c "import awscli" 2>/dev/null || python3 -m pip install --quiet awscli
swift build -c release --static-swift-stdlib --scratch-path .build-static --product airlock >/dev/null
swift build --product airlock-cli-benchmark >/dev/null
"$(swift build --show-bin-path)/airlock-cli-benchmark" .build-static/release/airlock "${CLI_RUNS:-15}"

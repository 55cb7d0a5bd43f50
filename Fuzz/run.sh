#!/usr/bin/env bash
# Builds the libFuzzer targets (swiftc -sanitize=fuzzer,address) and runs each for a while.
#   Fuzz/run.sh [--seconds N] [INI|Tar|STSXML ...]     (default: every target, 600 seconds each, in parallel)
# Each target compiles the parser's own source files with a main.swift that feeds it the fuzzer's input.
# Crashes are written to .build/fuzz/<target>/crash-*; the corpus grows in .build/fuzz/<target>/corpus,
# started from Fuzz/seeds/<target>. Exits non-zero if any target found a crash.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=600
targets=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
[[ ${#targets[@]} -gt 0 ]] || targets=(INI Tar STSXML)

sources() {
    case "$1" in
        INI) echo Sources/AirlockAWS/Config/INIFile.swift Sources/AirlockAWS/Config/ConfigError.swift ;;
        Tar) echo Sources/AirlockServer/ConfigurationVersions/TarArchive.swift Sources/AirlockServer/ConfigurationVersions/TarSource.swift ;;
        STSXML) echo Sources/AirlockAWS/Query/XMLTree.swift Sources/AirlockAWS/Query/XMLReader.swift Sources/AirlockAWS/STS/STSCredentialsResult.swift \
            Sources/AirlockAWS/Query/AWSTransportError.swift Sources/AirlockAWS/Core/ISO8601Timestamp.swift \
            Sources/AirlockAWS/Core/AWSTimestamp.swift Sources/AirlockAWS/Core/AWSCredentials.swift ;;
        *) echo "unknown target $1 (INI, Tar, STSXML)" >&2; exit 2 ;;
    esac
}

pids=()
for target in "${targets[@]}"; do
    out=".build/fuzz/$target"
    mkdir -p "$out/corpus"
    # shellcheck disable=SC2046
    swiftc -sanitize=fuzzer,address -parse-as-library -module-name "Fuzz$target" -O -g \
        $(sources "$target") "Fuzz/$target/main.swift" -o "$out/fuzz" > "$out/build.log" 2>&1 \
        || { cat "$out/build.log" >&2; exit 1; }
    echo "== fuzzing $target for $seconds s"
    (cd "$out" && if ./fuzz -max_total_time="$seconds" -max_len=65536 -print_final_stats=1 \
        corpus "../../../Fuzz/seeds/$target" > log 2>&1; then echo 0 > status; else echo $? > status; fi) &
    pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
failed=0
for target in "${targets[@]}"; do
    out=".build/fuzz/$target"
    status=$(cat "$out/status")
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out/log" | grep -o '[0-9]*$' || echo "?")
    if [[ "$status" == 0 ]]; then
        echo "$target: no crash in $seconds s ($runs inputs)"
    else
        echo "$target: FAILED (exit $status); see $out/log and $out/crash-*" >&2
        tail -30 "$out/log" >&2
        failed=1
    fi
done
exit $failed

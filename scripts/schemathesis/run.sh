#!/usr/bin/env bash
# Runs schemathesis (PyPI) against a real `airlock serve` on its embedded SQLite: every check, every phase
# (examples, coverage, fuzzing, stateful), once as an organization's owner and once as a member.
#   scripts/schemathesis/run.sh [--max-examples N] [--max-time SECONDS]   (defaults: 50 examples, no time limit)
# The test command runs a short pass (scripts/test.sh); a long one: scripts/schemathesis/run.sh --max-examples 1000
# Uploads are real .tar.gz archives (hooks.py); path parameters name the organization made here (schemathesis.toml).
set -euo pipefail
cd "$(dirname "$0")/../.."
examples=50
max_time=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --max-examples) examples="$2"; shift 2 ;;
        --max-time) max_time=(--max-time "$2"); shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
python3 -c "import schemathesis" 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check "schemathesis==4.32.5"
# The console script pip installed beside this Python (a version manager's shims may not know it yet).
st="$(python3 -c 'import os, sys; print(os.path.join(os.path.dirname(sys.executable), "st"))')"
swift build --product airlock
swift build --product airlock-server  # airlock serve and airlock admin run it
airlock=.build/debug/airlock
data=$(mktemp -d)
python_prefix=$(python3 -c 'import os, sys; print(os.path.realpath(sys.prefix))')
export PATH="$python_prefix/bin:$PATH"
password='schemathesis password'
for user in owen mia; do
    "$airlock" admin create-user --data-dir "$data" --username "$user" --password-stdin <<< "$password" > /dev/null
done
"$airlock" admin set-administrator --data-dir "$data" --username owen > /dev/null  # owen creates organizations
"$airlock" admin create-org --data-dir "$data" --name acme --owner owen > /dev/null
"$airlock" admin add-member --data-dir "$data" --organization acme --username mia --role member > /dev/null
owner_token=$("$airlock" admin create-token --data-dir "$data" --username owen --name schemathesis)
member_token=$("$airlock" admin create-token --data-dir "$data" --username mia --name schemathesis)

"$airlock" serve --data-dir "$data" --port 0 --terraform-bin "$PWD/scripts/terraform/terraform-1.15" \
    --sandbox-read-only "$python_prefix" --policy-engine "$PWD/scripts/opa/opa-regorus" > "$data/server.log" 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 300); do grep -q "Airlock listening on" "$data/server.log" && break; sleep 0.1; done
base=$(grep -o 'http://[0-9.]*:[0-9]*' "$data/server.log" | head -1)
[[ -n "$base" ]] || { cat "$data/server.log" >&2; exit 1; }
curl -fsS -X POST -H "Authorization: Bearer $owner_token" -H 'Content-Type: application/json' -d '{"name":"prod"}' \
    "$base/api/v1/organizations/acme/environments" > /dev/null

status=0
for who in owner member; do
    token=$owner_token
    [[ $who == member ]] && token=$member_token
    echo "== schemathesis as the $who"
    PYTHONPATH="$PWD/scripts/schemathesis" SCHEMATHESIS_HOOKS=hooks \
    "$st" --config-file scripts/schemathesis/schemathesis.toml run Sources/AirlockServer/openapi.yaml --url "$base/api/v1" -H "Authorization: Bearer $token" \
        --checks all --phases examples,coverage,fuzzing,stateful --max-examples "$examples" "${max_time[@]}" \
        --seed 1 || status=1
done
if grep -q "internal_error\|Fatal error" "$data/server.log"; then
    echo "the server logged an internal error:" >&2
    grep -B2 -A5 "internal_error\|Fatal error" "$data/server.log" >&2
    status=1
fi
exit $status

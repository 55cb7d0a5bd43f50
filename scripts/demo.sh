#!/usr/bin/env bash
# The main command: builds airlock, starts `airlock serve` on its embedded SQLite in ./airlock-demo, and on the
# first start fills it with a demo organization to click through. Ctrl-C stops the server; the data stays.
#   scripts/demo.sh [--port N]
set -euo pipefail
cd "$(dirname "$0")/.."
port=8080
[[ "${1:-}" == "--port" ]] && port="$2"
data=./airlock-demo
password='airlock demo password'

swift build --product airlock
airlock=.build/debug/airlock

first_start=false
if [[ ! -e "$data/airlock.sqlite" ]]; then
    first_start=true
    for user in owen mia; do
        "$airlock" admin create-user --data-dir "$data" --username "$user" --password-stdin <<< "$password" > /dev/null
    done
    "$airlock" admin create-org --data-dir "$data" --name demo --owner owen > /dev/null
    "$airlock" admin add-member --data-dir "$data" --organization demo --username mia --role member > /dev/null
fi

"$airlock" serve --data-dir "$data" --port "$port" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server' INT TERM
for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$port/healthz" > /dev/null 2>&1 && break
    sleep 0.1
done

if $first_start; then
    token=$("$airlock" admin create-token --data-dir "$data" --username owen --name demo-setup)
    export AIRLOCK_TOKEN="$token"
    "$airlock" env create demo/production --server "http://127.0.0.1:$port" > /dev/null
    "$airlock" env create demo/staging --server "http://127.0.0.1:$port" > /dev/null
    unset AIRLOCK_TOKEN
fi

cat <<TEXT

Airlock demo: http://127.0.0.1:$port/login
  owen (owner of "demo") and mia (member), password: $password
  Environments: /terraform/demo/environments   Variables: /settings/organization_variables
  Data in $data (delete it to start over). Ctrl-C stops the server.

TEXT
wait $server

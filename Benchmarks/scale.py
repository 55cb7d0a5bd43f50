#!/usr/bin/env python3
"""A platform team's scale: one organization with 1,000 environments and 20,000 runs of history (seeded straight
into the database), 100 runs queued behind 8 running ones, on SQLite and on PostgreSQL. For each of the
environments list (its first page of 100, and a search), an environment's page, a run's page, the runs API and the
environments API (first page, a page deep in the list, a search): requests/s and
p50/p95 latency at 8 connections (wrk), each next to GET /healthz on the same server in the same run; and the
server's peak memory (VmHWM) after it all.

Usage: scale.py AIRLOCK_BINARY [sqlite|postgres URL]... (Benchmarks/scale.sh builds airlock and starts PostgreSQL).
SCALE_ENVIRONMENTS (1000), SCALE_RUNS (20000), SCALE_QUEUED (100), SCALE_RUNNING (8), SCALE_DURATION (10s) change it.
SCALE_PERF=1 also samples the server with `perf record` while each endpoint is measured and prints the top symbols."""
import json, os, re, subprocess, sys, tempfile, time, urllib.parse, urllib.request, uuid, http.cookiejar
from configuration import archive

airlock = sys.argv[1]
targets = sys.argv[2:] or ["sqlite"]
environments = int(os.environ.get("SCALE_ENVIRONMENTS", "1000"))
history = int(os.environ.get("SCALE_RUNS", "20000"))
queued = int(os.environ.get("SCALE_QUEUED", "100"))
running = int(os.environ.get("SCALE_RUNNING", "8"))
duration = os.environ.get("SCALE_DURATION", "10s")
connections = 8
profile = os.environ.get("SCALE_PERF") == "1"
PASSWORD = "a long enough password"
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %.3f %.3f %.3f\\n", summary.requests, latency:percentile(50) / 1000,
                         latency:percentile(95) / 1000, latency:percentile(99) / 1000))
  io.write(string.format("SECONDS %.3f ERRORS %d\\n", summary.duration / 1e6,
                         summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""


def admin(data, extra, *arguments, stdin=None):
    return subprocess.run([airlock, "admin", *arguments, "--data-dir", data, *extra], input=stdin, capture_output=True,
                          text=True, check=True).stdout.strip()


class Server:
    def __init__(self, label, extra, serve_options=()):
        self.work = tempfile.mkdtemp(prefix=f"airlock-scale-{label}-")
        self.data = os.path.join(self.work, "data")
        self.extra = extra
        admin(self.data, extra, "create-user", "--username", "bench", "--password-stdin", stdin=PASSWORD + "\n")
        admin(self.data, extra, "create-org", "--name", "acme", "--owner", "bench")
        self.token = admin(self.data, extra, "create-token", "--username", "bench")
        log = open(os.path.join(self.work, "serve.log"), "w")
        # /bin/false as Terraform: the one run made through the API errors at once; no run executes while measuring
        # (every queued run waits behind a running one whose lease another server holds).
        self.process = subprocess.Popen([airlock, "serve", "--data-dir", self.data, "--port", "0", "--terraform-bin", "/bin/false",
                                         *extra, *serve_options], stdout=subprocess.PIPE, stderr=log, text=True)
        line = self.process.stdout.readline()
        while not line.startswith("Airlock listening on"):
            if not line and self.process.poll() is not None:
                sys.exit(f"airlock serve did not start: see {log.name}")
            line = self.process.stdout.readline()
        self.base = line.split()[3]

    def api(self, method, path, body=None, content_type="application/json"):
        request = urllib.request.Request(self.base + "/api/v1" + path, method=method, data=body,
                                         headers={"Authorization": f"Bearer {self.token}", "Content-Type": content_type})
        with urllib.request.urlopen(request) as response:
            text = response.read()
            return json.loads(text) if text else None

    def session_cookie(self):
        """Logs in through the login form; returns the Cookie header a browser would send."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(self.base + "/login").read().decode()
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"username": "bench", "password": PASSWORD, "csrf_token": csrf}).encode()
        opener.open(self.base + "/login", data=form).read()
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)

    def peak_memory_mb(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def template(server):
    """One environment, configuration version and run made through the API: the rows the seed clones."""
    server.api("POST", "/organizations/acme/environments", json.dumps({"name": "template"}).encode())
    server.api("POST", "/organizations/acme/environments/template/configuration-versions",
               archive('resource "terraform_data" "x" {\n  input = "1"\n}\n'), "application/gzip")
    run = server.api("POST", "/organizations/acme/environments/template/runs", json.dumps({"message": "template"}).encode())
    for _ in range(300):
        if server.api("GET", f"/runs/{run['id']}")["state"] in ("errored", "planned_and_finished", "planned"):
            break
        time.sleep(0.1)


def connect(target, data):
    if target == "sqlite":
        import sqlite3
        return sqlite3.connect(os.path.join(data, "airlock.sqlite"), timeout=60), "?"
    import psycopg
    return psycopg.connect(target), "%s"


def seed(target, data, environments=environments, history=history, running=running, queued=queued, spread=False):
    """Clones the template rows: `environments` environments with `history` finished runs (and their events) in
    all, then `running` runs held by another server's lease and `queued` runs behind them (`spread`: over every
    environment, not only the running ones)."""
    connection, mark = connect(target, data)
    cursor = connection.cursor()

    def rows(table, where, value):
        cursor.execute(f"SELECT * FROM {table} WHERE {where} = {mark}", (value,))
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def new_id(like):
        fresh = uuid.uuid4()
        if isinstance(like, str):  # SQLite: text as Foundation writes it (upper case), compared as text
            return str(fresh).upper() if like.isupper() or like == like.upper() else str(fresh)
        return fresh.bytes if isinstance(like, bytes) else fresh

    def insert(table, items):
        if not items:
            return
        names = list(items[0])
        cursor.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join([mark] * len(names))})",
                           [tuple(item[name] for name in names) for item in items])

    environment = rows("environments", "name", "template")[0]
    version = rows("configuration_versions", "environment_id", environment["id"])[0]
    run = rows("runs", "environment_id", environment["id"])[0]
    events = rows("run_events", "run_id", run["id"])
    now = time.time()
    per_environment = history // environments
    busy = set(range(1, running + 1))
    clones = {"environments": [], "configuration_versions": [], "runs": [], "run_events": []}
    for index in range(1, environments):
        environment_id = new_id(environment["id"])
        clones["environments"].append({**environment, "id": environment_id, "name": f"env-{index:04d}"})
        version_id = new_id(version["id"])
        clones["configuration_versions"].append({**version, "id": version_id, "environment_id": environment_id,
                                                 "sha256": uuid.uuid4().hex + uuid.uuid4().hex})
        states = ["applied"] * per_environment
        if spread:
            states += (["planning"] if index in busy else []) + ["pending"] * (queued // (environments - 1) + (1 if index <= queued % (environments - 1) else 0))
        elif index in busy:
            states += ["planning"] + ["pending"] * (queued // running + (1 if index <= queued % running else 0))
        for number, state in enumerate(states, start=1):
            run_id = new_id(run["id"])
            clones["runs"].append({**run, "id": run_id, "environment_id": environment_id, "configuration_version_id": version_id,
                                   "number": number, "state": state, "message": f"change {number}", "error_message": None,
                                   "queued_at": now - (len(states) - number) * 60,
                                   "lease_owner": "another-server" if state == "planning" else None,
                                   "lease_expires_at": now + 86400 if state == "planning" else None})
            if state == "applied":
                for event in events:
                    clones["run_events"].append({**event, "id": new_id(event["id"]), "run_id": run_id})
    for table in ["environments", "configuration_versions", "runs", "run_events"]:
        insert(table, clones[table])
    connection.commit()
    connection.close()
    runs = len(clones["runs"])
    return runs, sum(1 for item in clones["runs"] if item["state"] == "pending")


def top_symbols(pid, seconds, label):
    """Samples `pid` with perf for `seconds`; prints the symbols with the most samples (self time)."""
    data = os.path.join(tempfile.gettempdir(), f"airlock-scale-{label}.perf")
    subprocess.run(["perf", "record", "-F", "499", "-g", "-p", str(pid), "-o", data, "--", "sleep", str(seconds)],
                   capture_output=True, check=True)
    for mode, title, keep in [("--no-children", "self time", lambda line: True),
                              ("--children", "with callees, Airlock's own functions",
                               lambda line: "Airlock" in line or "airlock" in line.split("[.]")[-1][:40])]:
        report = subprocess.run(["perf", "report", "-i", data, mode, "--percent-limit", "1.5", "--stdio", "-g", "none",
                                 "--sort", "symbol"], capture_output=True, text=True).stdout
        lines = [line for line in report.splitlines() if line.strip() and not line.startswith("#") and keep(line)]
        print(f"  perf, {label} ({title}):")
        for line in lines[:12]:
            print("   " + line.strip()[:170])


def wrk(url, headers, pid=None, label=""):
    script = os.path.join(tempfile.gettempdir(), "airlock-scale.lua")
    with open(script, "w") as file:
        file.write(WRK_SCRIPT)
    arguments = ["wrk", "-t2", f"-c{connections}", f"-d{duration}", "-s", script]
    for name, value in headers.items():
        arguments += ["-H", f"{name}: {value}"]
    measuring = subprocess.Popen(arguments + [url], stdout=subprocess.PIPE, text=True)
    if profile and pid:
        time.sleep(1)
        top_symbols(pid, 4, label)
    output, _ = measuring.communicate()
    requests, p50, p95, p99 = re.search(r"RESULT (\d+) ([\d.]+) ([\d.]+) ([\d.]+)", output).groups()
    seconds, errors = re.search(r"SECONDS ([\d.]+) ERRORS (\d+)", output).groups()
    return {"rps": int(requests) / float(seconds), "p50": float(p50), "p95": float(p95), "p99": float(p99), "errors": int(errors)}


def measure(target):
    label = "sqlite" if target == "sqlite" else "postgres"
    extra = [] if target == "sqlite" else ["--database-url", target]
    server = Server(label, extra)
    try:
        template(server)
        started = time.time()
        runs, pending = seed(target, server.data)
        print(f"{label}: seeded {environments} environments, {runs} runs ({pending} queued, {running} running) in {time.time() - started:.1f} s")
        busy_environment = "env-0001"
        some_run = server.api("GET", f"/organizations/acme/environments/{busy_environment}/runs")[0]["id"]
        cookie = {"Cookie": server.session_cookie()}
        bearer = {"Authorization": f"Bearer {server.token}"}
        healthz = wrk(server.base + "/healthz", {})
        print(f"{label}_healthz\trps {healthz['rps']:.0f}\tp50 {healthz['p50']:.2f} ms\tp95 {healthz['p95']:.2f} ms")
        for name, path, headers in [
            ("environments_page", "/terraform/acme/environments", cookie),
            ("environment_page", f"/terraform/acme/environments/{busy_environment}", cookie),
            ("run_page", f"/terraform/acme/environments/{busy_environment}/runs/{some_run}", cookie),
            ("runs_api", f"/api/v1/organizations/acme/environments/{busy_environment}/runs", bearer),
            ("environments_api", "/api/v1/organizations/acme/environments", bearer),
            ("environments_api_deep_page", "/api/v1/organizations/acme/environments?after=env-0900", bearer),
            ("environments_api_search", "/api/v1/organizations/acme/environments?search=env-09", bearer),
            ("environments_page_search", "/terraform/acme/environments?search=env-09", cookie),
        ]:
            result = wrk(server.base + path, headers, server.process.pid, f"{label}_{name}")
            verdict = "met" if result["p95"] < 50 and result["errors"] == 0 else "NOT met"
            print(f"{label}_{name}\trps {result['rps']:.0f} ({result['rps'] / healthz['rps']:.2f}x /healthz)\t"
                  f"p50 {result['p50']:.2f} ms\tp95 {result['p95']:.2f} ms ({result['p95'] / max(healthz['p95'], 0.001):.1f}x /healthz)\t"
                  f"errors {result['errors']}\tgoal p95 < 50 ms: {verdict}")
        memory = server.peak_memory_mb()
        print(f"{label}_peak_memory\t{memory:.0f} MB\tgoal < 300 MB: {'met' if memory < 300 else 'NOT met'}")
    finally:
        server.stop()


if __name__ == "__main__":
    for target in targets:
        measure(target)

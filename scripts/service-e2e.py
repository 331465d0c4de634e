#!/usr/bin/env python3
"""End-to-end test of the proving service: `sidecar serve`, `sidecar agent` and
`sidecar prove-block --broker`, run as real processes against one database.

    python3 scripts/service-e2e.py --sidecar target/ci/sidecar --db sqlite:///tmp/e2e/broker.db \
        --workdir /tmp/e2e --keys /tmp/keys
    python3 scripts/service-e2e.py ... --db postgres://postgres@127.0.0.1:5432/e2e

The database must be fresh: a SQLite file is removed first; a PostgreSQL database must hold no
blocks. Checks, in order (each prints a line when it passes):

  1. three agents prove a tiny 8-tx block submitted by `prove-block --broker`; `verify-block`
  2. an agent SIGKILLed mid-job: its lease expires, two fresh agents finish the block, every job
     is done and was completed exactly once (Prometheus counters), the bundle verifies
  3. the broker SIGKILLed mid-block and restarted on the same database: the block completes
  4. malformed / oversized / unauthorized / unknown requests get the right 4xx with a JSON
     `{"error", "status"}` body, and the broker carries on with nothing lost
  5. `GET /metrics` passes `promtool check metrics`
  6. the dashboard, rendered by headless Chromium, shows the running block's tree and follows it

Standard library only. Every process started is killed at exit; their logs (with times since
the start of the script) are in WORKDIR/logs and printed when a check fails.
"""

import argparse
import hashlib
import html.parser
import http.client as httpclient
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

T0 = time.monotonic()
CLIENT_TOKEN = "e2e-client-token"
AGENT_TOKEN = "e2e-agent-token"
LEASE_S = 3
JSON_LIMIT = 64 << 20  # ServiceConfig::max_json_bytes


def now():
    return time.monotonic() - T0


def log(msg):
    print(f"[{now():6.1f}s] {msg}", flush=True)


class CheckFailed(Exception):
    pass


def fail(msg):
    raise CheckFailed(msg)


def expect(cond, msg):
    if not cond:
        fail(msg)


# --------------------------------------------------------------------------------------------
# Processes


class Proc:
    """A child process whose stdout and stderr go, line by line with a time stamp, to a log."""

    def __init__(self, name, args, logdir, env=None):
        self.name = name
        self.args = [str(a) for a in args]
        self.log_path = os.path.join(logdir, f"{name}.log")
        self.file = open(self.log_path, "a", encoding="utf-8", errors="replace")
        self.file.write(f"[{now():6.1f}s] $ {' '.join(self.args)}\n")
        self.file.flush()
        self.popen = subprocess.Popen(
            self.args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        self.pid = self.popen.pid
        self.thread = threading.Thread(target=self._pump, daemon=True)
        self.thread.start()

    def _pump(self):
        for raw in self.popen.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.file.write(f"[{now():6.1f}s] {line}\n")
            self.file.flush()

    def alive(self):
        return self.popen.poll() is None

    def signal(self, sig):
        if self.alive():
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass

    def wait(self, timeout):
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill9(self):
        """SIGKILL and reap."""
        self.signal(signal.SIGKILL)
        self.popen.wait()
        self.thread.join(5)
        self._note(f"killed with SIGKILL (exit {self.popen.returncode})")

    def stop(self, grace=10):
        """SIGTERM, then SIGKILL after `grace` seconds."""
        self.signal(signal.SIGTERM)
        if self.wait(grace) is None:
            self.signal(signal.SIGKILL)
            self.popen.wait()
        self.thread.join(5)
        self._note(f"stopped (exit {self.popen.returncode})")

    def _note(self, what):
        try:
            self.file.write(f"[{now():6.1f}s] --- e2e: {what}\n")
            self.file.flush()
        except ValueError:
            pass

    def close(self):
        self.thread.join(2)
        self.file.close()


class Env:
    """What the checks share: the binary, paths, the broker process, the agents."""

    def __init__(self, args):
        self.sidecar = os.path.abspath(args.sidecar)
        self.db = args.db
        self.workdir = os.path.abspath(args.workdir)
        self.keys = os.path.abspath(args.keys)
        self.txs = args.txs
        self.logdir = os.path.join(self.workdir, "logs")
        self.artifacts = os.path.join(self.workdir, "artifacts")
        self.procs = []
        self.serve = None
        self.agents = []
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.blocks_done = {}  # block id -> check that proved it
        self.agent_count = 0
        self.serve_count = 0

    # -- processes --

    def start(self, name, args):
        p = Proc(name, args, self.logdir)
        self.procs.append(p)
        return p

    def run(self, name, args, timeout):
        """Runs a command to completion with its output logged; fails on a non-zero exit."""
        p = self.start(name, args)
        if p.wait(timeout) is None:
            p.kill9()
            fail(f"{name}: still running after {timeout} s (log {p.log_path})")
        p.thread.join(5)
        if p.popen.returncode != 0:
            fail(f"{name} exited with {p.popen.returncode}:\n{tail(p.log_path, 30)}")
        return p

    def start_serve(self):
        self.serve_count += 1
        self.serve = self.start(
            f"serve-{self.serve_count}",
            [
                self.sidecar, "serve", "--db", self.db, "--listen", f"127.0.0.1:{self.port}",
                "--artifacts", self.artifacts, "--keys", self.keys,
                "--client-token", CLIENT_TOKEN, "--agent-token", AGENT_TOKEN,
                "--lease-s", LEASE_S,
            ],
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if not self.serve.alive():
                fail(f"serve exited with {self.serve.popen.returncode} at start-up")
            try:
                status, _, body = http("GET", self.url + "/healthz", timeout=2)
                if status == 200:
                    return self.serve
            except OSError:
                pass
            time.sleep(0.1)
        fail("serve did not answer /healthz within 60 s")

    def start_agent(self, label=None):
        self.agent_count += 1
        name = label or f"agent-{self.agent_count}"
        workdir = os.path.join(self.workdir, "agents", name)
        p = self.start(
            name,
            [
                self.sidecar, "agent", "--broker", self.url, "--token", AGENT_TOKEN,
                "--profile", "minimum", "--backend", "cpu", "--work-dir", workdir,
                "--name", f"e2e-{name}", "--poll-ms", "100",
            ],
        )
        p.agent_name = f"e2e-{name}"
        self.agents.append(p)
        return p

    def stop_agents(self):
        for a in self.agents:
            a.signal(signal.SIGTERM)
        for a in self.agents:
            a.stop(grace=15)
        self.agents = []

    def kill_all(self):
        for p in self.procs:
            if p.alive():
                p.signal(signal.SIGKILL)
        for p in self.procs:
            try:
                p.popen.wait(10)
            except subprocess.TimeoutExpired:
                pass
            p.close()

    # -- API --

    def api(self, method, path, body=None, token=CLIENT_TOKEN, expect_status=200, timeout=30):
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if data is not None else {}
        status, _, raw = http(method, self.url + path, data, token, headers, timeout)
        if status != expect_status:
            fail(f"{method} {path}: HTTP {status}, expected {expect_status}: {raw[:500]!r}")
        return json.loads(raw) if raw else None

    def block(self, bid):
        return self.api("GET", f"/v1/blocks/{bid}")

    def submit(self, seed):
        st = self.api(
            "POST", "/v1/blocks",
            {"workload": {"preset": "tiny", "txs": self.txs, "seed": seed}},
            expect_status=202,
        )
        log(f"block {st['id'][:12]} (tiny, {self.txs} txs, seed {seed}) submitted: {st['state']}")
        return st["id"]

    def wait_block(self, bid, until, what, timeout=240, every=0.2):
        """Polls block `bid` until `until(status)` holds; fails if it fails or times out."""
        deadline = time.monotonic() + timeout
        while True:
            st = self.block(bid)
            if until(st):
                return st
            if st["state"] in ("failed", "cancelled"):
                fail(f"block {bid[:12]} is {st['state']}: {st.get('error')}")
            if time.monotonic() > deadline:
                fail(f"block {bid[:12]}: not {what} after {timeout} s "
                     f"(state {st['state']}, {st['done']}/{st['total']} proven)")
            time.sleep(every)

    def wait_done(self, bid, timeout=240):
        st = self.wait_block(bid, lambda s: s["state"] == "done", "done", timeout, every=0.5)
        log(f"block {bid[:12]} done: {st['total']} proofs")
        return st

    def metrics(self, openmetrics=False):
        accept = {"Accept": "application/openmetrics-text; version=1.0.0"} if openmetrics else None
        status, headers, raw = http("GET", self.url + "/metrics", headers=accept)
        expect(status == 200, f"GET /metrics: HTTP {status}")
        return headers, raw.decode()

    def fetch_bundle(self, bid, out):
        """Writes block `bid`'s bundle to `out` from `GET /v1/blocks/{id}/bundle` and the
        artifacts it names (hashes and sizes checked)."""
        files = self.api("GET", f"/v1/blocks/{bid}/bundle")
        expect(isinstance(files, list) and files, f"bundle of {bid[:12]}: empty file list")
        if os.path.exists(out):
            shutil.rmtree(out)
        for f in files:
            parts = f["path"].split("/")
            expect(all(p not in ("", ".", "..") for p in parts), f"bundle path {f['path']!r}")
            status, _, raw = http("GET", f"{self.url}/v1/artifacts/{f['hash']}", token=CLIENT_TOKEN)
            expect(status == 200, f"GET /v1/artifacts/{f['hash']}: HTTP {status}")
            expect(hashlib.sha256(raw).hexdigest() == f["hash"],
                   f"artifact {f['hash']}: its bytes do not hash to it")
            expect(len(raw) == f["size"],
                   f"artifact {f['hash']}: {len(raw)} bytes, listed as {f['size']}")
            dest = os.path.join(out, *parts)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "wb") as fh:
                fh.write(raw)
        return len(files)

    def verify(self, bundle, name):
        self.run(name, [self.sidecar, "verify-block", "-q", bundle], timeout=120)
        log(f"verify-block {os.path.relpath(bundle, self.workdir)}: valid")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Straight to 127.0.0.1, whatever http_proxy says.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http(method, url, data=None, token=None, headers=None, timeout=30):
    """One request: (status, headers, body bytes), for any status. (urllib sends a body as
    `application/x-www-form-urlencoded` unless told otherwise.)"""
    req = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if token is not None:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with OPENER.open(req, timeout=timeout) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def http_raw(method, url, data, headers):
    """One request with exactly `headers` (no Content-Type added): (status, headers, body)."""
    u = urllib.parse.urlsplit(url)
    conn = httpclient.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        conn.request(method, u.path + (f"?{u.query}" if u.query else ""), data, headers)
        r = conn.getresponse()
        return r.status, r.headers, r.read()
    finally:
        conn.close()


def tail(path, n):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.readlines()
    except OSError as e:
        return f"({e})"
    return "".join(lines[-n:])


def counter_sum(text, name):
    """Sum over labels of the samples of metric `name` in an exposition."""
    total = 0.0
    pat = re.compile(r"^" + re.escape(name) + r"(\{[^}]*\})?\s+(\S+)")
    for line in text.splitlines():
        m = pat.match(line)
        if m:
            total += float(m.group(2))
    return total


# --------------------------------------------------------------------------------------------
# Checks


def check_three_agents(env):
    """1. Three agents prove a tiny 8-tx block submitted with `prove-block --broker`."""
    env.start_serve()
    blocks = env.api("GET", "/v1/blocks")
    expect(blocks == [], f"the database is not fresh: it holds {len(blocks)} block(s); "
           "give a new database (a new SQLite file, or `CREATE DATABASE` on PostgreSQL)")
    for _ in range(3):
        env.start_agent()
    bundle = os.path.join(env.workdir, "bundles", "block-1")
    env.run(
        "prove-block-1",
        [env.sidecar, "prove-block", "--preset", "tiny", "--txs", env.txs, "--broker", env.url,
         "--token", CLIENT_TOKEN, "--out", bundle, "-q"],
        timeout=300,
    )
    env.verify(bundle, "verify-block-1")
    blocks = env.api("GET", "/v1/blocks")
    expect(len(blocks) == 1 and blocks[0]["state"] == "done", f"blocks after prove-block: {blocks}")
    st = env.block(blocks[0]["id"])
    agents_used = {n["agent"] for n in st["nodes"]}
    log(f"block {st['id'][:12]}: {st['total']} proofs by {len(agents_used)} agent(s)")
    expect(len(agents_used) >= 2, f"only {len(agents_used)} agent(s) proved the block's jobs")
    env.blocks_done[st["id"]] = "check 1"


def agent_ids(env):
    return {a["name"]: a["id"] for a in env.api("GET", "/v1/agents")}


def check_agent_killed(env):
    """2. An agent SIGKILLed mid-job: its lease expires, fresh agents finish the block, every
    job completed exactly once."""
    env.stop_agents()
    _, before = env.metrics()
    completed0 = counter_sum(before, "sidecar_jobs_completed_total")
    timeouts0 = counter_sum(before, "sidecar_lease_timeouts_total")
    bid = env.submit(seed=7)
    victim = env.start_agent("victim")

    def victim_leased(st):
        ids = agent_ids(env)
        vid = ids.get(victim.agent_name)
        return vid is not None and any(
            n["state"] == "leased" and n["agent"] == vid for n in st["nodes"])

    env.wait_block(bid, victim_leased, "leased by the victim agent", timeout=120, every=0.1)
    vid = agent_ids(env)[victim.agent_name]
    victim.kill9()
    env.agents.remove(victim)
    st = env.block(bid)
    held = [n for n in st["nodes"] if n["state"] == "leased" and n["agent"] == vid]
    expect(held, "the victim agent held no lease right after SIGKILL (it finished its job in "
           "the instant before the kill); rerun")
    victim_job = held[0]["job"]
    log(f"agent {vid} SIGKILLed holding job {victim_job[:12]} ({held[0]['kind']}, node "
        f"{held[0]['node']}); {st['done']}/{st['total']} proven")
    env.start_agent()
    env.start_agent()
    st = env.wait_done(bid)

    jobs = sorted({n["job"] for n in st["nodes"]})
    expect(len(st["nodes"]) == st["total"], f"{len(st['nodes'])} nodes listed, total {st['total']}")
    views = {}
    for j in jobs:
        v = env.api("GET", f"/v1/jobs/{j}")
        expect(v["state"] == "done", f"job {j[:12]} is {v['state']}, not done")
        expect(v["output"], f"job {j[:12]} is done without an output")
        views[j] = v
    # Jobs done before this block was submitted (the same work in an earlier block) are not
    # proven again; none are expected, but count only the rest.
    fresh = [j for j, v in views.items() if v["finished_ms"] >= st["created_ms"]]
    if len(fresh) != len(jobs):
        log(f"note: {len(jobs) - len(fresh)} job(s) of the block were already done before it")
    _, after = env.metrics()
    completed = counter_sum(after, "sidecar_jobs_completed_total") - completed0
    timeouts = counter_sum(after, "sidecar_lease_timeouts_total") - timeouts0
    expect(completed == len(fresh),
           f"sidecar_jobs_completed_total grew by {completed:g}, but the block has "
           f"{len(fresh)} distinct job(s) proven: some job completed more or less than once")
    expect(timeouts >= 1, f"sidecar_lease_timeouts_total grew by {timeouts:g}: the killed "
           "agent's lease never expired")
    v = views[victim_job]
    expect(v["attempts"] >= 2 and v["agent"] != vid,
           f"the victim's job {victim_job[:12]}: attempts {v['attempts']}, agent {v['agent']}; "
           "expected another agent's later attempt")
    log(f"{len(jobs)} jobs each done once (completed +{completed:g}, lease timeouts "
        f"+{timeouts:g}); the victim's job finished on attempt {v['attempts']} by {v['agent']}")
    bundle = os.path.join(env.workdir, "bundles", "block-2")
    n = env.fetch_bundle(bid, bundle)
    log(f"bundle of {n} files downloaded")
    env.verify(bundle, "verify-block-2")
    env.blocks_done[bid] = "check 2"


def check_broker_restart(env):
    """3. The broker SIGKILLed mid-block and restarted on the same database and artifacts."""
    expect(len([a for a in env.agents if a.alive()]) >= 2, "agents of check 2 are gone")
    bid = env.submit(seed=11)
    st = env.wait_block(bid, lambda s: s["state"] == "proving" and 0 < s["done"] < s["total"],
                        "partly proven", timeout=180, every=0.2)
    log(f"SIGKILL serve at {st['done']}/{st['total']} proven")
    env.serve.kill9()
    time.sleep(LEASE_S + 1)  # agents find the broker gone, and leases run out meanwhile
    env.start_serve()
    log("serve restarted on the same database, artifacts and port")
    env.wait_done(bid)
    dead = [a.name for a in env.agents if not a.alive()]
    expect(not dead, f"agents exited while the broker was down: {dead}")
    warned = sum(tail(a.log_path, 10_000).count("WARN") for a in env.agents)
    log(f"agents logged {warned} warning(s) while the broker was away, and carried on")
    bundle = os.path.join(env.workdir, "bundles", "block-3")
    env.fetch_bundle(bid, bundle)
    env.verify(bundle, "verify-block-3")
    env.blocks_done[bid] = "check 3"


def check_bad_requests(env):
    """4. Malformed, oversized, unauthorized and unknown requests: the right 4xx, a JSON
    `{"error", "status"}` body, and the broker carries on."""
    json_ct = {"Content-Type": "application/json"}
    workload = {"workload": {"preset": "tiny", "txs": 1, "seed": 99}}
    fake = "ab" * 32

    def case(what, method, path, expected, data=None, token=CLIENT_TOKEN, headers=None,
             raw_headers=None):
        """One request that must get `expected` with a JSON error body. `raw_headers`: send
        exactly these headers (no token, no Content-Type added)."""
        try:
            if raw_headers is not None:
                status, resp_headers, raw = http_raw(method, env.url + path, data, raw_headers)
            else:
                status, resp_headers, raw = http(method, env.url + path, data, token, headers)
        except (OSError, httpclient.HTTPException) as e:
            fail(f"{what}: {method} {path}: no response: {e}")
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        if status != expected:
            problem = f"{method} {path} gave HTTP {status}, expected {expected}: {raw[:200]!r}"
        elif not (isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"]
                  and body.get("status") == expected):
            problem = (f"{method} {path}: HTTP {status} with a body that is not "
                       f'{{"error": "...", "status": {expected}}} '
                       f"(Content-Type {resp_headers.get('Content-Type')!r}): {raw[:200]!r}")
        else:
            print(f"    {expected} {what}: {body['error'][:90]}", flush=True)
            return
        fail(f"{what}: {problem}")

    case("malformed JSON", "POST", "/v1/blocks", 400, b'{"workload": {"preset": ', headers=json_ct)
    case("unknown field", "POST", "/v1/blocks", 400,
         json.dumps({**workload, "colour": "red"}).encode(), headers=json_ct)
    case("unknown field in workload", "POST", "/v1/blocks", 400,
         json.dumps({"workload": {"preset": "tiny", "txs": 1, "speed": 9}}).encode(),
         headers=json_ct)
    case("wrong content type", "POST", "/v1/blocks", 415, json.dumps(workload).encode(),
         headers={"Content-Type": "text/plain"})
    case("form content type", "POST", "/v1/blocks", 415, json.dumps(workload).encode(),
         headers={"Content-Type": "application/x-www-form-urlencoded"})
    case("no content type", "POST", "/v1/blocks", 415, json.dumps(workload).encode(),
         raw_headers={"Authorization": f"Bearer {CLIENT_TOKEN}"})
    # The JSON limit is ServiceConfig::max_json_bytes, 64 MiB (`serve` has no flag for it).
    # At the limit the body is parsed (and refused for its unknown field); one byte over, 413.
    # Exactly one byte over, the broker has read the whole body when it answers; with more,
    # it answers and closes with bytes unread, and the RST may beat the 413 to the client.
    def padded(n):
        return b'{"pad": "' + b"x" * (n - 11) + b'"}'

    t = time.monotonic()
    case("64 MiB JSON body (at the limit)", "POST", "/v1/blocks", 400, padded(JSON_LIMIT),
         headers=json_ct)
    case("64 MiB + 1 byte JSON body (over the limit)", "POST", "/v1/blocks", 413,
         padded(JSON_LIMIT + 1), headers=json_ct)
    log(f"the two 64 MiB requests took {time.monotonic() - t:.2f} s")
    case("no token", "GET", "/v1/blocks", 401, token=None)
    case("wrong token", "GET", "/v1/blocks", 401, token="not-the-token")
    case("agent token on a client route", "GET", "/v1/blocks", 401, token=AGENT_TOKEN)
    case("client token on an agent route", "POST", "/v1/agent/lease", 401,
         json.dumps({"agent": "x", "name": "x", "kinds": ["vm"]}).encode(), headers=json_ct)
    case("token without `Bearer`", "GET", "/v1/blocks", 401, token=None,
         headers={"Authorization": CLIENT_TOKEN})
    case("unknown block id", "GET", f"/v1/blocks/{fake}", 404)
    case("non-hex block id", "GET", "/v1/blocks/not-a-block-id", 404)
    case("unknown block's bundle", "GET", f"/v1/blocks/{fake}/bundle", 404)
    case("unknown job", "GET", f"/v1/jobs/{fake}", 404)
    case("unknown artifact", "GET", f"/v1/artifacts/{fake}", 404)
    case("non-hex artifact", "GET", "/v1/artifacts/..%2F..%2Fetc%2Fpasswd", 404)
    case("unknown route", "GET", "/v1/nothing-here", 404)
    case("query string that does not parse", "GET", "/v1/blocks?limit=abc", 400)
    case("wrong method", "DELETE", "/v1/blocks", 405)
    case("wrong method (agent route)", "GET", "/v1/agent/lease", 405, token=AGENT_TOKEN)
    status, _, raw = http("PUT", env.url + "/v1/artifacts", b"\x00garbage witness\xff" * 64,
                          CLIENT_TOKEN, {"Content-Type": "application/octet-stream"})
    expect(status == 201, f"PUT /v1/artifacts: HTTP {status}: {raw[:200]!r}")
    garbage = json.loads(raw)["hash"]
    case("job with a garbage witness", "POST", "/v1/jobs", 400,
         json.dumps({"witness": garbage}).encode(), headers=json_ct)
    case("job with a witness that is not a hash", "POST", "/v1/jobs", 400,
         json.dumps({"witness": "nope"}).encode(), headers=json_ct)
    case("job with an unknown witness", "POST", "/v1/jobs", 404,
         json.dumps({"witness": fake}).encode(), headers=json_ct)
    case("workload of 0 txs", "POST", "/v1/blocks", 400,
         json.dumps({"workload": {"preset": "tiny", "txs": 0}}).encode(), headers=json_ct)
    case("both block and workload missing", "POST", "/v1/blocks", 400, b"{}", headers=json_ct)

    expect(env.serve.alive(), "serve exited during the bad requests")
    status, _, raw = http("GET", env.url + "/healthz")
    expect(status == 200 and raw.strip() == b"ok", f"/healthz: HTTP {status} {raw!r}")
    blocks = {b["id"]: b for b in env.api("GET", "/v1/blocks")}
    for bid, who in env.blocks_done.items():
        expect(bid in blocks, f"block {bid[:12]} ({who}) is gone from GET /v1/blocks")
        expect(blocks[bid]["state"] == "done",
               f"block {bid[:12]} ({who}) is {blocks[bid]['state']}, no longer done")
    expect(len(blocks) == len(env.blocks_done),
           f"{len(blocks)} blocks listed, expected {len(env.blocks_done)}: a bad request made one")
    log(f"broker healthy; the {len(blocks)} earlier blocks are still done")


def promtool(text):
    p = subprocess.run(["promtool", "check", "metrics"], input=text.encode(),
                       capture_output=True, timeout=60)
    return p.returncode, (p.stdout + p.stderr).decode().strip()


def check_metrics(env):
    """5. `GET /metrics` passes `promtool check metrics`."""
    if shutil.which("promtool") is None:
        fail("promtool is not on PATH: install it (Debian/Ubuntu: `apt-get install prometheus`; "
             "scripts/test.sh does)")
    headers, text = env.metrics()
    path = os.path.join(env.workdir, "metrics.txt")
    with open(path, "w") as f:
        f.write(text)
    ctype = headers.get("Content-Type", "")
    expect(ctype.startswith("text/plain; version=0.0.4"), f"/metrics content type {ctype!r}")
    for name in ["sidecar_jobs_completed_total", "sidecar_job_leases_total",
                 "sidecar_lease_timeouts_total", "sidecar_job_retries_total",
                 "sidecar_job_duration_seconds_bucket", "sidecar_queue_depth", "sidecar_blocks",
                 "sidecar_leases_active", "sidecar_agents_alive", "sidecar_artifacts_bytes"]:
        expect(re.search(r"^" + re.escape(name) + r"[{ ]", text, re.M),
               f"/metrics has no `{name}` sample ({path})")
    rc, out = promtool(text)
    expect(rc == 0, f"promtool check metrics (exit {rc}) on {path}:\n{out}")
    om_headers, om = env.metrics(openmetrics=True)
    expect(om_headers.get("Content-Type", "").startswith("application/openmetrics-text"),
           "/metrics with Accept: application/openmetrics-text is not OpenMetrics")
    expect(om.endswith("# EOF\n"), "the OpenMetrics exposition does not end with `# EOF`")
    log("promtool check metrics: passed; OpenMetrics served to scrapers that ask for it")


class DomNodes(html.parser.HTMLParser):
    """Collects the dashboard's `.node` elements, the shown block id, and the error line."""

    def __init__(self):
        super().__init__()
        self.states = []
        self.updated = None
        self.block_id = ""
        self.error = ""
        self._capture = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.updated = a.get("data-updated")
        if "node" in (a.get("class") or "").split() and "data-state" in a:
            self.states.append(a["data-state"])
        if a.get("id") in ("block-id", "error"):
            self._capture = a["id"]

    def handle_endtag(self, tag):
        self._capture = None

    def handle_data(self, data):
        if self._capture == "block-id":
            self.block_id += data
        elif self._capture == "error":
            self.error += data


def dump_dashboard(env, n):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    profile = os.path.join(env.workdir, f"chromium-{n}")
    url = f"{env.url}/dashboard#token={CLIENT_TOKEN}"
    args = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-proxy-server", f"--user-data-dir={profile}",
            "--virtual-time-budget=4000",
            "--dump-dom", url]
    t = time.monotonic()
    errlog = os.path.join(env.logdir, f"chromium-{n}.log")
    with open(errlog, "w") as err:
        try:
            p = subprocess.run(args, stdout=subprocess.PIPE, stderr=err, timeout=90,
                               stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            fail(f"chromium --dump-dom did not finish in 90 s (log {errlog})")
    shutil.rmtree(profile, ignore_errors=True)
    dom = p.stdout.decode("utf-8", "replace")
    with open(os.path.join(env.workdir, f"dashboard-{n}.html"), "w") as f:
        f.write(dom)
    expect(p.returncode == 0 and dom.strip(),
           f"chromium exited with {p.returncode}, DOM of {len(dom)} chars:\n{tail(errlog, 20)}")
    parsed = DomNodes()
    parsed.feed(dom)
    expect(parsed.updated, "the dashboard never finished a refresh (no body[data-updated]); "
           f"error line: {parsed.error!r}; DOM in {env.workdir}/dashboard-{n}.html")
    expect(not parsed.error.strip(), f"the dashboard shows an error: {parsed.error!r}")
    return parsed, time.monotonic() - t


def check_dashboard(env):
    """6. The dashboard in headless Chromium shows the running block's tree and follows it."""
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        fail("chromium is not on PATH: install it (Debian/Ubuntu: `apt-get install chromium`; "
             "scripts/test.sh does)")
    expect(len([a for a in env.agents if a.alive()]) >= 1, "no agent is running")
    bid = env.submit(seed=13)
    st = env.wait_block(bid, lambda s: s["state"] == "proving" and s["done"] < s["total"],
                        "proving", timeout=180, every=0.2)
    first, secs = dump_dashboard(env, 1)
    log(f"dashboard 1 ({secs:.1f} s): block {first.block_id}, {len(first.states)} nodes, "
        f"{first.states.count('done')} done")
    expect(first.block_id == bid[:12], f"the dashboard shows block {first.block_id!r}, not the "
           f"running {bid[:12]}")
    expect(len(first.states) == st["total"],
           f"the dashboard shows {len(first.states)} nodes; the block has {st['total']}")
    expect(any(s != "done" for s in first.states), "every node shown is done already "
           "(the block finished before the page loaded); rerun")
    known = {"waiting", "queued", "leased", "done", "failed", "cancelled"}
    expect(set(first.states) <= known, f"unknown node states {set(first.states) - known}")
    done1 = first.states.count("done")
    env.wait_block(bid, lambda s: s["done"] > done1, f"past {done1} proofs", timeout=120)
    second, secs = dump_dashboard(env, 2)
    done2 = second.states.count("done")
    log(f"dashboard 2 ({secs:.1f} s): {len(second.states)} nodes, {done2} done")
    expect(len(second.states) == st["total"],
           f"the second dashboard shows {len(second.states)} nodes; the block has {st['total']}")
    expect(done2 > done1, f"the dashboard's done nodes did not grow: {done1} then {done2}")
    env.wait_done(bid)
    env.blocks_done[bid] = "check 6"


CHECKS = [
    ("three agents prove a tiny block", check_three_agents),
    ("agent SIGKILLed mid-job", check_agent_killed),
    ("broker SIGKILLed and restarted mid-block", check_broker_restart),
    ("malformed, oversized, unauthorized, unknown requests", check_bad_requests),
    ("metrics pass promtool", check_metrics),
    ("dashboard in headless Chromium", check_dashboard),
]


def fresh_workdir(env):
    os.makedirs(env.workdir, exist_ok=True)
    for sub in ["logs", "artifacts", "agents", "bundles", "bin"]:
        shutil.rmtree(os.path.join(env.workdir, sub), ignore_errors=True)
    for sub in ["logs", "bundles"]:
        os.makedirs(os.path.join(env.workdir, sub))
    os.makedirs(env.keys, exist_ok=True)
    if env.db.startswith("sqlite://"):
        path = env.db[len("sqlite://"):].split("?")[0]
        for suffix in ["", "-wal", "-shm", "-journal"]:
            if os.path.exists(path + suffix):
                os.remove(path + suffix)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sidecar", required=True, help="the sidecar binary")
    ap.add_argument("--db", required=True, help="sqlite://FILE (removed first) or postgres://… "
                    "(a database without blocks)")
    ap.add_argument("--workdir", required=True, help="logs, artifacts, bundles, agents' dirs")
    ap.add_argument("--keys", required=True, help="key cache of serve (kept across runs)")
    ap.add_argument("--txs", type=int, default=8, help="txs per block (default 8)")
    ap.add_argument("--only", help="comma-separated check numbers to run (1 always runs)")
    args = ap.parse_args()
    if not os.access(args.sidecar, os.X_OK):
        sys.exit(f"service-e2e: {args.sidecar} is not an executable")
    env = Env(args)
    fresh_workdir(env)
    # A copy of the binary, so that every process of the run is the same program even if the
    # original is rebuilt meanwhile (a new serve on a modified migration would refuse the db).
    snapshot = os.path.join(env.workdir, "bin", "sidecar")
    os.makedirs(os.path.dirname(snapshot), exist_ok=True)
    shutil.copy2(env.sidecar, snapshot)
    env.sidecar = snapshot
    only = {1} | {int(x) for x in args.only.split(",")} if args.only else None
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print(f"service-e2e: database {env.db}, broker {env.url}, workdir {env.workdir}", flush=True)
    failed = None
    timings = []
    try:
        for i, (title, fn) in enumerate(CHECKS, 1):
            if only and i not in only:
                continue
            t = time.monotonic()
            log(f"check {i}: {title} ...")
            fn(env)
            timings.append((i, time.monotonic() - t))
            log(f"PASS {i}: {title} ({timings[-1][1]:.1f} s)")
    except CheckFailed as e:
        failed = f"check {i} ({title}): {e}"
    except Exception as e:  # noqa: BLE001 - a crash of the script is a failure too
        import traceback
        traceback.print_exc()
        failed = f"check {i} ({title}): {type(e).__name__}: {e}"
    finally:
        env.kill_all()
    if failed:
        print(f"\nservice-e2e: FAIL {failed}\n", file=sys.stderr)
        for p in env.procs:
            print(f"===== {p.name} (last 150 lines of {p.log_path}) =====", file=sys.stderr)
            print(tail(p.log_path, 150), file=sys.stderr)
        print(f"service-e2e: FAIL {failed}", file=sys.stderr)
        sys.exit(1)
    per = ", ".join(f"{i}: {s:.0f} s" for i, s in timings)
    print(f"service-e2e: all {len(timings)} checks passed on {env.db} in {now():.0f} s ({per})")


if __name__ == "__main__":
    main()

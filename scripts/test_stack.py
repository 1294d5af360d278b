"""`make test-stack`: the production stack on this machine, under load, with faults injected.

Starts the stack (scripts/stack.sh) with its e-mail pointed at an SMTP sink this script runs
(aiosmtpd on 127.0.0.1), then through nginx: CLIENTS concurrent clients file TOTAL requests —
two thirds over the web form (as a browser: the form page, its CSRF cookie and signed start
time, the minimum fill time), one third over Open311 POST with an API key made for the test —
while public reads go on and faults are injected: the Celery worker killed (SIGKILL) and, later, stopped and started again,
Redis restarted, the replica stopped and started. Then it checks: every request stored exactly
once, every confirmation e-mail delivered exactly once, no 5xx, public reads served while the
replica was down, the replica's lag back under 1 s, a tile cached by nginx (HIT) and refreshed
after its data changed. Prints a table and stops the stack. Exit status 1 on any failure.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
BASE = f"http://127.0.0.1:{os.environ.get('MISTO_STACK_PORT', '8080')}"
CLIENTS = int(os.environ.get("MISTO_STACK_CLIENTS", "16"))
TOTAL = int(os.environ.get("MISTO_STACK_REQUESTS", "300"))
SMTP_PORT = int(os.environ.get("MISTO_STACK_SMTP_PORT", "8125"))
RUN_ID = uuid.uuid4().hex[:8]
API_KEY = f"stk{RUN_ID}.{uuid.uuid4().hex}"
PLACE = (49.0105, 33.6380)
TILE = "/tiles/buildings/14/9722/5625.mvt"  # the city centre


def say(text: str) -> None:
    print(f"\033[1;35m[test-stack]\033[0m {text}", flush=True)


# -- the mail sink --------------------------------------------------------------------------------


class Sink:
    def __init__(self):
        self.messages: list[tuple[str, str]] = []  # (recipient, first line of the subject)
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        body = envelope.content.decode("utf8", errors="replace")
        subject = re.search(r"^Subject: (.*)$", body, re.M)
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.messages.append((rcpt.lower(), subject.group(1) if subject else ""))
        return "250 OK"


# -- the stack ----------------------------------------------------------------------------------


def stack(*args: str, env: dict | None = None, check: bool = True) -> str:
    result = subprocess.run(
        ["scripts/stack.sh", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
    )
    if check and result.returncode:
        print(result.stdout, result.stderr)
        raise SystemExit(f"scripts/stack.sh {' '.join(args)} failed")
    return result.stdout


def stack_env(extra: dict) -> dict:
    env = dict(os.environ, **extra)
    for line in stack("env", env=extra).splitlines():
        for assignment in line.removeprefix("export ").split():
            name, _, value = assignment.partition("=")
            env[name] = value
    return env


def manage(env: dict, *args: str) -> str:
    return subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def sql(env: dict, query: str, port: str = "5440") -> str:
    return subprocess.run(
        ["psql", "-X", "-tA", "-h", "127.0.0.1", "-p", port, "-U", "misto", "-d", "misto", "-c", query],
        capture_output=True, text=True, check=True, env={**env, "PGPASSWORD": "misto"},
    ).stdout.strip()  # fmt: skip


# -- clients -----------------------------------------------------------------------------------


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.errors: list[str] = []
        self.filed: list[str] = []  # e-mail addresses of the filings the server accepted
        self.reads_while_replica_down = 0
        self.read_5xx = 0

    def record(self, kind: str, status: int, detail: str = ""):
        with self.lock:
            self.statuses[(kind, status)] += 1
            if status >= 500 or status == 0:
                self.errors.append(f"{kind} {status} {detail}"[:300])


def opener():
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect()), jar


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(op, method: str, path: str, data: dict | None = None, headers: dict | None = None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(BASE + path, data=body, method=method, headers=headers or {})
    try:
        with op.open(request, timeout=60) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers
    except OSError as exc:
        return 0, str(exc).encode(), {}


def file_over_web(n: int, results: Results) -> None:
    op, jar = opener()
    status, page, _ = fetch(op, "GET", "/requests/new/")
    if status != 200:
        results.record("web form page", status)
        return
    started = re.search(rb'name="started" value="([^"]+)"', page).group(1).decode()
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    time.sleep(2.2)  # the form refuses what is sent faster than a person types
    email = f"web-{RUN_ID}-{n}@example.test"
    data = {
        "csrfmiddlewaretoken": csrf, "category": "pothole", "lat": PLACE[0], "lon": PLACE[1],
        "address": "", "text": f"Яма на дорозі біля зупинки, заявка навантаження {RUN_ID}-{n}.",
        "visibility": "public", "name": "Навантаження", "email": email, "phone": "", "website": "",
        "started": started,
    }  # fmt: skip
    status, body, headers = fetch(op, "POST", "/requests/new/", data, {"Referer": BASE + "/requests/new/"})
    if status == 200 and re.search(rb'name="notices_seen"[^>]*value="1"', body):
        # The city announced works or an outage of this kind here (the demo's road works): the
        # form shows the notice once, and the resident who still wants to file sends it again.
        data["notices_seen"] = "1"
        data["started"] = re.search(rb'name="started" value="([^"]+)"', body).group(1).decode()
        status, body, headers = fetch(
            op, "POST", "/requests/new/", data, {"Referer": BASE + "/requests/new/"}
        )
    results.record("web POST", status, body[-200:].decode(errors="replace"))
    if status == 302 and "/requests/new/sent/" in headers.get("Location", ""):
        with results.lock:
            results.filed.append(email)
    elif status < 500:
        results.errors.append(f"web POST refused {status}: {body[:300]!r}")


def file_over_open311(n: int, results: Results) -> None:
    op, _ = opener()
    email = f"o311-{RUN_ID}-{n}@example.test"
    data = {
        "api_key": API_KEY, "jurisdiction_id": "plavni.example", "service_code": "pothole",
        "lat": PLACE[0], "long": PLACE[1], "description": f"Яма, заявка навантаження {RUN_ID}-{n}",
        "email": email, "first_name": "Load",
    }  # fmt: skip
    status, body, _ = fetch(op, "POST", "/open311/v2/requests.json", data)
    results.record("Open311 POST", status, body[:200].decode(errors="replace"))
    if status in (200, 201):
        with results.lock:
            results.filed.append(email)
    elif status < 500:
        results.errors.append(f"Open311 POST refused {status}: {body[:300]!r}")


def reader(stop: threading.Event, replica_down: threading.Event, results: Results) -> None:
    op, _ = opener()
    paths = ["/requests/", "/api/v1/facilities/?limit=20", TILE, "/layers/"]
    i = 0
    while not stop.is_set():
        path = paths[i % len(paths)]
        i += 1
        status, _, _ = fetch(op, "GET", path)
        results.record("public GET", status, path)
        if status == 200 and replica_down.is_set():
            with results.lock:
                results.reads_while_replica_down += 1
        time.sleep(0.05)


def faults(env: dict, replica_down: threading.Event, log: list) -> None:
    def step(label, *args):
        try:
            stack(*args, env=env)
            log.append(label)
        except SystemExit as exc:
            log.append(f"FAILED: {label} ({exc})")

    time.sleep(3)
    step("replica stopped", "stop-replica")
    replica_down.set()
    time.sleep(6)
    replica_down.clear()
    step("replica started", "start-replica")
    time.sleep(1)
    step("Redis restarted", "restart-redis")
    time.sleep(2)
    step("Celery worker killed (SIGKILL; its supervisor restarts it)", "kill-worker")
    time.sleep(4)
    step("Celery worker stopped (warm)", "stop-worker")
    time.sleep(2)
    step("Celery worker started", "start-worker")


# -- checks ------------------------------------------------------------------------------------


def replica_lag(env: dict) -> float:
    deadline = time.time() + 60
    while time.time() < deadline:
        status, body, _ = fetch(opener()[0], "GET", "/healthz")
        if status == 200:
            replica = json.loads(body).get("replica", {})
            if replica.get("status") == "ok" and replica.get("lag_s") is not None and replica["lag_s"] < 1:
                return replica["lag_s"]
        time.sleep(1)
    return float("inf")


def tile_cache(env: dict) -> tuple[str, str, bool]:
    """(status of a repeated tile request, status after the data changed, body changed)."""
    op, _ = opener()
    fetch(op, "GET", TILE)
    _, first, headers = fetch(op, "GET", TILE)
    hit = headers.get("X-Cache-Status", "")
    etag = headers.get("ETag", "")
    # A data change: one building's storeys (the buildings layer carries them).
    sql(
        env,
        "update housing_registry_building set floors = coalesce(floors, 0) + 1 where id = (select min(id) from housing_registry_building)",
    )
    time.sleep(4)  # the nginx entry expires (2 s) and the portal's version cache (1 s)
    _, second, headers = fetch(op, "GET", TILE)
    return hit, headers.get("X-Cache-Status", ""), headers.get("ETag", "") != etag


def main() -> int:
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    extra = {
        "EMAIL_URL": f"smtp://127.0.0.1:{SMTP_PORT}",
        "MISTO_REQUEST_LIMIT_PER_IP": "100000",  # every client comes from 127.0.0.1
        "LOG_LEVEL": "WARNING",
        # the beat's sweep sends what a lost task left pending (citizen_requests/services/notifications.py, notifications_sweep)
        "MISTO_SWEEP_AFTER_S": "15",
    }
    say(f"restarting the stack with e-mail to the SMTP sink on 127.0.0.1:{SMTP_PORT}")
    stack("stop", env=extra)
    subprocess.run(["scripts/stack.sh", "start"], cwd=ROOT, env={**os.environ, **extra}, check=True)
    env = stack_env(extra)
    failures: list[str] = []
    try:
        manage(env, "open311_client", "--name", f"Load test {RUN_ID}", "--key", API_KEY, "--per-minute", "0")
        results, log = Results(), []
        stop, replica_down = threading.Event(), threading.Event()
        readers = [threading.Thread(target=reader, args=(stop, replica_down, results)) for _ in range(2)]
        fault_thread = threading.Thread(target=faults, args=(env, replica_down, log))
        jobs = list(range(TOTAL))
        jobs_lock = threading.Lock()

        def client():
            while True:
                with jobs_lock:
                    if not jobs:
                        return
                    n = jobs.pop()
                (file_over_open311 if n % 3 == 0 else file_over_web)(n, results)

        say(f"load: {CLIENTS} clients, {TOTAL} filings (web form and Open311), 2 readers; faults injected")
        started = time.time()
        for t in readers:
            t.start()
        fault_thread.start()
        clients = [threading.Thread(target=client) for _ in range(CLIENTS)]
        for t in clients:
            t.start()
        for t in clients:
            t.join()
        fault_thread.join()
        stop.set()
        for t in readers:
            t.join()
        elapsed = time.time() - started

        say("waiting for the worker to deliver the e-mails")
        deadline = time.time() + 120  # a lost task's message waits for the sweep (15 s + 30 s beat)
        expected = set(results.filed)
        while time.time() < deadline:
            with sink.lock:
                delivered = Counter(r for r, _ in sink.messages if RUN_ID in r)
            if set(delivered) >= expected:
                break
            time.sleep(1)
        time.sleep(3)  # late duplicates, if any, would arrive now
        with sink.lock:
            delivered = Counter(r for r, _ in sink.messages if RUN_ID in r)

        stored = sql(env, f"select count(*), count(distinct applicant_email) from citizen_requests_request "
                          f"where applicant_email like '%-{RUN_ID}-%'").split("|")  # fmt: skip
        stored_rows, stored_distinct = int(stored[0]), int(stored[1])
        lag = replica_lag(env)
        hit, after_change, etag_changed = tile_cache(env)

        fivexx = sum(c for (kind, status), c in results.statuses.items() if status >= 500 or status == 0)
        mail_dupes = sum(c - 1 for c in delivered.values() if c > 1)
        mail_lost = len(expected - set(delivered))
        checks = [
            (len(results.filed) == TOTAL, f"all {TOTAL} filings accepted ({len(results.filed)})"),
            (stored_rows == len(results.filed) == stored_distinct, f"stored exactly once ({stored_rows} rows)"),
            (mail_dupes == 0 and mail_lost == 0, f"one e-mail per filing ({sum(delivered.values())} sent)"),
            (fivexx == 0, f"no 5xx or dropped connections ({fivexx})"),
            (results.reads_while_replica_down > 0, f"public reads while the replica was down ({results.reads_while_replica_down})"),
            (len(log) == 6 and not any(f.startswith("FAILED") for f in log), "all six faults injected"),
            (lag < 1, f"replica lag back under 1 s ({lag:.2f} s)"),
            (hit == "HIT", f"nginx served the tile from its cache ({hit})"),
            (etag_changed and after_change in ("EXPIRED", "MISS", "REVALIDATED", "UPDATING"),
             f"tile refreshed after the data changed ({after_change}, new ETag: {etag_changed})"),
        ]  # fmt: skip
        failures = [text for ok, text in checks if not ok]

        print()
        print(f"{'load':<34}{CLIENTS} clients, {TOTAL} filings + public reads, {elapsed:.0f} s")
        print(f"{'faults injected':<34}{'; '.join(log)}")
        print(f"{'requests':<34}{len(results.filed)} accepted, {stored_rows} stored")
        print(f"{'e-mails':<34}{sum(delivered.values())} delivered for {len(expected)} filings")
        print(f"{'duplicates':<34}{stored_rows - stored_distinct} requests, {mail_dupes} e-mails")
        print(f"{'losses':<34}{TOTAL - stored_rows} requests, {mail_lost} e-mails")
        print(f"{'5xx / dropped':<34}{fivexx}")
        print(f"{'reads while replica down':<34}{results.reads_while_replica_down}")
        print(f"{'replica lag after':<34}{lag:.2f} s")
        print(f"{'tile cache':<34}{hit} then {after_change} after a data change")
        print()
        for ok, text in checks:
            print(("  ok    " if ok else "  FAIL  ") + text)
        for line in results.errors[:10]:
            print("  error: " + line)
    finally:
        say("stopping the stack")
        stack("stop", check=False)
        controller.stop()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

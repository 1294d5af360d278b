"""The bench's load generator (bench/harness.py run_wrk) with single-use bodies: a filing form's
token is spent by its first sending, so a load that sent one body again and again measured only
refusals ("file a request: web form", every answer an error). Here wrk loads a small server that
refuses a body it has seen: every body arrives once, and a second load goes on with the unsent."""

from __future__ import annotations

import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from harness import Context, Scenario, check_once, run_wrk  # noqa: E402

BODIES = tuple(f"token=form-{i:05d}&text=%D0%AF%D0%BC%D0%B0" for i in range(4000))


class OneTimeForms(BaseHTTPRequestHandler):
    """Answers 302 to a body it has not seen and 403 to one it has (a replayed form)."""

    seen: list[str] = []
    lock = threading.Lock()

    def do_POST(self):  # noqa: N802 (the handler's name is http.server's)
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        time.sleep(0.004)  # a few hundred answers a second: the bodies last the load
        with self.lock:
            replay = body in self.seen
            self.seen.append(body)
        self.send_response(403 if replay else 302)
        self.send_header("Location", "/requests/1/")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    OneTimeForms.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), OneTimeForms)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.mark.parametrize("clients", [1, 8])
def test_single_use_bodies_are_each_sent_once_and_a_second_load_sends_the_rest(server, clients):
    ctx = Context(base_url=server, database_url="", env={}, duration=1)
    scenario = Scenario(
        "file a request", "/requests/new/", method="POST", bodies=BODIES,
        content_type="application/x-www-form-urlencoded", expect_status=302,
    )  # fmt: skip
    check_once(ctx, scenario)
    first = run_wrk(ctx, scenario, clients)
    second = run_wrk(ctx, scenario, clients)

    seen = OneTimeForms.seen
    assert first.errors == 0 and second.errors == 0
    assert len(seen) > 100, "the load sent too few requests to say anything"
    assert len(set(seen)) == len(seen), "a single-use body was sent twice"
    assert set(seen) <= set(BODIES)
    assert seen[0] == BODIES[0]  # the check sent the first
    # Every body up to the last one wrk took counts as spent (in flight when it stopped too).
    last = max(BODIES.index(body) for body in seen)
    assert last <= ctx.bodies_used["file a request"] <= last + 2 * clients


def test_a_load_that_runs_out_of_bodies_counts_the_refusals_as_errors(server):
    ctx = Context(base_url=server, database_url="", env={}, duration=1)
    scenario = Scenario("file a request", "/requests/new/", method="POST", bodies=BODIES[:21])
    load = run_wrk(ctx, scenario, 2)
    assert load.errors > 0
    # wrk sends the 20 after the check's (the first of them may go to wrk's own check of the
    # script instead), then the last again and again.
    assert {b for b in OneTimeForms.seen} >= set(BODIES[2:21])
    assert not set(OneTimeForms.seen) & {BODIES[0]}

"""The benchmark harness behind `make bench`.

Each `bench/scenarios_<area>.py` module may define:

- `setup(ctx)`: create its scale data in the bench database (idempotent);
- `scenarios(ctx) -> list[Scenario]`: HTTP endpoints loaded with wrk at 1 and 8 concurrent
  clients on 127.0.0.1, each beside the raw PostGIS query underneath (`sql`), run with
  `pgbench -M prepared` at the same concurrency in the same run, so that the ratio of the two
  is measured on the same noisy machine at the same time;
- `measurements(ctx) -> list[Measurement]`: anything else that is timed.

Nothing here is a test: numbers are printed and written to bench/results/.
"""

from __future__ import annotations

import json
import math
import os
import re
import statistics
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The session settings of the portal's own database connections (DB_SESSION_OPTIONS in
# portal/settings.py, read from there as text: the bench runs without Django's settings).
DB_SESSION_OPTIONS = re.search(
    r'^DB_SESSION_OPTIONS = "([^"]*)"', (ROOT / "portal" / "settings.py").read_text(), re.M
).group(1)
PYTHON = str(ROOT / ".venv" / "bin" / "python")
CENTRE = (49.0105, 33.638)  # lat, lon of the demo city's centre


def tile_xy(z: int, centre: tuple[float, float] = CENTRE) -> tuple[int, int]:
    """The x, y of the web-mercator tile at zoom `z` holding `centre`."""
    lat, lon = centre
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def tile_sql_bound(sql: str, z: int) -> str:
    """A tile's statement as psycopg sends it for the tile at zoom `z` over the centre: its
    %(z)s, %(x)s and %(y)s bound and its escaped %% turned back into %."""
    x, y = tile_xy(z)
    return sql.replace("%(z)s", str(z)).replace("%(x)s", str(x)).replace("%(y)s", str(y)).replace("%%", "%")


def tile_scenarios(name: str, path: str, sql: str, zooms: tuple[int, ...], **options) -> list[Scenario]:
    """The tile over the centre at each zoom, uncached (the server with the tile cache off),
    then cached, beside its statement. `name` and `path` are templates of {z}, {x}, {y} and
    {label}; `sql` is the tile's statement with psycopg's placeholders."""
    out = []
    for z in zooms:
        x, y = tile_xy(z)
        bound = tile_sql_bound(sql, z)
        for label, server in (("uncached", "nocache"), ("cached", "default")):
            where = {"z": z, "x": x, "y": y, "label": label}
            out.append(
                Scenario(name.format(**where), path.format(**where), sql=bound, server=server, **options)
            )
    return out


WRK_SCRIPT = r"""
local method, body, headers = os.getenv("BENCH_METHOD"), os.getenv("BENCH_BODY"), os.getenv("BENCH_HEADERS")
wrk.method = method
if body and body ~= "" then wrk.body = body end
if headers and headers ~= "" then
  for line in string.gmatch(headers, "[^\n]+") do
    local k, v = string.match(line, "^([^:]+):%s*(.*)$")
    wrk.headers[k] = v
  end
end
-- Single-use bodies (a form's one-time token): BENCH_BODIES names a file of one body per line;
-- thread i of n sends lines i+1, i+1+n, ... each once (the last again when they run out, and
-- the refusal counts as an error).
local bodies_file, stride = os.getenv("BENCH_BODIES"), tonumber(os.getenv("BENCH_THREADS") or "1")
local threads = {}
used = 0  -- bodies this thread has sent (read by done() through thread:get)
if bodies_file and bodies_file ~= "" then
  local mine = {}
  setup = function(thread)
    thread:set("index", #threads)
    threads[#threads + 1] = thread
  end
  init = function(args)
    local n = 0
    for line in io.lines(bodies_file) do
      if n % stride == index then mine[#mine + 1] = line end
      n = n + 1
    end
  end
  request = function()
    used = math.min(used + 1, #mine)
    return wrk.format(nil, nil, nil, mine[used])
  end
end
local bad = 0
response = function(status, hdrs, b)
  if status >= 400 then bad = bad + 1 end
end
done = function(summary, latency, requests)
  -- The lines up to the last any thread took are spent (the threads take every n-th line and
  -- need not go equally far).
  local spent = 0
  for i, thread in ipairs(threads) do
    local used = thread:get("used")
    if used > 0 then spent = math.max(spent, (i - 1) + stride * (used - 1) + 1) end
  end
  io.write(string.format("BENCH_SENT %d\n", spent))
  io.write(string.format("BENCH %d %d %f %f %f %f %d %d\n",
    summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.mean / 1000, summary.errors.status + summary.errors.connect + summary.errors.timeout, bad))
end
"""


@dataclass
class Scenario:
    name: str
    path: str
    sql: str | None = None
    method: str = "GET"
    body: str = ""
    content_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    login_as: str | None = None
    concurrency: tuple[int, ...] = (1, 8)
    expect_status: int = 200
    server: str = "default"  # "nocache": a second gunicorn with the tile cache switched off
    # One body per request, each sent once (a form whose token is spent by its first sending);
    # the check sends the first, wrk the rest.
    bodies: tuple[str, ...] = ()


@dataclass
class Measurement:
    name: str
    value: float
    unit: str
    note: str = ""


@dataclass
class Load:
    """One load run: requests per second and latency percentiles in milliseconds."""

    rps: float
    p50: float
    p95: float
    p99: float
    errors: int = 0


@dataclass
class Context:
    base_url: str
    database_url: str
    env: dict[str, str]
    duration: int = 5
    servers: dict[str, str] = field(default_factory=dict)
    _cookies: dict[str, str] = field(default_factory=dict)
    bodies_used: dict[str, int] = field(default_factory=dict)  # single-use bodies sent, by scenario

    def url(self, scenario: Scenario) -> str:
        return self.servers.get(scenario.server, self.base_url) + scenario.path

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-2000:]}")
        return result.stdout

    def psql(self, sql: str) -> str:
        result = subprocess.run(
            ["psql", "-X", "-q", "-tA", self.pg_dsn, "-c", sql], capture_output=True, text=True, check=True
        )
        return result.stdout.strip()

    @property
    def pg_dsn(self) -> str:
        return self.database_url.replace("postgis://", "postgresql://", 1)

    def session_cookie(self, username: str) -> str:
        """A logged-in session for a demo account (password from the environment)."""
        if username not in self._cookies:
            jar = CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            login = self.base_url + "/accounts/login/"
            page = opener.open(login).read().decode()
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            data = urllib.parse.urlencode(
                {
                    "username": username,
                    "password": self.env.get("MISTO_DEMO_PASSWORD", "misto-demo"),
                    "csrfmiddlewaretoken": token,
                }
            ).encode()
            request = urllib.request.Request(login, data=data, headers={"Referer": login})
            opener.open(request).read()
            cookies = {c.name: c.value for c in jar}
            if "sessionid" not in cookies:
                raise RuntimeError(f"could not log in as {username}")
            self._cookies[username] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        return self._cookies[username]


class _KeepRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the redirect is the answer (wrk does not follow one either)


NO_REDIRECTS = urllib.request.build_opener(_KeepRedirect)


def check_once(ctx: Context, scenario: Scenario) -> None:
    """One request before loading: a scenario that answers wrongly is a broken benchmark."""
    headers = dict(scenario.headers)
    if scenario.login_as:
        headers["Cookie"] = ctx.session_cookie(scenario.login_as)
    if scenario.content_type:
        headers["Content-Type"] = scenario.content_type
    body = scenario.bodies[0] if scenario.bodies else scenario.body
    request = urllib.request.Request(
        ctx.url(scenario),
        data=body.encode() if body else None,
        method=scenario.method,
        headers=headers,
    )
    try:
        status = NO_REDIRECTS.open(request).status
    except urllib.error.HTTPError as exc:
        status = exc.code
    if status != scenario.expect_status:
        raise RuntimeError(
            f"{scenario.name}: {scenario.path} answered {status}, expected {scenario.expect_status}"
        )


def run_wrk(ctx: Context, scenario: Scenario, clients: int) -> Load:
    headers = dict(scenario.headers)
    if scenario.login_as:
        headers["Cookie"] = ctx.session_cookie(scenario.login_as)
    if scenario.content_type:
        headers["Content-Type"] = scenario.content_type
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    threads = min(clients, 2)
    bodies = ""
    if scenario.bodies:
        # Not yet sent: the check sent the first, an earlier load the ones it used.
        fresh = scenario.bodies[1 + ctx.bodies_used.get(scenario.name, 0) :]
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
            listing.write("\n".join(fresh) + "\n")
        bodies = listing.name
    env = {
        **os.environ,
        "BENCH_METHOD": scenario.method,
        "BENCH_BODY": scenario.body,
        "BENCH_BODIES": bodies,
        "BENCH_THREADS": str(threads),
        "BENCH_HEADERS": "\n".join(f"{k}: {v}" for k, v in headers.items()),
    }
    result = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{clients}", f"-d{ctx.duration}s", "-s", script.name, ctx.url(scenario)],
        capture_output=True,
        text=True,
        env=env,
    )
    os.unlink(script.name)
    if bodies:
        os.unlink(bodies)
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result for {scenario.name}:\n{result.stdout}\n{result.stderr}")
    _, requests, duration_us, p50, p95, p99, _mean, errors, bad = line.split()
    if scenario.bodies:  # taken, answered or not (a request in flight at the end is spent too)
        sent = next(int(ln.split()[1]) for ln in result.stdout.splitlines() if ln.startswith("BENCH_SENT "))
        ctx.bodies_used[scenario.name] = ctx.bodies_used.get(scenario.name, 0) + sent
    return Load(
        rps=int(requests) / (int(duration_us) / 1e6),
        p50=float(p50),
        p95=float(p95),
        p99=float(p99),
        errors=int(errors) + int(bad),
    )


def run_pgbench(ctx: Context, sql: str, clients: int) -> Load:
    """The raw query with pgbench -M prepared; per-transaction log gives the percentiles."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "query.sql"
        script.write_text(sql.strip().rstrip(";") + ";\n")
        result = subprocess.run(
            [
                "pgbench", "-n", "-M", "prepared", "-c", str(clients), "-j", str(min(clients, 2)),
                "-T", str(ctx.duration), "-f", str(script), "-l", "--log-prefix", str(Path(tmp) / "log"),
                ctx.pg_dsn,
            ],
            capture_output=True,
            text=True,
            # The session settings the portal's own connections use (portal/settings.py).
            env={**os.environ, "PGOPTIONS": DB_SESSION_OPTIONS},
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"pgbench failed: {result.stderr[-1500:]}")
        latencies = []
        for log in Path(tmp).glob("log*"):
            for row in log.read_text().splitlines():
                parts = row.split()
                if len(parts) >= 3:
                    latencies.append(int(parts[2]) / 1000)  # microseconds -> ms
        tps = float(re.search(r"tps = ([\d.]+)", result.stdout).group(1))
    return Load(rps=tps, **percentiles(latencies))


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": float("nan"), "p95": float("nan"), "p99": float("nan")}
    q = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": q[49], "p95": q[94], "p99": q[98]}


def timed(fn, repeat: int = 3) -> tuple[float, float]:
    """(best, median) wall-clock seconds of `fn()` over `repeat` runs."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return min(runs), statistics.median(runs)


def launch_chromium(playwright):
    """Debian's headless Chromium as every browser measurement of the bench runs it."""
    return playwright.chromium.launch(
        executable_path="/usr/bin/chromium",
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
        ],
    )


def cache_off(context, page):
    """A cold load each time: the page's HTTP cache off (CDP); returns the CDP session."""
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    return cdp


def first_render(ctx: Context, path: str, ready: str, *, login_as: str, runs: int = 5) -> list[float]:
    """Seconds from navigation to `ready` (a JS expression) on a logged-in page in headless
    Chromium, cold cache, sorted: the staff maps' "first render"."""
    from playwright.sync_api import sync_playwright

    host = urllib.parse.urlsplit(ctx.base_url).hostname
    cookies = [
        {"name": name, "value": value, "domain": host, "path": "/"}
        for name, value in (pair.split("=", 1) for pair in ctx.session_cookie(login_as).split("; "))
    ]
    times = []
    with sync_playwright() as p:
        browser = launch_chromium(p)
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.add_cookies(cookies)
            page = context.new_page()
            cache_off(context, page)
            started = time.perf_counter()
            page.goto(ctx.base_url + path)
            page.wait_for_function(ready, timeout=60000)
            times.append(time.perf_counter() - started)
            context.close()
        browser.close()
    return sorted(times)


def dump(path: Path, payload: dict) -> None:
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")

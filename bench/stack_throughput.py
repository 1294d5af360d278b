"""Throughput of `make stack` at 1, 2 and 4 gunicorn workers per instance, replica on and off
(docs/scaling.md). Short runs of CLIENTS threads against nginx: a public page and a tile that
bypasses nginx's cache (a query string makes each URL new), so the portal does the work.

    make stack && .venv/bin/python bench/stack_throughput.py [seconds]

Requests per second are printed and as ratios to 1 worker with the replica on.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = "http://127.0.0.1:" + os.environ.get("MISTO_STACK_PORT", "8080")
CLIENTS = int(os.environ.get("MISTO_BENCH_CLIENTS", "8"))
TARGETS = {
    "public requests list": lambda n: "/requests/",
    "building tile (uncached by nginx)": lambda n: f"/tiles/buildings/14/9722/5625.mvt?b={n}",
}


def run(path_for, seconds: float) -> tuple[float, int]:
    counter = itertools.count()
    done, errors = [0], [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client():
        while time.monotonic() < stop:
            try:
                with urllib.request.urlopen(BASE + path_for(next(counter)), timeout=30) as r:
                    r.read()
                    ok = r.status == 200
            except OSError:
                ok = False
            with lock:
                done[0] += ok
                errors[0] += not ok

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done[0] / seconds, errors[0]


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10
    rows = []
    for replica in ("1", "0"):
        for workers in ("1", "2", "4"):
            env = {**os.environ, "MISTO_STACK_WORKERS": workers, "MISTO_STACK_REPLICA": replica}
            subprocess.run(
                ["scripts/stack.sh", "restart-web"], cwd=ROOT, env=env, check=True, capture_output=True
            )
            for name, path_for in TARGETS.items():
                run(path_for, 2)  # warm the workers
                rps, errors = run(path_for, seconds)
                rows.append((name, workers, replica, rps, errors))
                print(f"{name:<36} workers/instance={workers} replica={'on' if replica == '1' else 'off'}: "
                      f"{rps:7.1f} req/s, {errors} errors", flush=True)  # fmt: skip
    base = {name: rps for name, w, r, rps, _ in rows if w == "1" and r == "1"}
    print("\n| endpoint | workers per instance (×2 instances) | replica | req/s | ratio |")
    print("|---|---|---|---|---|")
    for name, workers, replica, rps, _ in rows:
        ratio = rps / base[name] if base[name] else 0
        print(f"| {name} | {workers} | {'on' if replica == '1' else 'off'} | {rps:.1f} | {ratio:.2f} |")
    subprocess.run(["scripts/stack.sh", "restart-web"], cwd=ROOT, check=True, capture_output=True)


if __name__ == "__main__":
    main()

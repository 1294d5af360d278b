"""Run every bench/scenarios_*.py against the bench server: `make bench` (scripts/bench.sh).

Usage: python bench/run.py --base-url http://127.0.0.1:8765 [--only map,housing] [--duration 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import math
import os
import platform
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import ROOT, Context, Load, Scenario, check_once, dump, run_pgbench, run_wrk  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def modules(only: set[str] | None):
    for path in sorted((ROOT / "bench").glob("scenarios_*.py")):
        area = path.stem.removeprefix("scenarios_")
        if only and area not in only:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield area, module


def fmt(x: float) -> str:
    if math.isnan(x):
        return "—"
    return f"{x:,.0f}" if x >= 100 else f"{x:.2f}"


def machine() -> dict[str, str]:
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in ln
        ),
        platform.processor(),
    )
    mem = next(
        ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")
    )
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": f"{int(mem) // 1024 // 1024} GiB",
        "os": platform.platform(),
        "background work": os.environ.get("BENCH_BACKGROUND", "as configured"),
    }


def versions(ctx: Context) -> dict[str, str]:
    import django

    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": ctx.psql("show server_version"),
        "postgis": ctx.psql("select postgis_lib_version()"),
        "wrk": subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split()[1],
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--nocache-url", default="", help="a server with the tile cache switched off")
    parser.add_argument("--only", default="")
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", "5")))
    args = parser.parse_args()
    ctx = Context(
        base_url=args.base_url.rstrip("/"),
        database_url=os.environ["DATABASE_URL"],
        env=dict(os.environ),
        duration=args.duration,
        servers={"nocache": args.nocache_url.rstrip("/")} if args.nocache_url else {},
    )
    only = {x for x in args.only.split(",") if x} or None
    loaded = list(modules(only))
    for area, module in loaded:
        if hasattr(module, "setup"):
            print(f"[bench] setting up {area}", flush=True)
            module.setup(ctx)

    rows: list[dict] = []
    measured: list[dict] = []
    # A scenario that fails is reported and the run goes on: the other areas are still measured.
    failed: list[str] = []
    for area, module in loaded:
        try:
            scenarios = getattr(module, "scenarios", lambda _c: [])(ctx)
        except Exception as exc:  # noqa: BLE001 - said in the report, the run goes on
            scenarios = []
            failed.append(f"{area}: scenarios: {exc}")
            print(f"[bench] FAILED {failed[-1]}", flush=True)
        for scenario in scenarios:
            try:
                check_once(ctx, scenario)
                for clients in scenario.concurrency:
                    print(f"[bench] {area}: {scenario.name} at {clients} client(s)", flush=True)
                    web = run_wrk(ctx, scenario, clients)
                    raw = run_pgbench(ctx, scenario.sql, clients) if scenario.sql else None
                    rows.append(row(area, scenario, clients, web, raw))
            except Exception as exc:  # noqa: BLE001 - said in the report, the run goes on
                failed.append(f"{area}: {scenario.name}: {exc}")
                print(f"[bench] FAILED {failed[-1]}", flush=True)
        try:
            for m in getattr(module, "measurements", lambda _c: [])(ctx):
                measured.append({"area": area, **vars(m)})
                print(f"[bench] {area}: {m.name}: {m.value:.3f} {m.unit} {m.note}", flush=True)
        except Exception as exc:  # noqa: BLE001
            failed.append(f"{area}: measurements: {exc}")
            print(f"[bench] FAILED {failed[-1]}", flush=True)

    report = render(rows, measured, machine(), versions(ctx), args.duration)
    if failed:
        report += "\n## Failed\n\n" + "\n".join(f"- {line}" for line in failed) + "\n"
    print("\n" + report)
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y-%m-%d-%H%M")
    (RESULTS / f"{stamp}.md").write_text(report, encoding="utf-8")
    dump(RESULTS / f"{stamp}.json", {"loads": rows, "measurements": measured})
    print(f"[bench] written bench/results/{stamp}.md")
    return 1 if failed else 0


def row(area: str, scenario: Scenario, clients: int, web: Load, raw: Load | None) -> dict:
    return {
        "area": area,
        "name": scenario.name,
        "clients": clients,
        "rps": web.rps,
        "p50": web.p50,
        "p95": web.p95,
        "p99": web.p99,
        "errors": web.errors,
        "raw_rps": raw.rps if raw else float("nan"),
        "raw_p50": raw.p50 if raw else float("nan"),
        "raw_p95": raw.p95 if raw else float("nan"),
        "ratio": web.rps / raw.rps if raw else float("nan"),
    }


def render(rows, measured, machine_info, version_info, duration) -> str:
    lines = [
        f"# Misto benchmark, {dt.datetime.now():%Y-%m-%d %H:%M}",
        "",
        "Machine: " + ", ".join(f"{k} {v}" for k, v in machine_info.items()),
        "Versions: " + ", ".join(f"{k} {v}" for k, v in version_info.items()),
        f"Each load: wrk for {duration} s on 127.0.0.1 against gunicorn; raw = the same SQL with "
        "`pgbench -M prepared` at the same concurrency, in the same run. Latencies in ms. "
        "Only the ratios are comparable between runs.",
        "",
        "| area | endpoint | clients | req/s | p50 | p95 | p99 | errors | raw q/s | raw p50 | raw p95 | ratio |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ratio = "—" if math.isnan(r["ratio"]) else f"{r['ratio']:.2f}×"
        lines.append(
            f"| {r['area']} | {r['name']} | {r['clients']} | {fmt(r['rps'])} | {fmt(r['p50'])} | {fmt(r['p95'])} | "
            f"{fmt(r['p99'])} | {r['errors']} | {fmt(r['raw_rps'])} | {fmt(r['raw_p50'])} | {fmt(r['raw_p95'])} | {ratio} |"
        )
    if measured:
        lines += ["", "| area | measurement | value | unit | note |", "|---|---|---:|---|---|"]
        for m in measured:
            lines.append(f"| {m['area']} | {m['name']} | {m['value']:.3f} | {m['unit']} | {m['note']} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())

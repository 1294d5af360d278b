"""Compare two `make bench` runs endpoint by endpoint: `python bench/compare.py BEFORE.json AFTER.json`.

Each run's ratio (the endpoint's requests per second over the raw SQL's, measured in the same
run) is what can be compared between runs; the table lists every endpoint and concurrency both
runs measured, the change of its ratio, and flags a ratio worse by more than the tolerance
(10 % unless --tolerance says otherwise). Exit status 1 when one is flagged.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path


def loads(path: Path) -> dict[tuple[str, str, int], dict]:
    return {(r["area"], r["name"], r["clients"]): r for r in json.loads(path.read_text())["loads"]}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--tolerance", type=float, default=0.10)
    args = parser.parse_args()
    before, after = loads(args.before), loads(args.after)
    common = [key for key in before if key in after]
    print("| area | endpoint | clients | ratio before | ratio after | change |")
    print("|---|---|---:|---:|---:|---:|")
    worse = []
    for key in common:
        old, new = before[key]["ratio"], after[key]["ratio"]
        if any(math.isnan(x) for x in (old, new)):
            old, new = before[key]["rps"], after[key]["rps"]  # no SQL beside it: requests per second
            unit = " req/s"
        else:
            unit = "×"
        change = new / old - 1 if old else math.nan
        flag = " **worse**" if change < -args.tolerance else ""
        if flag:
            worse.append(key)
        area, name, clients = key
        print(f"| {area} | {name} | {clients} | {old:.2f}{unit} | {new:.2f}{unit} | {change:+.0%}{flag} |")
    only = sorted(set(before) ^ set(after))
    print(f"\n{len(common)} endpoint loads in both runs; {len(worse)} worse by more than {args.tolerance:.0%}; "
          f"{len(only)} in one run only.")  # fmt: skip
    return 1 if worse else 0


if __name__ == "__main__":
    raise SystemExit(main())

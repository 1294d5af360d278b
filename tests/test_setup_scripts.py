"""The set-up `make run` and `make test` rely on: idempotent, and honest about what it does."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_setup_run_twice_has_nothing_left_to_do():
    """The suite runs after scripts/setup.sh, so a further run must find everything in place."""
    result = subprocess.run(
        ["scripts/setup.sh", "--test"], cwd=ROOT, capture_output=True, text=True, timeout=600, env=os.environ
    )
    assert result.returncode == 0, result.stdout + result.stderr
    doing = [
        line
        for line in result.stdout.splitlines()
        if any(word in line for word in ("installing", "creating", "starting", "vendoring"))
    ]
    assert doing == []
    assert "database misto" in result.stdout or "ready (PostGIS" in result.stdout


def test_ci_runs_make_test_then_the_stack_test_and_nothing_else():
    lines = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[-2:] == ["make test", "make test-stack"]
    assert all(line.startswith(("set ", "cd ")) for line in lines[1:-2])

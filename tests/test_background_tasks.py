"""Handing work to the worker by the task's name (core/background.py task_send) from a web
process that has imported no tasks module yet: it imports the module that defines the task and
nothing else. Celery's autodiscovery of every app's tasks (0.9 s) had been paid by the first
request of each web worker that sent a message — the bench's Open311 POST ran at half its rate."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import json, sys
import django
django.setup()
from core.background import task_send
before = {m for m in sys.modules if m.endswith(".tasks")}
task_send("notices.tasks.subscription_confirm_send_task", 1)
after = {m for m in sys.modules if m.endswith(".tasks")}
print(json.dumps({"before": sorted(before), "imported": sorted(after - before)}))
"""


def test_a_task_is_sent_by_name_importing_only_the_module_that_defines_it():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        # A broker, not eager: the task is queued, nothing runs or touches the database.
        "CELERY_BROKER_URL": "memory://",
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert "notices.tasks" not in seen["before"]
    assert seen["imported"] == ["notices.tasks"]

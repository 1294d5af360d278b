"""Queueing background work from a service without importing the task.

Tasks call services; services never import tasks (that would make each depend on the other).
A service names the task it wants by its registered name, and the work is queued after the
current transaction commits, so a rolled-back action queues nothing. With
CELERY_TASK_ALWAYS_EAGER (tests, `make run` without Redis) the task runs in-process then.
"""

from __future__ import annotations

from importlib import import_module

from celery import current_app
from django.db import transaction


def task_enqueue(name: str, *args) -> None:
    """Queue the Celery task registered as `name` with `args` once the transaction commits."""
    transaction.on_commit(lambda: _task(name).delay(*args))


def _task(name: str):
    if name not in current_app.tasks:
        # A web process has not imported the tasks modules (the worker autodiscovers them).
        import_module(name.rpartition(".")[0])
    return current_app.tasks[name]

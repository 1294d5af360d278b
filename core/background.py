"""Handing work to the background worker from a service, by the task's name.

Tasks call services; services never import tasks (each would depend on the other). A service
names the task it wants by its registered name. Work that must not be lost is first recorded
as a row in the transaction of the action that causes it (the requests' Notification and
WebhookDelivery rows are such an outbox); a row that could not be queued (broker down) stays
pending and a periodic sweep delivers it. With CELERY_TASK_ALWAYS_EAGER (tests, `make run`
without Redis) the task runs in-process.
"""

from __future__ import annotations

import importlib

from celery import current_app
from django.db import transaction


def task_send(name: str, *args) -> None:
    """Queue the registered Celery task `name` (module.function) with `args` now."""
    tasks = current_app.tasks
    if name not in tasks:
        # A web process imports the one module that defines the task (its decorator registers
        # it). Not Celery's autodiscovery of every app's tasks: that took 0.9 s, paid by the
        # first request of each web worker that sent anything (the bench's Open311 POST at
        # half its rate).
        importlib.import_module(name.rpartition(".")[0])
    tasks[name].delay(*args)


def task_enqueue(name: str, *args) -> None:
    """Queue the task `name` once the current transaction commits (nothing if it rolls back)."""
    transaction.on_commit(lambda: task_send(name, *args))

"""Background work of GIS layers (Celery): reading and applying imports.

The tasks only call the services; `run_in_background` decides where they run: on the Celery
worker (production, and eagerly in tests), or — for `make run` on a machine without a worker —
in a thread of the web process (MISTO_BACKGROUND=thread). Either way the page polls the job.
"""

from __future__ import annotations

import threading

from celery import shared_task
from django.conf import settings
from django.db import close_old_connections, connection, transaction

from gis_layers.services.imports import import_job_apply, import_job_preview


@shared_task(acks_late=True)
def import_preview_task(job_id: int) -> str:
    return import_job_preview(job_id=job_id).status


@shared_task(acks_late=True)
def import_apply_task(job_id: int) -> str:
    return import_job_apply(job_id=job_id).status


def _in_thread(task, job_id: int) -> None:
    def run():
        close_old_connections()
        try:
            task.run(job_id)
        finally:
            connection.close()

    threading.Thread(target=run, name=f"misto-{task.name}-{job_id}", daemon=True).start()


def run_in_background(task, job_id: int) -> None:
    """Start `task(job_id)` once the current transaction commits (the job row must be there)."""
    if settings.MISTO_BACKGROUND == "thread":
        transaction.on_commit(lambda: _in_thread(task, job_id))
    else:
        transaction.on_commit(lambda: task.delay(job_id))

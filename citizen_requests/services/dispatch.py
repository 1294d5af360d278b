"""The one point where services hand work to the background worker: by task name.

Services first record the work as a row in the transaction of the action that causes it (a
Notification, a WebhookDelivery: the outbox), then ask, after commit, for that row to be
delivered with `task_enqueue("citizen_requests.tasks.…", row_id)`. They never import
citizen_requests.tasks: the tasks call the services, so the dependency runs one way
(tasks → services → dispatch) and the workflow has no import cycle. A row that could not be
queued (broker down) stays pending and the periodic sweep (`notifications_send`,
`webhooks_send`) delivers it, so nothing is lost by sending by name.
"""

from __future__ import annotations

from celery import current_app


def task_enqueue(name: str, *args) -> None:
    """Queue the registered Celery task `name` (run in-process when CELERY_TASK_ALWAYS_EAGER)."""
    tasks = current_app.tasks
    if name not in tasks:
        # The web process has not imported the apps' tasks modules yet: Celery's autodiscovery
        # (portal/celery.py) does it, the same way the worker does at start.
        current_app.loader.import_default_modules()
    tasks[name].delay(*args)

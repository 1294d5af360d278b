"""The Celery application: background work (imports, notifications) runs in `worker`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("misto")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

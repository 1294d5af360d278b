"""Fixtures of the citizen requests tests: files in a temporary folder, a clean rate-limit
cache, Celery running its tasks in-process (the real task code, synchronously). The helpers
that file requests through the public service function are in builders.py."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(scope="session", autouse=True)
def _celery_in_process():
    """Tasks run where they are queued (eagerly), through Celery's own task machinery."""
    from portal.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = False


@pytest.fixture(autouse=True)
def _request_settings(settings, tmp_path):
    settings.MISTO_REQUEST_FILES_ROOT = tmp_path / "request-files"
    settings.MISTO_SITE_URL = "http://testserver"
    settings.MISTO_REQUEST_FORM_MIN_SECONDS = 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _ukrainian_first():
    """Each test starts in the portal's first language, whatever a request before it switched to."""
    from django.utils import translation

    with translation.override("uk"):
        yield

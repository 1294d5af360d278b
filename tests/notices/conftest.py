"""Fixtures of the notices tests: Celery in-process, mail kept in memory, the demo city's
staff, and builders of notices and subscriptions through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.utils import timezone

from citizen_requests.models import Service, ServiceMembership
from core.roles import ROLES


@pytest.fixture(scope="session", autouse=True)
def _celery_in_process():
    from portal.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = False


@pytest.fixture(autouse=True)
def _notice_settings(settings):
    settings.MISTO_SITE_URL = "http://testserver"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
    settings.MISTO_NOTICE_QUIET_HOURS = (0, 0)  # no quiet hours unless a test sets them
    cache.clear()
    from citizen_requests.sms import LoggingSmsBackend

    LoggingSmsBackend.sent.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _commits_happen(monkeypatch):
    """Each test runs in a transaction that is rolled back; work queued "after commit" (the
    messages' task) runs at once instead, as it would when the action's transaction commits."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture(autouse=True)
def _ukrainian_first():
    from django.utils import translation

    with translation.override("uk"):
        yield


def staff(username: str, *, role: str, service: str | None = None, position: str = "head") -> User:
    user = User.objects.create_user(
        username, email=f"{username}@misto.localhost", password="x", is_staff=True
    )
    user.groups.add(Group.objects.get(name=ROLES[role].group))
    if service:
        ServiceMembership.objects.create(
            user=user, service=Service.objects.get(source_id=service), position=position
        )
    return user


@pytest.fixture
def vodokanal_head(city):
    return staff("vodokanal-head", role="service_head", service="svc-vodokanal")


@pytest.fixture
def other_head(city):
    return staff("teplo-head", role="service_head", service="svc-teploenergo")


@pytest.fixture
def vodokanal():
    return Service.objects.get(source_id="svc-vodokanal")


def hours(n: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(hours=n)

"""The leak matrix's world: its objects made once per session (committed, removed afterwards)
and one logged-in client per viewer, reused by every case."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from tests.privacy.doors import VIEWERS
from tests.privacy.world import build_world


class AppClient(Client):
    """An Open311 app: its api_key on every request (query and header), no session."""

    def __init__(self, key: str):
        super().__init__(HTTP_AUTHORIZATION=f"ApiKey {key}")
        self.key = key

    def get(self, path, data=None, **extra):
        if path.startswith("/open311/"):  # elsewhere an unknown parameter is rightly refused
            path = f"{path}{'&' if '?' in path else '?'}api_key={self.key}"
        return super().get(path, data, **extra)


# Module scope: the objects are deleted before the next test module runs, which counts requests.
@pytest.fixture(scope="module")
def world(demo_city, django_db_blocker, tmp_path_factory):
    from django.contrib.auth.models import User
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from citizen_requests.models import ApiClient, Notification, RegistrationCounter, Request
    from gis_layers.models import Layer
    from housing_registry.models import Building, BuildingDocument
    from portal.celery import app
    from tests.citizen_requests.builders import ensure_test_database

    tmp = tmp_path_factory.mktemp("privacy")
    overrides = override_settings(
        MISTO_REQUEST_FILES_ROOT=tmp / "request-files", MEDIA_ROOT=tmp / "media",
        MISTO_EXPORT_CACHE_DIR=tmp / "exports", MISTO_SITE_URL="http://testserver",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )  # fmt: skip
    overrides.enable()
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    ensure_test_database()
    with django_db_blocker.unblock():
        year = timezone.localdate().year
        counter = RegistrationCounter.objects.filter(year=year).values_list("last_number", flat=True).first()
        last_id = Request.objects.order_by("-id").values_list("id", flat=True).first() or 0
        sessions = set(Session.objects.values_list("session_key", flat=True))
        made = None
        try:
            made = build_world(tmp)
            for viewer in VIEWERS:
                if viewer.api_key:
                    made.clients[viewer.key] = AppClient(made.api_key)
                    continue
                client = Client()
                if viewer.username:
                    client.force_login(User.objects.get(username=viewer.username))
                made.clients[viewer.key] = client
            yield made
        finally:
            Notification.objects.filter(request_id__gt=last_id).delete()
            Request.objects.filter(id__gt=last_id).delete()
            if counter is None:
                RegistrationCounter.objects.filter(year=year).delete()
            else:
                RegistrationCounter.objects.filter(year=year).update(last_number=counter)
            from gis_layers.models import Feature, ImportJob

            ImportJob.objects.filter(layer__slug="matrix-staff-only").delete()
            Feature.objects.filter(layer__slug="matrix-staff-only").delete()  # features protect their layer
            Layer.objects.filter(slug="matrix-staff-only").delete()
            if made is not None:
                BuildingDocument.objects.filter(building=made.building, title="Акт-матриці").delete()
                Building.objects.filter(pk=made.building.pk).update(**made.sheet_before)
            ApiClient.objects.filter(name="Matrix app").delete()
            User.objects.filter(username__startswith="mx_").delete()
            Session.objects.exclude(session_key__in=sessions).delete()
            app.conf.task_always_eager = eager
            overrides.disable()


@pytest.fixture(autouse=True)
def _fresh_limits():
    """Rate limits count per IP address: the matrix asks thousands of times from one."""
    cache.clear()
    yield

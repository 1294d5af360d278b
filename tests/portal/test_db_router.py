"""Read replica routing (core/db_router.py): which database a request reads.

The "replica" here is a second connection to the test database. It runs outside the test's
transaction, so it does not see rows the test wrote — just as a lagging replica would not —
which lets the tests tell by the data which database answered. The real streaming replica is
proven by `make test-stack`.
"""

from __future__ import annotations

import json
import time
from io import BytesIO

import pytest
from django.contrib.auth.models import Group
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connections
from django.db.utils import load_backend

from core import db_router
from core.db_router import ReplicaRouting, ReplicaState, read_alias, replica_state_record


def _replica_alias(settings, **over):
    """A second connection to the test database under the alias "replica". It is set on the
    connection handler directly (not through DATABASES), the way Django allows for connections
    made during a test, and DATABASES names it so the portal sees a replica configured."""
    config = {**connections["default"].settings_dict, **over}
    connections["replica"] = load_backend(config["ENGINE"]).DatabaseWrapper(config, "replica")
    settings.DATABASES = {**settings.DATABASES, "replica": config}
    settings.DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]
    settings.MISTO_REPLICA_CHECK_S = 60
    settings.MISTO_REPLICA_MAX_LAG_S = 5
    replica_state_record(ReplicaState())  # forget what an earlier test learnt


def _replica_drop():
    connections["replica"].close()
    del connections["replica"]
    replica_state_record(ReplicaState())


@pytest.fixture
def replica(settings):
    _replica_alias(settings)
    yield
    _replica_drop()


@pytest.fixture
def dead_replica(settings):
    _replica_alias(settings, PORT=9, OPTIONS={"connect_timeout": 2})  # nothing listens on port 9
    yield
    _replica_drop()


def alias_app(seen: list):
    """A WSGI app that records which database a read would use, as the real views would."""

    def app(environ, start_response):
        seen.append(read_alias())
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    return app


def call(app, path: str, method: str = "GET", cookie: str = "") -> tuple[str, dict, bytes]:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path.partition("?")[0],
        "QUERY_STRING": path.partition("?")[2],
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": BytesIO(b""),
        "wsgi.errors": BytesIO(),
        "CONTENT_LENGTH": "0",
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    out = {}

    def start_response(status, headers, exc_info=None):
        out["status"], out["headers"] = status, headers

    body = b"".join(app(environ, start_response))
    return out["status"], dict(out["headers"]), body


def test_public_tile_and_api_reads_use_the_replica_and_other_pages_the_primary(db, replica):
    seen = []
    app = ReplicaRouting(alias_app(seen))
    for path in (
        "/tiles/buildings/14/9703/5678.mvt",
        "/api/v1/facilities/",
        "/requests/",
        "/requests/2025-000123/",
    ):
        call(app, path)
    for path in ("/requests/staff/", "/requests/new/", "/accounts/", "/registry/", "/healthz"):
        call(app, path)
    assert seen == ["replica"] * 4 + ["default"] * 5


def test_outside_a_request_everything_reads_the_primary(db, replica):
    """Celery tasks and management commands never see the replica's older data."""
    assert read_alias() == "default"


def test_a_client_that_wrote_reads_the_primary_until_its_marker_expires(db, replica, settings):
    settings.MISTO_READ_PRIMARY_SECONDS = 7
    seen = []
    app = ReplicaRouting(alias_app(seen))
    status, headers, _ = call(app, "/requests/new/", method="POST")
    assert headers["Set-Cookie"].startswith("misto_wrote=1; Max-Age=7;")
    call(app, "/requests/", cookie="csrftoken=x; misto_wrote=1")
    call(app, "/requests/", cookie="csrftoken=x")  # the cookie expired: back to the replica
    assert seen == ["default", "default", "replica"]


def test_a_lagging_replica_is_skipped_until_it_catches_up(db, replica):
    seen = []
    app = ReplicaRouting(alias_app(seen))
    replica_state_record(ReplicaState(up=True, lag_s=30.0, checked_at=time.monotonic()))
    call(app, "/tiles/buildings/14/9703/5678.mvt")
    replica_state_record(ReplicaState(up=True, lag_s=0.2, checked_at=time.monotonic()))
    call(app, "/tiles/buildings/14/9703/5678.mvt")
    assert seen == ["default", "replica"]


def test_a_replica_that_does_not_answer_is_recorded_down_and_reads_use_the_primary(db, dead_replica):
    seen = []
    call(ReplicaRouting(alias_app(seen)), "/api/v1/facilities/")
    assert seen == ["default"]
    assert db_router.replica_state().up is False


def test_the_orm_reads_the_replica_for_public_pages_so_unreplicated_rows_are_not_seen(db, replica):
    """A real query through the router: the replica connection does not see the test's row."""
    Group.objects.create(name="only-on-the-primary")
    found = []

    def app(environ, start_response):
        found.append(Group.objects.filter(name="only-on-the-primary").exists())
        start_response("200 OK", [])
        return [b""]

    call(ReplicaRouting(app), "/api/v1/facilities/")
    call(ReplicaRouting(app), "/api/v1/facilities/", cookie="misto_wrote=1")
    assert found == [False, True]


def test_a_public_read_that_fails_on_a_dead_replica_is_answered_from_the_primary(db, replica, settings):
    """The replica is believed up (last probe fine), then stops: the request is retried on the
    primary, the visitor sees a 200, never the 500."""
    attempts = []

    def app(environ, start_response):
        alias = read_alias()
        attempts.append(alias)
        if alias == "replica":
            # the replica goes away between the probe and the query
            connections["replica"].close()
            connections["replica"].settings_dict["PORT"] = 9
            start_response("500 Internal Server Error", [])
            return [b"server error"]
        start_response("200 OK", [])
        return [b"from the primary"]

    replica_state_record(ReplicaState(up=True, lag_s=0.0, checked_at=time.monotonic()))
    status, _, body = call(ReplicaRouting(app), "/requests/")
    assert (status, body) == ("200 OK", b"from the primary")
    assert attempts == ["replica", "default"]


def test_healthz_reports_the_replica_lag(db, replica, client):
    body = client.get("/healthz").json()
    assert body["replica"]["status"] == "ok" and body["replica"]["lag_s"] == 0.0
    assert body["replica"]["serving_reads"] is True


def test_healthz_reports_a_replica_that_is_down_but_stays_healthy(db, dead_replica, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["replica"]["status"] == "down"
    assert response.json()["replica"]["serving_reads"] is False


def test_the_real_portal_serves_public_pages_through_the_router(db, replica, city):
    status, _, body = call(ReplicaRouting(WSGIHandler()), "/requests/")
    assert status.startswith("200"), body.decode()[-3000:]
    assert "<html" in body.decode().lower()


def test_a_replica_connection_the_server_closed_is_recorded_down_not_raised(db, replica):
    """Stopping the replica closes its connections under the portal's feet (InterfaceError)."""
    assert db_router.replica_probe().up is True
    connections["replica"].connection.close()  # the server went away: the socket is gone
    state = db_router.replica_probe()
    assert state.up is False and "closed" in state.error
    assert db_router.replica_probe().up is True  # and it reconnects on the next probe


def test_ogc_api_items_built_in_sql_read_the_replica_for_the_public(db, replica, city):
    """The GeoJSON built by PostgreSQL (raw SQL, not the ORM) follows the router too: a feature
    the replica has not received yet is not counted for the public, but is for its writer."""
    from django.contrib.gis.geos import Point

    from gis_layers.models import Feature, Layer

    layer = Layer.objects.filter(
        visibility=Layer.Visibility.PUBLIC, deleted_at__isnull=True, features__isnull=False
    ).first()
    Feature.objects.create(layer=layer, geometry=Point(33.64, 49.01, srid=4326), properties={})
    path = f"/ogcapi/collections/{layer.slug}/items?f=json"
    counts = []
    # As Django's test client does: the test's own connections stay open between requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        for cookie in ("", "misto_wrote=1"):
            status, _, body = call(ReplicaRouting(WSGIHandler()), path, cookie=cookie)
            assert status.startswith("200"), (status, body[-800:])
            counts.append(json.loads(body)["numberMatched"])
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert counts[1] == counts[0] + 1

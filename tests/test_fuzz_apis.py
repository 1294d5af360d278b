"""Property-based fuzzing of /api/v1/ and /ogcapi/ from their own OpenAPI documents.

Schemathesis reads the live documents (/api/v1/schema/ from drf-spectacular and /ogcapi/api,
written by gis_layers/ogcapi/openapi.py), generates requests for every operation — valid ones and
ones that break the documented types — and sends them to the Django WSGI application in process,
on the test database with the demo city. Every answer must be no 5xx, a documented status code,
the documented content type and a body that fits the documented schema. Seeded (derandomize) and
bounded, so a run is repeatable and takes about a minute.
"""

from __future__ import annotations

import json
import logging
from contextlib import contextmanager

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 6
CSRF = "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz"  # a 32-character CSRF secret, sent as cookie and header


def _fuzz(document: dict, app, *, cookies=None, headers=None, label="") -> tuple[int, list[str]]:
    """(requests sent, failures) for every operation of the document."""
    schema = schemathesis.openapi.from_dict(document)
    tally = [0]  # requests sent, counted by the generated test below
    failures: list[str] = []
    with keep_test_connection():
        _fuzz_operations(schema, app, cookies, headers, label, tally, failures)
    return tally[0], failures


def _fuzz_operations(schema, app, cookies, headers, label, tally, failures):
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            tally[0] += 1
            # Identity: the in-process client does not undo gzip, so ask for none.
            response = case.call(
                app=app, cookies=cookies, headers={"Accept-Encoding": "identity", **(headers or {})}
            )
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # collected: one run names every failing operation
            failures.append(f"{label} {operation.label}: {str(exc)[:1500]}")


@contextmanager
def keep_test_connection():
    # As Django's test client does around each of its requests: the WSGI requests must not close
    # the test's connection (and its transaction, rolled back after the test).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    # Hundreds of expected 4xx would each log a warning; 5xx are still logged (and fail the test).
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        request_log.setLevel(level)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def app(city):
    return get_wsgi_application()


def _documents(client) -> list[tuple[str, dict]]:
    return [
        ("/api/v1/", json.loads(client.get("/api/v1/schema/?format=json").content)),
        ("/ogcapi/", json.loads(client.get("/ogcapi/api").content)),
    ]


def _report(label, sent, failures):
    print(f"\nfuzz {label}: {sent} generated requests, {len(failures)} failing operations")
    assert not failures, "\n\n".join(failures)


def test_anonymous_requests_from_the_openapi_documents_get_documented_answers(app, client):
    total, failures = 0, []
    for label, document in _documents(client):
        sent, failed = _fuzz(document, app, label=label)
        total += sent
        failures += failed
    _report("anonymous", total, failures)


def test_staff_requests_from_the_openapi_documents_get_documented_answers(app, client):
    client.force_login(User.objects.get(username="gisadmin"))
    session = {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF}
    total, failures = 0, []
    for label, document in _documents(client):
        sent, failed = _fuzz(document, app, cookies=session, headers={"X-CSRFToken": CSRF}, label=label)
        total += sent
        failures += failed
    _report("staff", total, failures)

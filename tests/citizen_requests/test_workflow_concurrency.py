"""Two people take a step on the same request at the same moment: threads, each with its own
connection, commit for real; exactly one step succeeds and the others are refused with a
message. The rows are removed afterwards (the fixture of test_numbers_concurrency)."""

from __future__ import annotations

import threading

from django.db import connections

from citizen_requests.exceptions import TransitionRefused
from citizen_requests.models import ApprovalStep, Event, Request
from citizen_requests.services.approvals import response_approve
from citizen_requests.services.workflow import request_appoint, request_reject
from tests.citizen_requests.builders import user
from tests.citizen_requests.test_workflow import housing_request, in_approval


def race(django_db_blocker, steps) -> tuple[list[str], list[str]]:
    """Run the steps at once; (what succeeded, the refusals' messages)."""
    start = threading.Barrier(len(steps))
    done, refused, errors = [], [], []

    def run(name, step):
        try:
            with django_db_blocker.unblock():
                start.wait()
                try:
                    step()
                    done.append(name)
                except TransitionRefused as exc:
                    refused.append(exc.message)
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item) for item in steps.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    return done, refused


def test_of_concurrent_steps_on_one_request_exactly_one_succeeds(committed, django_db_blocker):  # noqa: F811
    with django_db_blocker.unblock():
        request = housing_request()

    def fresh():
        return Request.objects.get(pk=request.pk)

    done, refused = race(django_db_blocker, {
        "head appoints": lambda: request_appoint(request=fresh(), actor=user("head"), owner=user("executor")),
        "registrar appoints": lambda: request_appoint(
            request=fresh(), actor=user("registrar"), owner=user("executor")
        ),
        "head rejects": lambda: request_reject(request=fresh(), actor=user("head"), reason="Дублікат"),
        "registrar rejects": lambda: request_reject(request=fresh(), actor=user("registrar"), reason="Дублікат"),
    })  # fmt: skip
    assert len(done) == 1 and len(refused) == 3
    with django_db_blocker.unblock():
        moves = Event.objects.filter(request=request, kind__in=["appointed", "rejected"]).count()
        assert moves == 1 and Request.objects.get(pk=request.pk).version == 3  # filed 1, routed 2, one step 3


def test_an_approval_clicked_twice_at_once_counts_once(committed, django_db_blocker):  # noqa: F811
    with django_db_blocker.unblock():
        request = in_approval()

    def approve():
        return response_approve(request=Request.objects.get(pk=request.pk), actor=user("approver"))

    done, refused = race(django_db_blocker, {"first click": approve, "second click": approve})
    assert len(done) == 1 and len(refused) == 1
    with django_db_blocker.unblock():
        states = list(
            ApprovalStep.objects.filter(response__request=request)
            .order_by("order")
            .values_list("state", flat=True)
        )
        assert states == ["approved", "pending"]
        assert Event.objects.filter(request=request, kind="approval_given").count() == 1


def test_a_routed_request_is_at_version_two_and_each_step_adds_one(city):
    """The baseline the races above count from (this test also makes the suite create the test
    database when this module runs alone)."""
    request = housing_request()
    assert request.version == 2
    request_appoint(request=request, actor=user("head"), owner=user("executor"))
    assert Request.objects.get(pk=request.pk).version == 3

"""Fixtures of the browser tests that need more of the demo city than its map and registry."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def demo_route_requests(portal_url, django_db_blocker):
    """The demo staff's requests at every stage of the route (what `make run` loads: one
    request per stage, filed by the demo resident), committed for the module's browser and
    removed afterwards with everything they made, so the demo city stays as loaded."""
    from django.utils import timezone

    from citizen_requests.models import (
        ApprovalTemplate,
        Notification,
        RegistrationCounter,
        Request,
        ServiceMembership,
    )
    from demo import route
    from tests.citizen_requests.builders import ensure_test_database

    ensure_test_database()
    with django_db_blocker.unblock():
        year = timezone.localdate().year
        counter = RegistrationCounter.objects.filter(year=year).values_list("last_number", flat=True).first()
        last_id = Request.objects.order_by("-id").values_list("id", flat=True).first() or 0
        templates = set(ApprovalTemplate.objects.values_list("id", flat=True))
        units = dict(ServiceMembership.objects.values_list("id", "unit"))
        route.approval_templates_ensure()
        created = route.demo_route_requests_ensure()
        assert created >= 8, "the demo route requests were not made (demo accounts or areas missing)"
        made = list(Request.objects.filter(id__gt=last_id).order_by("id"))
    try:
        yield made
    finally:
        with django_db_blocker.unblock():
            Notification.objects.filter(request_id__gt=last_id).delete()
            Request.objects.filter(id__gt=last_id).delete()
            ApprovalTemplate.objects.exclude(id__in=templates).delete()
            for membership_id, unit in units.items():
                ServiceMembership.objects.filter(id=membership_id).exclude(unit=unit).update(unit=unit)
            if counter is None:
                RegistrationCounter.objects.filter(year=year).delete()
            else:
                RegistrationCounter.objects.filter(year=year).update(last_number=counter)

"""The demo city's notices (`make run`): made through the same services, once."""

from __future__ import annotations

import pytest

from notices.demo import demo_notices_ensure
from notices.models import Notice

pytestmark = pytest.mark.django_db


def test_demo_notices_are_published_once_by_the_notices_account(city):
    assert demo_notices_ensure() == 3
    assert demo_notices_ensure() == 0
    demo = Notice.objects.filter(area_source__has_key="demo_id")
    assert demo.count() == 3
    assert set(demo.values_list("status", flat=True)) == {"published"}
    assert set(demo.values_list("created_by__username", flat=True)) == {"notices"}
    assert all(n.households_count > 0 for n in demo)

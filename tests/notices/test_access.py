"""Nobody sees what is not theirs, through any door: a draft notice (pages, CAP, feed, API,
OGC API, place lookups, home and map, the admin) and the subscribers' personal data."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests.notices.builders import building_in, district, make_notice, point_of, subscribe_at
from tests.notices.conftest import staff

pytestmark = pytest.mark.django_db
SECRET = "Чернетка-таємниця-7731"


@pytest.fixture
def draft(vodokanal_head, vodokanal):
    return make_notice(vodokanal_head, service=vodokanal, publish=False, title_uk=SECRET, title_en=SECRET)


def _public_doors(notice, point) -> dict[str, str]:
    return {
        "page": f"/notices/{notice.pk}/",
        "cap": f"/notices/{notice.pk}/cap.xml",
        "list": "/notices/",
        "list-planned": "/notices/?when=planned",
        "feed": "/notices/feed.atom",
        "api": "/api/v1/notices/",
        "ogc-items": "/ogcapi/collections/notices/items?f=json",
        "ogc-item": f"/ogcapi/collections/notices/items/{notice.pk}?f=json",
        "check": f"/notices/check/?lat={point.y}&lon={point.x}",
        "place": f"/notices/place.json?lat={point.y}&lon={point.x}",
        "home": "/",
        "map": "/map/",
    }


@pytest.mark.parametrize("viewer", ["anonymous", "resident", "other_head", "dispatcher"])
def test_a_draft_is_hidden_from_everyone_but_its_service(client, draft, other_head, viewer):
    if viewer == "resident":
        client.force_login(User.objects.get(username="resident"))
    elif viewer == "other_head":
        client.force_login(other_head)
    elif viewer == "dispatcher":
        client.force_login(User.objects.get(username="dispatcher"))
    point = point_of(building_in(district()))
    for door, url in _public_doors(draft, point).items():
        answer = client.get(url)
        assert SECRET not in answer.content.decode(), door
        if door in ("page", "cap", "ogc-item"):
            assert answer.status_code == 404, door
    assert client.get(f"/notices/staff/{draft.pk}/change/").status_code in (403, 404, 302)
    assert client.post(f"/notices/staff/{draft.pk}/publish/").status_code in (403, 404, 302)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_the_draft_is_seen_by_its_service_and_the_notices_role(client, draft):
    client.force_login(User.objects.get(username="vodokanal-head"))
    assert SECRET in client.get(f"/notices/{draft.pk}/").content.decode()
    assert SECRET in client.get("/notices/staff/").content.decode()
    client.force_login(User.objects.get(username="notices"))
    assert SECRET in client.get(f"/notices/{draft.pk}/").content.decode()


def test_the_admin_shows_notices_by_service_and_subscriptions_to_superusers_only(client, draft, other_head):
    client.force_login(other_head)
    assert client.get(f"/admin/notices/notice/{draft.pk}/change/").status_code in (302, 404)
    assert SECRET not in client.get("/admin/notices/notice/").content.decode()
    assert client.get("/admin/notices/subscription/").status_code == 403
    assert client.get("/admin/notices/delivery/").status_code == 403
    client.force_login(User.objects.get(username="vodokanal-head"))
    assert SECRET in client.get("/admin/notices/notice/").content.decode()
    assert client.get("/admin/notices/subscription/").status_code == 403


def test_subscribers_personal_data_is_never_in_a_public_or_staff_body(client, vodokanal_head, vodokanal):
    building = building_in(district())
    resident = User.objects.get(username="resident")
    subscribe_at(building, user=resident, by_sms=True, phone="+380507654321")
    subscribe_at(building, email="tayemna.adresa@example.org")
    notice = make_notice(vodokanal_head, service=vodokanal)
    point = point_of(building)
    secrets = ["tayemna.adresa@example.org", "+380507654321", resident.email, resident.get_full_name()]
    bodies = {}
    for viewer in (
        None,
        vodokanal_head,
        User.objects.get(username="notices"),
        staff("gis", role="gis_admin"),
    ):
        if viewer is None:
            client.logout()
        else:
            client.force_login(viewer)
        for door, url in _public_doors(notice, point).items():
            bodies[(str(viewer), door)] = client.get(url).content.decode()
        bodies[(str(viewer), "staff")] = client.get("/notices/staff/").content.decode()
        bodies[(str(viewer), "detail-staff")] = client.get(f"/notices/{notice.pk}/").content.decode()
    for key, body in bodies.items():
        for secret in secrets:
            assert secret not in body, (key, secret)
    # Staff see how many were reached, not who.
    client.force_login(vodokanal_head)
    page = client.get(f"/notices/{notice.pk}/").content.decode()
    assert "Охоплено 2 домогосподарств за 1 адресами" in page


def test_a_subscription_is_reached_only_through_its_own_secret_link(client, city):
    subscription = subscribe_at(building_in(district()), email="hidden@example.org")
    assert client.get("/notices/unsubscribe/not-the-token/").status_code == 404
    assert client.get(f"/notices/unsubscribe/{subscription.token}/").status_code == 200
    assert (
        "hidden@example.org" not in client.get(f"/notices/unsubscribe/{subscription.token}/").content.decode()
    )

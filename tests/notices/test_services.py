"""A notice's life through its services: drafted, published, updated, cancelled, closed; every
change kept with who and when; bad input and other services' staff refused, nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from notices.exceptions import NoticeRefused
from notices.models import Notice, NoticeChange
from notices.services.notices import notice_cancel, notice_close, notice_create, notice_edit, notice_publish
from tests.notices.builders import district, make_notice, notice_input, square

pytestmark = pytest.mark.django_db


def test_published_notice_counts_the_households_of_its_district(vodokanal_head, vodokanal):
    notice = make_notice(vodokanal_head, service=vodokanal)
    assert notice.status == Notice.Status.PUBLISHED and notice.published_at
    assert notice.buildings_count > 10
    assert notice.households_count >= notice.buildings_count
    assert notice.area.covers(district().area.point_on_surface)
    kinds = list(notice.changes.values_list("kind", "actor__username"))
    assert kinds == [("created", "vodokanal-head"), ("published", "vodokanal-head")]


def test_update_keeps_who_and_when_and_the_old_end(vodokanal_head, vodokanal):
    notice = make_notice(vodokanal_head, service=vodokanal)
    old_end = notice.ends_at
    data = notice_input(service_id=vodokanal.pk, ends_at=old_end + dt.timedelta(hours=3))
    updated = notice_edit(
        notice=notice, actor=vodokanal_head, data=data, version=notice.version, comment="Бригада затримується"
    )
    change = updated.changes.order_by("-id").first()
    assert change.kind == NoticeChange.Kind.UPDATED and change.actor == vodokanal_head
    assert change.fields["ends_at"] == [old_end.isoformat(), updated.ends_at.isoformat()]
    assert change.comment == "Бригада затримується"
    assert updated.version == notice.version + 1


def test_a_stale_version_is_refused(vodokanal_head, vodokanal):
    notice = make_notice(vodokanal_head, service=vodokanal)
    data = notice_input(service_id=vodokanal.pk, ends_at=notice.ends_at + dt.timedelta(hours=1))
    notice_edit(notice=notice, actor=vodokanal_head, data=data, version=notice.version)
    with pytest.raises(NoticeRefused, match="змінив хтось інший"):
        notice_edit(
            notice=notice,
            actor=vodokanal_head,
            data=notice_input(service_id=vodokanal.pk),
            version=notice.version,
        )


def test_cancel_needs_a_reason_and_close_needs_both_languages(vodokanal_head, vodokanal):
    notice = make_notice(vodokanal_head, service=vodokanal)
    with pytest.raises(NoticeRefused) as refused:
        notice_cancel(notice=notice, actor=vodokanal_head, reason="  ")
    assert "reason" in refused.value.errors
    with pytest.raises(NoticeRefused) as refused:
        notice_close(notice=notice, actor=vodokanal_head, answer_uk="Воду подано", answer_en="")
    assert set(refused.value.errors) == {"answer_en"}
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED
    closed = notice_close(
        notice=notice, actor=vodokanal_head, answer_uk="Воду подано", answer_en="Water is back"
    )
    assert closed.status == Notice.Status.CLOSED and closed.ends_at <= timezone.now()
    with pytest.raises(NoticeRefused, match="змінити не можна"):
        notice_edit(notice=closed, actor=vodokanal_head, data=notice_input(service_id=vodokanal.pk))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"area_method": "polygon", "area_source": {"geojson": square(34.5, 49.5)}}, "area"),  # far outside
        ({"ends_at": timezone.now() - dt.timedelta(hours=2)}, "ends_at"),  # end before the start
        ({"text_uk": "   "}, "text_uk"),
        ({"title_en": ""}, "title_en"),
        ({"area_method": "districts", "area_source": {"districts": []}}, "area"),
        ({"area_method": "radius", "area_source": {"lat": 49.01, "lon": 33.64, "metres": 5}}, "area"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_published(
    vodokanal_head, vodokanal, overrides, field
):
    before = (Notice.objects.count(), NoticeChange.objects.count())
    with pytest.raises(NoticeRefused) as refused:
        notice_create(
            actor=vodokanal_head, data=notice_input(service_id=vodokanal.pk, **overrides), publish=True
        )
    assert field in refused.value.errors and refused.value.errors[field]
    assert (Notice.objects.count(), NoticeChange.objects.count()) == before


def test_area_outside_the_hromada_says_so(vodokanal_head, vodokanal):
    with pytest.raises(NoticeRefused) as refused:
        notice_create(
            actor=vodokanal_head,
            data=notice_input(
                service_id=vodokanal.pk, area_method="polygon", area_source={"geojson": square(34.5, 49.5)}
            ),
        )
    assert "поза межами громади" in refused.value.errors["area"]


def test_an_area_overshooting_the_boundary_is_refused(vodokanal_head, vodokanal):
    from city.selectors import municipality

    boundary = municipality().boundary
    xmin, ymin, xmax, ymax = boundary.extent
    # A square around the western edge: about half of it lies outside.
    geojson = square(xmin, (ymin + ymax) / 2, half=0.01)
    with pytest.raises(NoticeRefused) as refused:
        notice_create(
            actor=vodokanal_head,
            data=notice_input(
                service_id=vodokanal.pk, area_method="polygon", area_source={"geojson": geojson}
            ),
        )
    assert "поза межами громади" in refused.value.errors["area"]


def test_a_resident_and_the_head_of_another_service_may_not_publish(vodokanal_head, other_head, vodokanal):
    resident = User.objects.get(username="resident")
    with pytest.raises(NoticeRefused, match="не можете публікувати"):
        make_notice(resident, service=vodokanal)
    with pytest.raises(NoticeRefused) as refused:
        make_notice(other_head, service=vodokanal)
    assert "service" in refused.value.errors
    notice = make_notice(vodokanal_head, service=vodokanal, publish=False)
    with pytest.raises(NoticeRefused, match="іншої служби"):
        notice_publish(notice=notice, actor=other_head)


def test_the_notices_role_publishes_for_any_service(city, vodokanal):
    editor = User.objects.get(username="notices")
    notice = make_notice(editor, service=vodokanal)
    assert notice.status == Notice.Status.PUBLISHED


def test_a_draft_whose_end_has_passed_cannot_be_published(vodokanal_head, vodokanal):
    notice = make_notice(
        vodokanal_head, service=vodokanal, publish=False,
        starts_at=timezone.now() - dt.timedelta(hours=5), ends_at=timezone.now() - dt.timedelta(hours=1),
    )  # fmt: skip
    with pytest.raises(NoticeRefused) as refused:
        notice_publish(notice=notice, actor=vodokanal_head)
    assert "ends_at" in refused.value.errors
    notice.refresh_from_db()
    assert notice.status == Notice.Status.DRAFT

"""The works log: recording works per building (entrance, system), their validation, overdue
works, and optimistic locking of a work record."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from housing_registry.exceptions import StaleVersion
from housing_registry.models import Contractor, WorkRecord
from housing_registry.selectors import WorkFilters, overdue_q, works_filtered
from housing_registry.services import work_record_create, work_record_update


def work_data(**overrides):
    data = dict(
        system="heating",
        kind="planned_repair",
        title="Заміна стояка опалення",
        planned_date=date(2026, 12, 10),
        status="planned",
        done_date=None,
        contractor=Contractor.objects.get(name="ПП «Теплотехмонтаж»"),
        cost=Decimal("48500.00"),
        entrance=1,
        notes="",
    )
    data.update(overrides)
    return data


def test_a_dispatcher_records_a_work_on_an_entrance_and_system(building, dispatcher):
    work = work_record_create(building=building, data=work_data(), actor=dispatcher)
    assert work.building == building and work.entrance == 1 and work.system == "heating"
    assert work.created_by == dispatcher and work.version == 1
    assert work.history.get().history_user == dispatcher


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"status": "done", "done_date": None}, "done_date"),
        ({"status": "planned", "done_date": date(2025, 1, 1)}, "done_date"),
        ({"status": "done", "done_date": date.today() + timedelta(days=5)}, "done_date"),
        ({"cost": Decimal("-1")}, "cost"),
        ({"cost": Decimal("100000000.01")}, "cost"),
        ({"entrance": 25}, "entrance"),
        ({"planned_date": date(1999, 12, 31)}, "planned_date"),
        ({"kind": "miracle"}, "kind"),
        ({"title": ""}, "title"),
    ],
)
def test_wrong_work_records_are_refused(building, dispatcher, overrides, field):
    with pytest.raises(ValidationError) as refused:
        work_record_create(building=building, data=work_data(**overrides), actor=dispatcher)
    assert field in refused.value.message_dict


def test_unknown_cost_is_allowed_and_stays_unknown(building, dispatcher):
    work = work_record_create(building=building, data=work_data(cost=None), actor=dispatcher)
    assert work.cost is None


def test_overdue_means_open_after_the_planned_date(building, dispatcher):
    today = timezone.localdate()
    late = work_record_create(
        building=building, data=work_data(planned_date=today - timedelta(days=3)), actor=dispatcher
    )
    on_time = work_record_create(
        building=building, data=work_data(planned_date=today + timedelta(days=3)), actor=dispatcher
    )
    done_late = work_record_create(
        building=building,
        data=work_data(
            planned_date=today - timedelta(days=9), status="done", done_date=today - timedelta(days=1)
        ),
        actor=dispatcher,
    )
    assert late.is_overdue and not on_time.is_overdue and not done_late.is_overdue
    overdue = set(WorkRecord.objects.filter(overdue_q()).values_list("pk", flat=True))
    assert late.pk in overdue and on_time.pk not in overdue and done_late.pk not in overdue


def test_works_filter_by_building_district_status_contractor_and_period(building):
    contractor = Contractor.objects.get(name="ТОВ «Водосервіс ГП»")
    queryset = works_filtered(
        WorkFilters(
            district=building.district_id,
            status="done",
            contractor=contractor.pk,
            date_from=date(2025, 1, 1),
            date_to=date(2025, 12, 31),
        )
    )
    assert queryset.exists()
    for work in queryset:
        assert work.building.district_id == building.district_id
        assert work.status == "done" and work.contractor == contractor
        assert date(2025, 1, 1) <= work.done_date <= date(2025, 12, 31)


def test_a_stale_work_update_is_refused(building, dispatcher, housing_officer):
    work = work_record_create(building=building, data=work_data(), actor=dispatcher)
    work_record_update(
        work_id=work.pk, data={"status": "in_progress"}, expected_version=1, actor=housing_officer
    )
    with pytest.raises(StaleVersion) as refused:
        work_record_update(work_id=work.pk, data={"cost": Decimal("1")}, expected_version=1, actor=dispatcher)
    assert refused.value.changes[0]["user"] == housing_officer
    work.refresh_from_db()
    assert work.status == "in_progress" and work.cost == Decimal("48500.00")


def test_recording_a_work_through_the_page(client, building, dispatcher):
    client.force_login(dispatcher)
    page = client.get(f"/registry/works/new/?building={building.pk}")
    assert "Пов'язане звернення громадян" in page.content.decode()
    response = client.post(
        "/registry/works/new/",
        {
            "building": building.pk,
            "system": "elevator",
            "entrance": 2,
            "kind": "emergency",
            "title": "Звільнення пасажирів",
            "planned_date": "2026-11-20",
            "status": "done",
            "done_date": "2026-11-20",
            "cost": "1200.50",
        },
    )
    assert response.status_code == 302
    work = WorkRecord.objects.get(title="Звільнення пасажирів")
    assert work.entrance == 2 and work.cost == Decimal("1200.50") and work.contractor is None
    listing = client.get(f"/registry/works/?building={building.pk}").content.decode()
    assert "Звільнення пасажирів" in listing and "власними силами / не обрано" in listing


def test_the_works_page_counts_and_marks_overdue_works(client, dispatcher, city):
    client.force_login(dispatcher)
    html = client.get("/registry/works/?overdue=on").content.decode()
    total = WorkRecord.objects.filter(overdue_q()).count()
    assert total > 0
    assert f"прострочено: {total}" in html
    assert 'class="row-overdue"' in html

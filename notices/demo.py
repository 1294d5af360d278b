"""The demo city's notices (`load_demo_city`): a few in effect and planned, made through the
same service staff use. Idempotent: a notice whose demo id exists is left as it is."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from citizen_requests.models import Service
from city.models import District, Street
from notices.models import Notice
from notices.services.notices import NoticeInput, notice_create

K, N, A = Notice.Kind, Notice.Nature, Notice.AreaMethod


def _hour(offset_hours: float) -> dt.datetime:
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    return now + dt.timedelta(hours=offset_hours)


def _specs() -> list[dict]:
    district = (
        District.objects.filter(name_uk="Молодіжний").first() or District.objects.order_by("pk").first()
    )
    streets = list(Street.objects.order_by("name_uk").values_list("pk", flat=True)[:2])
    lat, lon = settings.MISTO_MAP_CENTER
    tomorrow = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    return [
        dict(
            demo_id="water-1", kind=K.WATER, nature=N.EMERGENCY, service="svc-vodokanal",
            title_uk="Аварійне відключення холодної води", title_en="Emergency cold water outage",
            text_uk="Порив водогону. Бригада КП «Водоканал» працює на місці; підвіз питної води — біля школи.",
            text_en="A water main burst. The Vodokanal crew is at work; drinking water is delivered near the school.",
            starts_at=_hour(-2), ends_at=_hour(6), method=A.DISTRICTS,
            source={"districts": [district.pk] if district else []},
            label_uk=f"мікрорайон {district.name_uk}" if district else "", label_en=f"{district.name_en or district.name_uk} district" if district else "",
        ),
        dict(
            demo_id="heating-1", kind=K.HOT_WATER, nature=N.PLANNED, service="svc-teploenergo",
            title_uk="Планове відключення гарячої води", title_en="Planned hot water outage",
            text_uk="Гідравлічні випробування тепломереж. Гаряча вода буде відсутня з 9:00 до 17:00.",
            text_en="Pressure tests of the heating network. No hot water from 9:00 to 17:00.",
            starts_at=tomorrow, ends_at=tomorrow + dt.timedelta(hours=8), method=A.STREETS,
            source={"streets": streets}, label_uk="", label_en="",
        ),
        dict(
            demo_id="road-1", kind=K.ROAD_WORKS, nature=N.PLANNED, service="svc-blagoustriy",
            title_uk="Ремонт дороги в центрі", title_en="Road repairs in the centre",
            text_uk="Ямковий ремонт, рух транспорту ускладнено. Будьте уважні.",
            text_en="Pothole repairs; traffic is slowed down. Take care.",
            starts_at=_hour(-24), ends_at=_hour(24 * 5), method=A.RADIUS,
            source={"lat": lat, "lon": lon, "metres": 300}, label_uk="центр міста, 300 м", label_en="city centre, 300 m",
        ),
    ]  # fmt: skip


def demo_notices_ensure() -> int:
    """Create the demo notices that do not exist yet (published by the `notices` demo account);
    returns how many were created."""
    actor = get_user_model().objects.filter(username="notices").first()
    if actor is None:
        return 0
    created = 0
    services = {s.source_id: s for s in Service.objects.all()}
    for spec in _specs():
        if (
            Notice.objects.filter(area_source__demo_id=spec["demo_id"]).exists()
            or spec["service"] not in services
        ):
            continue
        service = services[spec["service"]]
        notice_create(
            actor=actor,
            data=NoticeInput(
                kind=spec["kind"], nature=spec["nature"], title_uk=spec["title_uk"], title_en=spec["title_en"],
                text_uk=spec["text_uk"], text_en=spec["text_en"], starts_at=spec["starts_at"], ends_at=spec["ends_at"],
                service_id=service.pk, phone=service.phone, area_method=spec["method"],
                area_source={**spec["source"], "demo_id": spec["demo_id"]},
                area_label_uk=spec["label_uk"], area_label_en=spec["label_en"],
            ),
            publish=True,
        )  # fmt: skip
        created += 1
    return created

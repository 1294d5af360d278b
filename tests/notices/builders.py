"""Builders of the notices tests: areas and notices made through the services, subscriptions
at real addresses of the demo city."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib.gis.db.models.functions import PointOnSurface
from django.contrib.gis.geos import Point
from django.core import mail
from django.utils import timezone

from city.models import District
from housing_registry.models import Building
from notices.models import Notice, Subscription
from notices.places import place_find
from notices.services.notices import NoticeInput, notice_create
from notices.services.subscriptions import subscription_create


def district(name: str = "Молодіжний") -> District:
    return District.objects.get(name_uk=name)


def building_in(area_district: District) -> Building:
    return (
        Building.objects.annotate(p=PointOnSurface("footprint"))
        .filter(footprint__within=area_district.area)
        .order_by("pk")
        .first()
    )


def building_outside(area_district: District) -> Building:
    return Building.objects.exclude(footprint__intersects=area_district.area).order_by("pk").first()


def notice_input(**overrides) -> NoticeInput:
    now = timezone.now()
    values = dict(
        kind=Notice.Kind.WATER,
        nature=Notice.Nature.PLANNED,
        title_uk="Відключення холодної води",
        title_en="Cold water outage",
        text_uk="Ремонт водогону на вулиці.",
        text_en="Repairs of the water main.",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=5),
        service_id=None,
        phone="+380 5348 4-11-50",
        area_method=Notice.AreaMethod.DISTRICTS,
        area_source={"districts": [district().pk]},
    )
    values.update(overrides)
    return NoticeInput(**values)


def make_notice(actor, *, service, publish: bool = True, **overrides) -> Notice:
    return notice_create(actor=actor, data=notice_input(service_id=service.pk, **overrides), publish=publish)


def square(lon: float, lat: float, half: float = 0.002) -> str:
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
    ]
    return json.dumps({"type": "Polygon", "coordinates": [ring + [ring[0]]]})


def subscribe_at(building: Building, *, user=None, email: str = "", **kwargs) -> Subscription:
    point = Building.objects.annotate(p=PointOnSurface("footprint")).get(pk=building.pk).p
    place = place_find(lat=point.y, lon=point.x)
    subscription, _created = subscription_create(place=place, user=user, email=email, **kwargs)
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
        mail.outbox.clear()  # the confirmation link (tested in test_subscriptions.py)
    return subscription


def point_of(building: Building) -> Point:
    return Building.objects.annotate(p=PointOnSurface("footprint")).get(pk=building.pk).p

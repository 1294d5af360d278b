"""Read queries over notices shared by the pages, the API, the feeds, the OGC API and the hooks
of lower floors (core.place_notes). Visibility comes from notices/permissions.py."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.place_notes import PlaceNote
from notices import permissions
from notices.models import Delivery, Notice

S = Notice.Status
K = Notice.Kind
WHEN = ("now", "today", "planned", "active")
# Which notices answer a request of a category (citizen_requests category slugs).
TOPIC_KINDS: dict[str, set[str]] = {
    "no_water": {K.WATER},
    "water_leak": {K.WATER},
    "sewer": {K.WATER},
    "no_heating": {K.HEATING},
    "heat_leak": {K.HEATING, K.HOT_WATER},
    "hot_water": {K.HOT_WATER, K.HEATING},
    "street_light_out": {K.POWER},
    "light_daytime": {K.POWER},
    "elevator": {K.POWER},
    "pothole": {K.ROAD_WORKS, K.ROAD_CLOSURE},
    "pavement": {K.ROAD_WORKS, K.ROAD_CLOSURE},
    "road_signs": {K.ROAD_WORKS, K.ROAD_CLOSURE},
    "route_service": {K.ROAD_CLOSURE, K.ROAD_WORKS},
    "bus_stop": {K.ROAD_CLOSURE},
}


def notices_visible_to(user) -> QuerySet[Notice]:
    return Notice.objects.filter(permissions.visible_q(user)).select_related("service")


def notices_public(when: str = "active", *, now: dt.datetime | None = None) -> QuerySet[Notice]:
    """Published notices: `now` in effect, `today` touching today, `planned` not yet started,
    `active` in effect or planned (not yet ended)."""
    now = now or timezone.now()
    rows = Notice.objects.filter(status=S.PUBLISHED).select_related("service")
    if when == "now":
        return rows.filter(starts_at__lte=now, ends_at__gt=now)
    if when == "today":
        start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        return rows.filter(starts_at__lt=start + dt.timedelta(days=1), ends_at__gt=max(start, now))
    if when == "planned":
        return rows.filter(starts_at__gt=now)
    return rows.filter(ends_at__gt=now)


def notices_finished(*, days: int = 14) -> QuerySet[Notice]:
    """Closed, cancelled or ended notices of the last `days` days (the list's archive)."""
    since = timezone.now() - dt.timedelta(days=days)
    ended = Q(status=S.PUBLISHED, ends_at__lte=timezone.now())
    return (
        Notice.objects.filter(Q(status__in=[S.CLOSED, S.CANCELLED]) | ended, ends_at__gte=since)
        .select_related("service")
        .order_by("-ends_at")
    )


def notices_at(point, *, when: str = "active", topic: str = "") -> QuerySet[Notice]:
    rows = notices_public(when).filter(area__intersects=point)
    if topic:
        rows = rows.filter(kind__in=TOPIC_KINDS.get(topic, set()))
    return rows.order_by("starts_at")


def time_words(notice: Notice, *, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    start = timezone.localtime(notice.starts_at)
    end = timezone.localtime(notice.ends_at)
    if notice.status == S.CANCELLED:
        return _("cancelled")
    if notice.status == S.CLOSED:
        return _("closed %(when)s") % {
            "when": formats.date_format(timezone.localtime(notice.finished_at), "DATETIME_FORMAT")
        }
    if now < notice.starts_at:
        return _("planned %(start)s – %(end)s") % {
            "start": formats.date_format(start, "DATETIME_FORMAT"),
            "end": formats.date_format(
                end, "DATETIME_FORMAT" if end.date() != start.date() else "TIME_FORMAT"
            ),
        }
    if now < notice.ends_at:
        same_day = end.date() == timezone.localtime(now).date()
        return _("until %(end)s") % {
            "end": formats.date_format(end, "TIME_FORMAT" if same_day else "DATETIME_FORMAT")
        }
    return _("ended %(end)s") % {"end": formats.date_format(end, "DATETIME_FORMAT")}


def place_notes_for(geometry, *, topic: str = "") -> list[PlaceNote]:
    """core.place_notes source: the notices in effect now over `geometry` (for a request form's
    `topic`, those of a matching kind)."""
    from django.urls import reverse

    notes = []
    for notice in notices_at(geometry, when="now", topic=topic)[:10]:
        notes.append(
            PlaceNote(
                title=notice.title,
                when=time_words(notice),
                url=reverse("notices:detail", args=[notice.pk]),
                emergency=notice.is_emergency,
                kind_label=f"{notice.get_kind_display()} · {notice.get_nature_display()}",
            )
        )
    return notes


def notice_reach(notice: Notice) -> dict:
    """What staff see of who a notice reached: households and addresses (counts only, never
    who), messages by change, channel and state."""
    deliveries = Delivery.objects.filter(change__notice=notice)
    sent = deliveries.filter(state=Delivery.State.SENT)
    by_state = {
        (row["channel"], row["state"]): row["n"]
        for row in deliveries.values("channel", "state").annotate(n=Count("id"))
    }
    return {
        "households": sent.values("change__notice", "household").distinct().count(),
        "addresses": sent.values("address_label").distinct().count(),
        "by_state": by_state,
        "channels": [
            {
                "channel": label,
                "sent": by_state.get((value, Delivery.State.SENT), 0),
                "pending": by_state.get((value, Delivery.State.PENDING), 0)
                + by_state.get((value, Delivery.State.SENDING), 0),
                "failed": by_state.get((value, Delivery.State.FAILED), 0)
                + by_state.get((value, Delivery.State.INTERRUPTED), 0),
            }
            for value, label in Delivery.Channel.choices
        ],
    }

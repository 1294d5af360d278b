"""A notice as an OASIS Common Alerting Protocol 1.2 alert (alert / info per language / area).

Values come from the CAP 1.2 value lists: msgType Alert, Update (a later version, and the
all-clear of a closed notice) or Cancel; urgency, severity and certainty from the notice's kind,
nature and time. The area is the notice's polygons (lat,lon pairs, closed rings), simplified to
at most MAX_POINTS points each.
"""

from __future__ import annotations

from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from notices.models import Notice, NoticeChange

NS = "urn:oasis:names:tc:emergency:cap:1.2"
K = Notice.Kind
CATEGORY = {
    K.WATER: "Infra",
    K.HEATING: "Infra",
    K.HOT_WATER: "Infra",
    K.POWER: "Infra",
    K.GAS: "Infra",
    K.ROAD_WORKS: "Transport",
    K.ROAD_CLOSURE: "Transport",
    K.EMERGENCY: "Safety",
    K.ANNOUNCEMENT: "Other",
}
MAX_POINTS = 200
LANGUAGES = (("uk", "uk-UA"), ("en", "en-US"))


def cap_time(moment) -> str:
    """CAP's dateTime: local time with its offset, no fractions ("2026-03-12T09:00:00+02:00")."""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def _sender() -> str:
    host = urlsplit(settings.MISTO_SITE_URL).hostname or "misto.localhost"
    return f"notices@{host}"


def identifier(notice: Notice, version: int | None = None) -> str:
    return f"misto-notice-{notice.pk}-v{version or notice.version}"


def _values(notice: Notice, now) -> dict:
    state = notice.state_at(now)
    emergency = notice.is_emergency
    if notice.status == Notice.Status.CANCELLED:
        msg_type, urgency, certainty, response = "Cancel", "Past", "Observed", "None"
    elif notice.status == Notice.Status.CLOSED:
        msg_type, urgency, certainty, response = "Update", "Past", "Observed", "AllClear"
    else:
        msg_type = "Update" if _published_versions(notice)[:-1] else "Alert"
        if state == "planned":
            urgency, certainty, response = "Future", "Likely", "Prepare"
        elif state == "active":
            urgency, certainty = ("Immediate" if emergency else "Expected"), "Observed"
            response = "Avoid" if notice.kind in (K.ROAD_CLOSURE, K.EMERGENCY) else "Monitor"
        else:
            urgency, certainty, response = "Past", "Observed", "None"
    if notice.kind == K.EMERGENCY:
        severity = "Severe"
    elif emergency or notice.kind == K.ROAD_CLOSURE:
        severity = "Moderate"
    else:
        severity = "Minor"
    return dict(msg_type=msg_type, urgency=urgency, certainty=certainty, response=response, severity=severity)


def _published_versions(notice: Notice) -> list[NoticeChange]:
    return list(
        notice.changes.filter(kind__in=NoticeChange.NOTIFYING).order_by("at", "id").only("version", "at")
    )


def _polygons(notice: Notice) -> list[str]:
    rings = []
    for polygon in notice.area:
        ring = polygon.exterior_ring
        tolerance = 0.00001
        while len(ring) > MAX_POINTS:
            ring = polygon.simplify(tolerance, preserve_topology=True).exterior_ring
            tolerance *= 2
        rings.append(" ".join(f"{y:.6f},{x:.6f}" for x, y in ring.coords))
    return rings


def _add(parent, name: str, text: str | None = None):
    element = ET.SubElement(parent, f"{{{NS}}}{name}")
    if text is not None:
        element.text = text
    return element


def cap_alert(notice: Notice, *, now=None) -> bytes:
    """The CAP 1.2 XML document of `notice` (a published, cancelled or closed one)."""
    now = now or timezone.now()
    values = _values(notice, now)
    site = settings.MISTO_SITE_URL.rstrip("/")
    ET.register_namespace("", NS)
    alert = ET.Element(f"{{{NS}}}alert")
    _add(alert, "identifier", identifier(notice))
    _add(alert, "sender", _sender())
    _add(
        alert,
        "sent",
        cap_time(
            notice.changes.order_by("-at", "-id").values_list("at", flat=True).first() or notice.updated_at
        ),
    )
    _add(alert, "status", "Actual")
    _add(alert, "msgType", values["msg_type"])
    _add(alert, "scope", "Public")
    earlier = [c for c in _published_versions(notice) if c.version < notice.version]
    if values["msg_type"] != "Alert" and earlier:
        _add(
            alert,
            "references",
            " ".join(f"{_sender()},{identifier(notice, c.version)},{cap_time(c.at)}" for c in earlier),
        )
    for code, cap_language in LANGUAGES:
        with translation.override(code):
            info = _add(alert, "info")
            _add(info, "language", cap_language)
            _add(info, "category", CATEGORY[notice.kind])
            _add(info, "event", str(notice.get_kind_display()))
            _add(info, "responseType", values["response"])
            _add(info, "urgency", values["urgency"])
            _add(info, "severity", values["severity"])
            _add(info, "certainty", values["certainty"])
            _add(info, "effective", cap_time(notice.published_at or notice.created_at))
            _add(info, "onset", cap_time(notice.starts_at))
            _add(info, "expires", cap_time(notice.ends_at))
            _add(info, "senderName", notice.service.name)
            _add(info, "headline", notice.title[:160])
            _add(info, "description", notice.text)
            if notice.closing_text:
                _add(info, "instruction", notice.closing_text)
            _add(info, "web", site + reverse("notices:detail", args=[notice.pk]))
            _add(info, "contact", notice.phone)
            area = _add(info, "area")
            _add(area, "areaDesc", notice.area_label or str(notice.get_area_method_display()))
            for ring in _polygons(notice):
                _add(area, "polygon", ring)
    return ET.tostring(alert, encoding="utf-8", xml_declaration=True)

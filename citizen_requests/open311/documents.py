"""The portal's categories and requests as GeoReport v2 documents (plain dicts, field order as
the spec lists them; formats.py writes them as XML or JSON)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from citizen_requests.attributes import CONFIDENTIAL_ATTRIBUTE, localized, value_name
from citizen_requests.models import Category, Request
from citizen_requests.selectors.requests import CLOSED_STATUSES
from citizen_requests.services.notifications import absolute_url

SPEC = "http://wiki.open311.org/GeoReport_v2"
OFFICE_CLOSES = dt.time(18, 0)  # a deadline day ends when the offices close


def w3c(value: dt.datetime | None) -> str | None:
    """ISO 8601 with the UTC offset, as the spec requires (2026-03-01T08:15:30+02:00)."""
    if value is None:
        return None
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def discovery() -> dict:
    changed = Category.objects.aggregate(last=Max("updated_at"))["last"]
    changeset = timezone.localtime(changed).strftime("%Y-%m-%d %H:%M") if changed else "2026-01-01 00:00"
    return {
        "changeset": changeset,
        "contact": settings.MISTO_OPEN311_CONTACT,
        "key_service": _(
            "Apps get an api_key from the city's IT department (GIS admin) on request: %(contact)s"
        )
        % {"contact": settings.MISTO_OPEN311_CONTACT},
        "endpoints": [
            {
                "specification": SPEC,
                "url": absolute_url("/open311/v2"),
                "changeset": changeset,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def service(category: Category) -> dict:
    return {
        "service_code": category.slug,
        "service_name": category.name,
        "description": category.description,
        "metadata": True,  # every category asks at least whether the request is confidential
        "type": "realtime",
        "keywords": category.keywords,
        "group": category.group.name,
    }


def service_definition(category: Category) -> dict:
    attributes = []
    for a in sorted([*category.attributes, CONFIDENTIAL_ATTRIBUTE], key=lambda a: a.get("order", 0)):
        item = {
            "variable": True,
            "code": a["code"],
            "datatype": a.get("datatype", "string"),
            "required": bool(a.get("required")),
            "datatype_description": localized(a, "datatype_description") or None,
            "order": a.get("order", 0),
            "description": localized(a, "description"),
        }
        if a.get("values"):
            item["values"] = [{"key": v["key"], "name": value_name(v)} for v in a["values"]]
        attributes.append(item)
    return {"service_code": category.slug, "attributes": attributes}


def _notice(service: str | None, deadline: dt.date | None) -> str | None:
    if not service:
        return None
    if deadline:
        return _("The request is with %(service)s; an answer is due by %(date)s.") % {
            "service": service,
            "date": deadline.strftime("%d.%m.%Y"),
        }
    return _("The request is with %(service)s.") % {"service": service}


def service_notice(request: Request) -> str | None:
    return _notice(request.service.name if request.service else None, request.deadline)


def _expected(status: str, deadline: dt.date | None) -> str | None:
    if deadline is None or status in CLOSED_STATUSES:
        return None
    return w3c(dt.datetime.combine(deadline, OFFICE_CLOSES, timezone.get_current_timezone()))


def service_requests(rows, *, owner_id: int | None = None) -> list[dict]:
    """Requests as the spec lists them, from selectors.open311_rows(). The app that filed a
    request (`owner_id`) also gets its original text."""
    english = (get_language() or "uk").startswith("en")
    statuses = {value: str(label) for value, label in Request.Status.choices}
    city = _("Horishni Plavni")
    file_url = absolute_url(reverse("citizen_requests:file", args=["0000-000000", 0])).replace(
        "/0000-000000/files/0/", "/{}/files/{}/"
    )
    out = []
    for r in rows:
        closed = r["status"] in CLOSED_STATUSES
        service = (r["service__name_en"] if english else "") or r["service__name_uk"]
        media = r["media_url"] or None
        if r["photo_id"] and r["visibility"] == Request.Visibility.PUBLIC:
            media = file_url.format(r["number"], r["photo_id"])
        out.append(
            {
                "service_request_id": r["number"],
                "status": "closed" if closed else "open",
                "status_notes": r["status_notes"] or statuses.get(r["status"], r["status"]),
                "service_name": (r["category__name_en"] if english else "") or r["category__name_uk"],
                "service_code": r["category__slug"],
                "description": r["text"] if owner_id and r["api_client_id"] == owner_id else r["text_public"],
                "agency_responsible": service,
                "service_notice": _notice(service, r["deadline"]),
                "requested_datetime": w3c(r["submitted_at"]),
                "updated_datetime": w3c(r["closed_at"] if closed and r["closed_at"] else r["updated_at"]),
                "expected_datetime": _expected(r["status"], r["deadline"]),
                "address": ", ".join(p for p in (r["address"], city) if p),
                "address_id": None,
                "zipcode": None,
                "lat": round(r["lat"], 7),
                "long": round(r["lon"], 7),
                "media_url": media,
            }
        )
    return out


def created(request: Request) -> dict:
    return {
        "service_request_id": request.number,
        "service_notice": service_notice(request),
        "account_id": request.external_account_id or None,
    }

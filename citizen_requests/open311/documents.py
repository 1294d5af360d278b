"""The portal's categories and requests as GeoReport v2 documents (plain dicts, field order as
the spec lists them; formats.py writes them as XML or JSON)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from citizen_requests.attributes import CONFIDENTIAL_ATTRIBUTE, localized, value_name
from citizen_requests.models import Attachment, Category, Request
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


def service_notice(request: Request) -> str:
    if request.service is None:
        return ""
    if request.deadline:
        return _("The request is with %(service)s; an answer is due by %(date)s.") % {
            "service": request.service.name,
            "date": request.deadline.strftime("%d.%m.%Y"),
        }
    return _("The request is with %(service)s.") % {"service": request.service.name}


def expected(request: Request) -> str | None:
    if request.deadline is None or request.status in CLOSED_STATUSES:
        return None
    return w3c(dt.datetime.combine(request.deadline, OFFICE_CLOSES, timezone.get_current_timezone()))


def media_url(request: Request) -> str | None:
    photos = [a for a in request.attachments.all() if a.kind == Attachment.Kind.PHOTO]
    if photos and request.is_public:
        return absolute_url(reverse("citizen_requests:file", args=[request.number, photos[0].pk]))
    return request.media_url or None


def service_request(request: Request, *, owner: bool = False) -> dict:
    """One request. `owner`: the app that filed it, which also gets the original text."""
    closed = request.status in CLOSED_STATUSES
    return {
        "service_request_id": request.number,
        "status": "closed" if closed else "open",
        "status_notes": request.status_notes or request.get_status_display(),
        "service_name": request.category.name,
        "service_code": request.category.slug,
        "description": request.text if owner else request.text_public,
        "agency_responsible": request.service.name if request.service else None,
        "service_notice": service_notice(request) or None,
        "requested_datetime": w3c(request.submitted_at),
        "updated_datetime": w3c(request.closed_at if closed and request.closed_at else request.updated_at),
        "expected_datetime": expected(request),
        "address": ", ".join(p for p in (request.address, _("Horishni Plavni")) if p),
        "address_id": None,
        "zipcode": None,
        "lat": round(request.location.y, 7),
        "long": round(request.location.x, 7),
        "media_url": media_url(request),
    }


def created(request: Request) -> dict:
    return {
        "service_request_id": request.number,
        "service_notice": service_notice(request) or None,
        "account_id": request.external_account_id or None,
    }

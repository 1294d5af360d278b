"""The portal's categories and requests as GeoReport v2 documents (plain dicts, field order as
the spec lists them; formats.py writes them as XML or JSON)."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from citizen_requests.attributes import CONFIDENTIAL_ATTRIBUTE, localized, value_name
from citizen_requests.models import Category, Request
from citizen_requests.open311.formats import RawJSON
from citizen_requests.selectors.requests import CLOSED_STATUSES
from citizen_requests.services.notifications import absolute_url
from gis_layers.geojson import fetch_one, json_object, local_iso_sql

SPEC = "http://wiki.open311.org/GeoReport_v2"
OFFICE_CLOSES = dt.time(18, 0)  # a deadline day ends when the offices close


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


def _template_sql(template: str, **parts: str) -> tuple[str, list[str]]:
    """A translated message with %(name)s placeholders as SQL: its text pieces as parameters
    and each placeholder as the SQL expression in `parts` (a translation may reorder them)."""
    pieces = re.split(r"%\((\w+)\)s", template)
    sql, params = [], []
    for i, piece in enumerate(pieces):
        if i % 2:
            sql.append(parts[piece])
        elif piece:
            sql.append("%s")
            params.append(piece)
    return "(" + " || ".join(sql) + ")", params


def service_requests_sql(rows, *, owner_id: int | None = None) -> tuple[str, tuple]:
    """(SQL, parameters) writing the requests of `rows` (selectors.open311_rows(), ordered and
    sliced) as the spec lists them — the JSON text of the list, built by PostgreSQL in the
    page's language. The app that filed a request (`owner_id`) also gets its original text."""
    inner, inner_params = rows.query.sql_with_params()
    english = (get_language() or "uk").startswith("en")
    closed = "x.closed"  # the row's facts in the lateral join x, each written once
    service = "coalesce(nullif(p.service_name_en, ''), p.service_name_uk)" if english else "p.service_name_uk"
    category = (
        "coalesce(nullif(p.category_name_en, ''), p.category_name_uk)" if english else "p.category_name_uk"
    )
    statuses = " ".join("WHEN %s THEN %s" for _ in Request.Status.choices)
    status_params = [str(x) for value, label in Request.Status.choices for x in (value, label)]
    due, due_params = _template_sql(
        _("The request is with %(service)s; an answer is due by %(date)s."),
        service="x.service",
        date="to_char(p.deadline, 'DD.MM.YYYY')",
    )
    with_service, with_service_params = _template_sql(
        _("The request is with %(service)s."), service="x.service"
    )
    file_url = absolute_url(reverse("citizen_requests:file", args=["0000-000000", 987654321]))
    before_number, after_number = file_url.split("0000-000000")
    before_photo, after_photo = after_number.split("987654321")
    deadline_at = f"((p.deadline + time '{OFFICE_CLOSES:%H:%M}') AT TIME ZONE '{settings.TIME_ZONE}')"
    fields = {
        "service_request_id": "p.number",
        "status": f"CASE WHEN {closed} THEN 'closed' ELSE 'open' END",
        "status_notes": f"coalesce(nullif(p.status_notes, ''), CASE p.status {statuses} ELSE p.status END)",
        "service_name": category,
        "service_code": "p.category_slug",
        "description": "CASE WHEN p.api_client_id = %s THEN p.text ELSE p.text_public END",
        "agency_responsible": "x.service",
        "service_notice": (
            f"CASE WHEN coalesce(x.service, '') = '' THEN NULL WHEN p.deadline IS NOT NULL THEN {due}"
            f" ELSE {with_service} END"
        ),
        "requested_datetime": local_iso_sql("p.submitted_at", seconds=True),
        "updated_datetime": local_iso_sql("x.updated", seconds=True),
        "expected_datetime": (
            f"CASE WHEN p.deadline IS NULL OR {closed} THEN NULL"
            f" ELSE {local_iso_sql(deadline_at, seconds=True)} END"
        ),
        "address": "concat_ws(', ', nullif(p.address, ''), %s)",
        "address_id": "NULL",
        "zipcode": "NULL",
        "lat": "round(p.lat::numeric, 7)::float8",
        "long": "round(p.lon::numeric, 7)::float8",
        "media_url": (
            "CASE WHEN p.photo_id IS NOT NULL AND p.visibility = %s"
            " THEN %s || p.number || %s || p.photo_id || %s ELSE nullif(p.media_url, '') END"
        ),
    }
    # The parameters in the order their placeholders are written above.
    params = [
        *status_params,  # status_notes
        owner_id,  # description
        *due_params,
        *with_service_params,  # service_notice
        _("Horishni Plavni"),  # address
        Request.Visibility.PUBLIC, before_number, before_photo, after_photo,  # media_url
    ]  # fmt: skip
    document = json_object(fields)
    sql = f"""
SELECT coalesce(json_agg({document} ORDER BY p.open311_position), '[]'::json)::text
FROM (SELECT q.*, row_number() OVER () AS open311_position FROM ({inner}) q) p
CROSS JOIN LATERAL (
    SELECT {service} AS service, p.status = ANY(%s) AS closed,
           CASE WHEN p.status = ANY(%s) AND p.closed_at IS NOT NULL THEN p.closed_at ELSE p.updated_at END AS updated
) x"""
    # The placeholders in the order they are written: the document's, the rows', the facts'.
    statuses_closed = list(CLOSED_STATUSES)
    return sql, (*params, *inner_params, statuses_closed, statuses_closed)


def service_requests(rows, *, owner_id: int | None = None) -> RawJSON:
    """The requests of `rows` as the document's list: JSON text made by PostgreSQL (for the
    XML, formats.respond reads it back)."""
    (text,) = fetch_one(*service_requests_sql(rows, owner_id=owner_id))
    return RawJSON(text)


def created(request: Request) -> dict:
    return {
        "service_request_id": request.number,
        "service_notice": service_notice(request),
        "account_id": request.external_account_id or None,
    }

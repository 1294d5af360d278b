"""Requests as GeoJSON built by PostgreSQL (gis_layers.geojson): the map's list and one
request's API page. The rows come from requests_visible_to (selectors.requests)."""

from __future__ import annotations

from django.db.models import Case, CharField, F, QuerySet, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, Concat, NullIf
from django.urls import reverse

from citizen_requests.models import Request
from city.address_language import address_sql
from gis_layers.geojson import LocalISO, features_sql, fetch_one


def _bilingual(field: str, english: bool):
    return Coalesce(NullIf(f"{field}_en", Value("")), f"{field}_uk") if english else F(f"{field}_uk")


def _map_columns(english: bool) -> tuple[dict, dict[str, str]]:
    """(annotations of a request row, GeoJSON properties over them): what a marker and its popup
    need — no applicant, no text."""
    statuses = [When(status=value, then=Value(str(label))) for value, label in Request.Status.choices]
    url = reverse("citizen_requests:detail", args=["0000-000000"]).split("0000-000000")
    columns = {
        "category_slug": F("category__slug"),
        "category_name": _bilingual("category__name", english),
        "category_icon": F("category__icon"),
        "category_colour": F("category__group__colour"),
        "status_label": Case(*statuses, default=F("status"), output_field=CharField()),
        "submitted": LocalISO("submitted_at"),
        "url": Concat(Value(url[0]), "number", Value(url[1]), output_field=CharField()),
    }
    properties = {
        "category": "p.category_slug",
        "category_name": "p.category_name",
        "icon": "p.category_icon",
        "colour": "p.category_colour",
        "status": "p.status",
        "status_label": "p.status_label",
        "visibility": "p.visibility",
        "submitted_at": "p.submitted",
        "address": address_sql("p.address", english),  # the street in the page's language
        "url": "p.url",
    }
    return columns, properties


MAP_FIELDS = ("location", "status", "visibility", "address", "number")


def _features(rows: QuerySet, properties: dict[str, str]) -> str:
    sql = features_sql(rows, geometry="location", properties=properties, precision=6, feature_id="p.number")
    (features,) = fetch_one(*sql)
    return features


def map_geojson(queryset: QuerySet[Request], *, limit: int, english: bool) -> str:
    """The JSON text of a FeatureCollection of the queryset's first `limit` requests, built by
    PostgreSQL (gis_layers.geojson). The feature id is the request's number."""
    columns, properties = _map_columns(english)
    features = _features(queryset.values(*MAP_FIELDS, **columns)[:limit], properties)
    return f'{{"type":"FeatureCollection","features":{features}}}'


def request_feature(found: Request, *, personal: bool, english: bool) -> str:
    """The JSON text of one request as a GeoJSON feature: the map's properties and the
    published text (the original only `personal`ly), service, district, deadline and why."""
    columns, properties = _map_columns(english)
    language = "en" if english else "uk"
    columns |= {
        "shown_text": F("text") if personal else F("text_public"),
        "service_name": _bilingual("service__name", english),
        "district_name": _bilingual("district__name", english),
        "why": Coalesce(
            NullIf(KeyTextTransform(language, "routing_explanation"), Value("")),
            KeyTextTransform("uk", "routing_explanation"),
            Value(""),
            output_field=CharField(),
        ),
        "updated": LocalISO("updated_at"),
    }
    properties |= {
        "text": "p.shown_text",
        "service": "p.service_name",
        "district": "p.district_name",
        "deadline": "to_json(p.deadline)",
        "status_notes": "p.status_notes",
        "explanation": "p.why",
        "updated_at": "p.updated",
    }
    rows = Request.objects.filter(pk=found.pk).values(*MAP_FIELDS, "deadline", "status_notes", **columns)
    return _features(rows, properties)[1:-1]  # the one feature of the array

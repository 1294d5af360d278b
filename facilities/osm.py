"""OpenStreetMap objects into the facility directory: `manage.py import_osm FILE --tag … --facilities
--category SLUG`. Tags map to fields as OSM documents them (name, name:uk, name:en,
addr:street + addr:housenumber, phone, website, email, opening_hours); objects that cannot be
placed are skipped with the reason. Registered in FacilitiesConfig.ready().
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from facilities import opening_hours
from facilities.models import Category, Facility
from facilities.services import facility_sync_opening_periods
from gis_layers.importers.osm import OSM_ATTRIBUTION, OsmRows
from gis_layers.registry import OsmTarget
from gis_layers.services.osm import CHANGE_REASON, OsmResult, changed_fields, district_id_at, geos


@transaction.atomic
def osm_to_facilities(*, rows: OsmRows, category: Category, actor=None) -> OsmResult:
    """Facilities of `category` from OSM objects (points), created or updated by OSM id."""
    result = OsmResult()
    existing = {f.source_id: f for f in Facility.objects.filter(source_id__startswith="osm:")}
    changed: list[Facility] = []
    for osm_id, tags, geom in zip(rows.frame["osm_id"], rows.frame["tags"], rows.frame.geometry, strict=True):
        tags = tags or {}
        name = tags.get("name:uk") or tags.get("name")
        if not name:
            result.skipped.append((osm_id, _("has no name")))
            continue
        hours = tags.get("opening_hours", "")
        try:
            opening_hours.parse(hours)
        except opening_hours.OpeningHoursError:
            result.skipped.append(
                (osm_id, _("opening hours “%(h)s” not understood; left empty") % {"h": hours})
            )
            hours = ""
        point = geos(geom)
        street, number = tags.get("addr:street", ""), tags.get("addr:housenumber", "")
        website = tags.get("website") or tags.get("contact:website") or ""
        values = dict(
            name_uk=name[:255],
            name_en=(tags.get("name:en") or "")[:255],
            category=category,
            location=point,
            address=", ".join(p for p in (street, number) if p)[:255],
            phones=[
                p.strip()[:40]
                for p in (tags.get("phone") or tags.get("contact:phone") or "").split(";")
                if p.strip()
            ],
            email=(tags.get("email") or tags.get("contact:email") or "")[:254],
            website=website[:200] if website.startswith(("http://", "https://")) else "",
            opening_hours=hours[:255],
            operator=(tags.get("operator") or "")[:255],
            accessibility=(f"wheelchair: {tags['wheelchair']}" if tags.get("wheelchair") else ""),
            data_source=OSM_ATTRIBUTION,
        )
        source_id = f"osm:{osm_id}"
        facility = existing.get(source_id)
        if facility is None:
            facility = Facility(source_id=source_id, district_id=district_id_at(point), **values)
            result.created += 1
        else:
            diff = changed_fields(facility, values)
            if not diff:
                result.unchanged += 1
                continue
            for key in diff:
                setattr(facility, key, values[key])
            facility.district_id = district_id_at(point)
            result.updated += 1
        facility._history_user = actor
        facility._change_reason = CHANGE_REASON
        facility.save()
        changed.append(facility)
    facility_sync_opening_periods(facilities=changed)
    return result


def _add_arguments(parser) -> None:
    parser.add_argument("--category", help="with --facilities: the category slug, e.g. pharmacy")


def _prepare(options: dict) -> Category:
    category = Category.objects.filter(slug=options["category"] or "", parent__isnull=False).first()
    if category is None:
        raise CommandError("--facilities needs --category with the slug of a category (not a group).")
    return category


def _run(*, rows: OsmRows, context: Category, actor=None) -> OsmResult:
    return osm_to_facilities(rows=rows, category=context, actor=actor)


OSM_TARGET = OsmTarget(
    name="facilities",
    help="into the facility directory",
    geometry="point",
    prepare=_prepare,
    run=_run,
    add_arguments=_add_arguments,
)

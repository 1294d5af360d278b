"""OpenStreetMap objects into the facility directory and the housing registry, upserted by OSM id
(`source_id` "osm:node/123"), in one transaction. Tags map to fields as OSM documents them
(name, name:uk, name:en, addr:street + addr:housenumber, phone, website, email, opening_hours,
building:levels); objects that cannot be placed are skipped with the reason.

(Into a GIS layer, OSM rows go through the regular import: gis_layers.services.imports.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from city.models import District, Street
from facilities import opening_hours
from facilities.models import Category, Facility
from facilities.services import facility_sync_opening_periods
from gis_layers.importers.osm import OSM_ATTRIBUTION, OsmRows
from housing_registry.models import Building

CHANGE_REASON = "import_osm"


@dataclass
class OsmResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (osm id, reason)


def _geos(geom) -> GEOSGeometry:
    return GEOSGeometry(memoryview(geom.wkb), srid=4326)


def _district(point) -> int | None:
    district = District.objects.filter(area__covers=point).only("id").first()
    return district.pk if district else None


def _changed(obj, values: dict) -> list[str]:
    out = []
    for key, value in values.items():
        old = getattr(obj, key)
        if isinstance(old, GEOSGeometry) and isinstance(value, GEOSGeometry):
            if not old.equals_exact(value, 1e-9):
                out.append(key)
        elif old != value:
            out.append(key)
    return out


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
        point = _geos(geom)
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
            facility = Facility(source_id=source_id, district_id=_district(point), **values)
            result.created += 1
        else:
            diff = _changed(facility, values)
            if not diff:
                result.unchanged += 1
                continue
            for key in diff:
                setattr(facility, key, values[key])
            facility.district_id = _district(point)
            result.updated += 1
        facility._history_user = actor
        facility._change_reason = CHANGE_REASON
        facility.save()
        changed.append(facility)
    facility_sync_opening_periods(facilities=changed)
    return result


@transaction.atomic
def osm_to_buildings(*, rows: OsmRows, actor=None) -> OsmResult:
    """Buildings of the housing registry from OSM building outlines with an address whose street
    is one of the city's streets (matched by name); created or updated by OSM id."""
    result = OsmResult()
    streets = {s.lname: s for s in Street.objects.annotate(lname=Lower("name_uk"))}
    streets.update({s.lname: s for s in Street.objects.exclude(name_en="").annotate(lname=Lower("name_en"))})
    existing = {b.source_id: b for b in Building.objects.filter(source_id__startswith="osm:")}
    taken = {
        (b.street_id, b.house_number): b.source_id
        for b in Building.objects.only("street_id", "house_number", "source_id")
    }
    for osm_id, tags, geom in zip(rows.frame["osm_id"], rows.frame["tags"], rows.frame.geometry, strict=True):
        tags = tags or {}
        source_id = f"osm:{osm_id}"
        street = streets.get((tags.get("addr:street") or "").strip().lower())
        number = (tags.get("addr:housenumber") or "").strip()[:20]
        if street is None or not number:
            result.skipped.append((osm_id, _("no address on one of the city's streets")))
            continue
        if taken.get((street.pk, number), source_id) != source_id:
            result.skipped.append((osm_id, _("the registry already has a building at this address")))
            continue
        footprint = _geos(geom)
        if isinstance(footprint, Polygon):
            footprint = MultiPolygon(footprint, srid=4326)
        if not isinstance(footprint, MultiPolygon) or not footprint.valid:
            result.skipped.append((osm_id, _("the outline is not a valid polygon")))
            continue
        levels = tags.get("building:levels", "")
        floors = int(levels) if levels.isdigit() and 1 <= int(levels) <= 40 else None
        values = dict(
            footprint=footprint,
            street=street,
            house_number=number,
            address=f"{street.name_uk}, {number}",
            district_id=_district(footprint.point_on_surface),
            floors=floors,
        )
        building = existing.get(source_id)
        if building is None:
            Building.objects.create(source_id=source_id, **values)
            taken[(street.pk, number)] = source_id
            result.created += 1
            continue
        diff = _changed(building, values)
        if not diff:
            result.unchanged += 1
            continue
        for key in diff:
            setattr(building, key, values[key])
        building.version += 1
        building.save()
        result.updated += 1
    return result

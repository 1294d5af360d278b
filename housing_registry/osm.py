"""OpenStreetMap building outlines into the housing registry: `manage.py import_osm FILE --tag
building=* --buildings`. Matched to the city's streets by name (addr:street), floors from
building:levels; objects that cannot be placed are skipped with the reason. Registered in
HousingRegistryConfig.ready().
"""

from __future__ import annotations

from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from city.models import Street
from gis_layers.importers.osm import OsmRows
from gis_layers.registry import OsmTarget
from gis_layers.services.osm import OsmResult, changed_fields, district_id_at, geos
from housing_registry.models import Building


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
        footprint = geos(geom)
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
            district_id=district_id_at(footprint.point_on_surface),
            floors=floors,
        )
        building = existing.get(source_id)
        if building is None:
            Building.objects.create(source_id=source_id, **values)
            taken[(street.pk, number)] = source_id
            result.created += 1
            continue
        diff = changed_fields(building, values)
        if not diff:
            result.unchanged += 1
            continue
        for key in diff:
            setattr(building, key, values[key])
        building.version += 1
        building.save()
        result.updated += 1
    return result


def _run(*, rows: OsmRows, context=None, actor=None) -> OsmResult:
    return osm_to_buildings(rows=rows, actor=actor)


OSM_TARGET = OsmTarget(
    name="buildings",
    help="into the housing registry",
    geometry="polygon",
    prepare=lambda options: None,
    run=_run,
)

"""OpenStreetMap areas into the basemap: `manage.py import_osm FILE --tag leisure=park
--basemap-areas` (or landuse=grass, natural=water, …). Green or water is read from the tags; the
names from name / name:uk and name:en. Objects that are neither, or not a valid polygon, are
skipped with the reason. Registered in BasemapConfig.ready()."""

from __future__ import annotations

from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import transaction
from django.utils.translation import gettext as _

from basemap.models import MapArea
from gis_layers.importers.osm import OsmRows
from gis_layers.registry import OsmTarget
from gis_layers.services.osm import OsmResult, changed_fields, geos

# OSM tags (key, value) of the areas the basemap draws, and what it draws them as.
GREEN = {
    ("leisure", "park"), ("leisure", "garden"), ("leisure", "playground"), ("leisure", "pitch"),
    ("landuse", "grass"), ("landuse", "forest"), ("landuse", "meadow"), ("landuse", "recreation_ground"),
    ("landuse", "village_green"), ("landuse", "cemetery"), ("natural", "wood"), ("natural", "scrub"),
    ("natural", "grassland"),
}  # fmt: skip
WATER = {("natural", "water"), ("waterway", "riverbank"), ("landuse", "reservoir"), ("landuse", "basin")}


def area_kind(tags: dict) -> str | None:
    """green, water or None for the tags of an OSM object."""
    pairs = set(tags.items())
    if pairs & WATER:
        return MapArea.Kind.WATER
    if pairs & GREEN:
        return MapArea.Kind.GREEN
    return None


@transaction.atomic
def osm_to_areas(*, rows: OsmRows) -> OsmResult:
    """Basemap areas from OSM polygons, created or updated by OSM id (one transaction)."""
    result = OsmResult()
    existing = {a.source_id: a for a in MapArea.objects.filter(source_id__startswith="osm:")}
    for osm_id, tags, geom in zip(rows.frame["osm_id"], rows.frame["tags"], rows.frame.geometry, strict=True):
        tags = tags or {}
        kind = area_kind(tags)
        if kind is None:
            result.skipped.append((osm_id, _("neither a green area nor water")))
            continue
        area = geos(geom)
        if isinstance(area, Polygon):
            area = MultiPolygon(area, srid=4326)
        if not isinstance(area, MultiPolygon) or not area.valid:
            result.skipped.append((osm_id, _("the outline is not a valid polygon")))
            continue
        values = dict(
            kind=kind,
            area=area,
            name_uk=(tags.get("name:uk") or tags.get("name") or "")[:255],
            name_en=(tags.get("name:en") or "")[:255],
        )
        source_id = f"osm:{osm_id}"
        found = existing.get(source_id)
        if found is None:
            MapArea.objects.create(source_id=source_id, **values)
            result.created += 1
            continue
        diff = changed_fields(found, values)
        if not diff:
            result.unchanged += 1
            continue
        for key in diff:
            setattr(found, key, values[key])
        found.save()
        result.updated += 1
    return result


def _prepare(options: dict) -> None:
    return None


def _run(*, rows: OsmRows, context=None, actor=None) -> OsmResult:
    return osm_to_areas(rows=rows)


OSM_TARGET = OsmTarget(
    name="basemap-areas",
    help="into the basemap's green areas and water",
    geometry="polygon",
    prepare=_prepare,
    run=_run,
)

"""What the apps' OSM import targets share (gis_layers.registry.OsmTarget): the result they
report and helpers to turn OSM rows into model values. Each app maps the tags into its own
models (upserted by OSM id, `source_id` "osm:node/123"), in one transaction.

(Into a GIS layer, OSM rows go through the regular import: gis_layers.services.imports.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.gis.geos import GEOSGeometry

from city.models import District

CHANGE_REASON = "import_osm"


@dataclass
class OsmResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (osm id, reason)


def geos(geom) -> GEOSGeometry:
    """A GeoDataFrame geometry (shapely, EPSG:4326) as GEOS."""
    return GEOSGeometry(memoryview(geom.wkb), srid=4326)


def district_id_at(point) -> int | None:
    """The city district that covers the point, if any."""
    district = District.objects.filter(area__covers=point).only("id").first()
    return district.pk if district else None


def changed_fields(obj, values: dict) -> list[str]:
    """The names of `values` that differ from the object's (geometries compared exactly)."""
    out = []
    for key, value in values.items():
        old = getattr(obj, key)
        if isinstance(old, GEOSGeometry) and isinstance(value, GEOSGeometry):
            if not old.equals_exact(value, 1e-9):
                out.append(key)
        elif old != value:
            out.append(key)
    return out

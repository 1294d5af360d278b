"""The analysts' map of homes as vector tiles: one point per home of a service type's results
(where its walk is measured from), with its distance class and the figures its popup shows.

Per-home results are for analysts only (coverage.permissions: `analyse`), so these tiles are
served by coverage's own door (views.staff_homes_tile) after that check, never under /tiles/.
Their ETags carry the "coverage-homes" data version (triggers of migration 0002 on the results,
access points, resident counts and service types) and those of the buildings and facilities
whose addresses and names they show.
"""

from __future__ import annotations

import threading

from coverage.models import ServiceType
from coverage.summaries import distance_class_sql, population_sql
from gis_layers.tiles import TileLayer, mvt_sql

HOMES_SOURCE = "coverage-homes"
HOMES_TABLES = [
    "coverage_buildingcoverage",
    "coverage_buildingaccess",
    "coverage_residentcount",
    "coverage_servicetype",
]
TILE_LAYER = "homes"  # the layer's name inside each tile

_layers: dict[tuple, TileLayer] = {}
_lock = threading.Lock()


def homes_tile_sql(service_type: ServiceType, *, english: bool) -> str:
    """One tile's statement (parameters %(z)s, %(x)s, %(y)s): the homes of `service_type`
    (`b` is the tile's bounds in gis_layers.tiles.mvt_sql: the buildings are `bl`)."""
    name = "name_en" if english else "name_uk"
    columns = f"""r.building_id AS id, bl.address, r.status,
           {distance_class_sql(service_type)} AS distance_class,
           round(r.network_m::numeric, 1)::float8 AS network_m,
           round(r.minutes::numeric, 1)::float8 AS minutes,
           round(r.straight_m::numeric, 1)::float8 AS straight_m,
           coalesce(nullif(f.{name}, ''), f.name_uk) AS facility,
           round(({population_sql(building="bl")})::numeric, 1)::float8 AS population"""
    tables = """coverage_buildingaccess a
    JOIN coverage_buildingcoverage r ON r.building_id = a.building_id
    JOIN housing_registry_building bl ON bl.id = r.building_id
    LEFT JOIN coverage_residentcount rc ON rc.building_id = bl.id
    LEFT JOIN facilities_facility f ON f.id = r.facility_id"""
    return mvt_sql(
        TILE_LAYER,
        geometry="a.point",
        columns=columns,
        tables=tables,
        where=f"r.service_type_id = {int(service_type.pk)}",
    )


def homes_tile_layer(service_type: ServiceType, *, english: bool) -> TileLayer:
    """The tile layer of one type's homes in one language (facility names are in the page's);
    its name changes with the type's class bounds, so new bounds never meet old tiles."""
    key = (service_type.pk, float(service_type.threshold_m), english)
    layer = _layers.get(key)
    if layer is None:
        threshold = f"{float(service_type.threshold_m):g}"
        layer = TileLayer(
            name=f"coverage-homes-{service_type.pk}-{threshold}-{'en' if english else 'uk'}",
            source=HOMES_SOURCE,
            sql=homes_tile_sql(service_type, english=english),
            title=f"Homes: {service_type.slug}",
            more_sources=("buildings", "facilities"),
        )
        with _lock:
            _layers[key] = layer
    return layer

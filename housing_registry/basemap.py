"""The buildings on the city's basemap: outlines from zoom 14 and house numbers from zoom 17 (the
street and number only — the data sheets stay staff-only). Registered in
HousingRegistryConfig.ready()."""

from basemap.registry import BasemapLayer

BUILDINGS = BasemapLayer(
    name="buildings",
    source="buildings",
    tables="housing_registry_building bl",
    geometry="bl.footprint",
    columns="bl.floors",
    minzoom=14,
    order=60,
)

HOUSE_NUMBERS = BasemapLayer(
    name="housenumbers",
    source="buildings",
    tables="housing_registry_building bl",
    geometry="ST_PointOnSurface(bl.footprint)",
    index_geometry="bl.footprint",
    columns="bl.house_number",
    minzoom=16,
    order=61,
)

"""The buildings' vector tile layer (/tiles/buildings/{z}/{x}/{y}.mvt): outlines with address and
floors only — the data sheets are staff-only. Registered in HousingRegistryConfig.ready()."""

from gis_layers.tiles import TileLayer, mvt_sql

BUILDINGS = TileLayer(
    name="buildings",
    source="buildings",
    title="Building outlines (address and floors only; the data sheets are staff-only)",
    sql=mvt_sql(
        "buildings",
        geometry="bl.footprint",
        columns="bl.id, bl.address, bl.floors",
        tables="housing_registry_building bl",
    ),
)

"""The facilities' vector tile layer (/tiles/facilities/{z}/{x}/{y}.mvt): public categories of
public groups only, with what the map draws and labels. Registered in FacilitiesConfig.ready()."""

from gis_layers.tiles import TileLayer, mvt_sql

FACILITIES = TileLayer(
    name="facilities",
    source="facilities",
    title="Facilities (public categories)",
    sql=mvt_sql(
        "facilities",
        geometry="f.location",
        columns="f.id, f.name_uk, f.name_en, c.slug AS category, g.slug AS category_group, c.colour, f.address",
        tables="""facilities_facility f
    JOIN facilities_category c ON c.id = f.category_id
    LEFT JOIN facilities_category g ON g.id = c.parent_id""",
        where="c.is_public AND (g.id IS NULL OR g.is_public)",
    ),
)

"""The public map: the page and its data (issue 4 grows this with the API and tiles)."""

from harness import Scenario

FACILITIES_SQL = """
select f.id, f.name_uk, f.name_en, c.slug, f.address, f.phones, f.opening_hours, ST_AsGeoJSON(f.location, 6)
from facilities_facility f join facilities_category c on c.id = f.category_id
left join facilities_category g on g.id = c.parent_id
where c.is_public and (g.id is null or g.is_public)
"""


def scenarios(ctx):
    return [
        Scenario("map page /map/", "/map/"),
        Scenario("map data, all facilities", "/map/facilities.geojson", sql=FACILITIES_SQL),
    ]

"""Landmarks on the city's basemap: parks, monuments, places of worship, museums, culture centres,
hospitals, schools, the railway station and the like, with their names, from zoom 15 — public
categories of public groups only, as on the facilities' own tiles. Registered in
FacilitiesConfig.ready()."""

from basemap.registry import BasemapLayer
from basemap.tiles import english

# Category slugs (facilities/category_tree.py) a resident finds their way by.
LANDMARK_CATEGORIES = (
    "park", "monument", "religious", "museum", "culture_centre", "hospital", "school",
    "railway_station", "council_office", "admin_service_centre", "market", "recreation",
)  # fmt: skip

LANDMARKS = BasemapLayer(
    name="landmarks",
    source="facilities",
    tables="""facilities_facility f
        JOIN facilities_category c ON c.id = f.category_id
        LEFT JOIN facilities_category g ON g.id = c.parent_id""",
    geometry="f.location",
    columns=f"f.name_uk, {english('f')} AS name_en, c.slug AS category",
    where=(
        "c.is_public AND (g.id IS NULL OR g.is_public) AND c.slug IN ("
        + ", ".join(f"'{slug}'" for slug in LANDMARK_CATEGORIES)
        + ")"
    ),
    minzoom=15,
    order=70,
)

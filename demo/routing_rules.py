"""The demo city's routing table: who answers each request category, where.

Categories whose `area_kind` names a kind of service area get one rule per area of that kind
(the service that holds the area) and a rule for the rest of the hromada (the villages and
fields outside the city's areas). City-wide categories get one rule. "Other" has none on
purpose: the front office reads those (triage).
"""

from __future__ import annotations

# category slug -> (deadline in working days, priority)
TERMS: dict[str, tuple[int, str]] = {
    "pothole": (10, "normal"), "pavement": (15, "normal"), "snow_ice": (2, "high"),
    "road_signs": (10, "normal"), "street_light_out": (5, "normal"), "light_daytime": (5, "low"),
    "light_pole": (1, "urgent"), "roof_leak": (5, "high"), "entrance": (15, "normal"),
    "elevator": (1, "urgent"), "basement": (3, "high"), "no_water": (1, "urgent"),
    "water_leak": (1, "urgent"), "sewer": (2, "high"), "open_manhole": (1, "urgent"),
    "no_heating": (2, "high"), "hot_water": (3, "normal"), "heat_leak": (1, "urgent"),
    "missed_collection": (2, "normal"), "illegal_dump": (10, "normal"), "bins_damaged": (10, "low"),
    "dangerous_tree": (3, "high"), "mowing": (15, "low"), "park": (15, "normal"),
    "playground": (10, "normal"), "bus_stop": (15, "normal"), "route_service": (10, "normal"),
    "noise": (3, "normal"), "abandoned_car": (15, "low"), "street_trade": (10, "low"),
    "graffiti": (15, "low"),
}  # fmt: skip

# Outside the service areas (area kind -> service source id).
OUTSIDE_AREAS = {
    "roads_lighting": "svc-housing-dept",
    "housing": "svc-housing-dept",
    "water": "svc-vodokanal",
    "heating": "svc-teploenergo",
}

# City-wide categories (no area kind) -> service source id; a group's default, then exceptions.
CITY_WIDE = {
    "waste": "svc-spetskomuntrans",
    "greenery": "svc-zelenbud",
    "transport": "svc-transport-dept",
    "public_order": "svc-public-order",
}
CITY_WIDE_EXCEPTIONS = {"playground": "svc-blagoustriy"}

# Rules whose requests go straight to a named process owner (a demo account) of the service.
DEFAULT_OWNERS = {"area-housing-2": "executor"}

# Demo accounts' places in services: (username, service source id, position).
MEMBERSHIPS = [
    ("registrar", "svc-front-office", "registrar"),
    ("head", "svc-zhytloservis-2", "head"),
    ("executor", "svc-zhytloservis-2", "executor"),
    ("approver", "svc-zhytloservis-2", "approver"),
    ("deputy", "svc-zhytloservis-2", "approver"),
]


def routing_table(categories: list, areas_by_kind: dict[str, list[tuple[str, str]]]) -> list[dict]:
    """Rows (category slug, area source id or None, service source id, days, priority, owner).

    `categories`: the category catalogue (citizen_requests.category_tree.CATEGORIES);
    `areas_by_kind`: {kind: [(area source id, its service source id), ...]}.
    """
    rows = []
    for category in categories:
        if category.slug not in TERMS:
            continue
        days, priority = TERMS[category.slug]
        base = dict(category=category.slug, deadline_days=days, priority=priority)
        if category.area_kind:
            for area, service in sorted(areas_by_kind.get(category.area_kind, [])):
                rows.append({**base, "area": area, "service": service, "owner": DEFAULT_OWNERS.get(area)})
            rows.append({**base, "area": None, "service": OUTSIDE_AREAS[category.area_kind], "owner": None})
        else:
            service = CITY_WIDE_EXCEPTIONS.get(category.slug) or CITY_WIDE[category.group]
            rows.append({**base, "area": None, "service": service, "owner": None})
    return rows

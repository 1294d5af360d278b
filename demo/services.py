"""The demo city's municipal services (who answers residents) and the areas they serve."""

from __future__ import annotations

from shapely.geometry import Polygon, box
from shapely.ops import unary_union

# (source id, kind, Ukrainian name, English name, phone, e-mail local part)
SERVICES = [
    ("svc-front-office", "front_office", "Відділ роботи зі зверненнями громадян",
     "Citizens' Requests Office", "+380 5348 2-00-15", "zvernennia"),
    ("svc-housing-dept", "department", "Управління житлово-комунального господарства",
     "Housing and Utilities Department", "+380 5348 2-21-40", "zhkh"),
    ("svc-education-dept", "department", "Управління освіти", "Education Department",
     "+380 5348 2-33-10", "osvita"),
    ("svc-social-dept", "department", "Управління соціального захисту населення",
     "Social Protection Department", "+380 5348 2-45-71", "soczahyst"),
    ("svc-architecture-dept", "department", "Відділ містобудування та архітектури",
     "Urban Planning and Architecture Office", "+380 5348 2-18-02", "arhitektura"),
    ("svc-transport-dept", "department", "Відділ транспорту та зв'язку",
     "Transport and Communications Office", "+380 5348 2-27-64", "transport"),
    ("svc-public-order", "department", "Муніципальна варта", "Municipal Guard",
     "+380 5348 2-02-02", "varta"),
    ("svc-vodokanal", "utility", "КП «Водоканал»", 'Vodokanal (water utility)',
     "+380 5348 4-11-50", "vodokanal"),
    ("svc-teploenergo", "utility", "КП «Теплоенерго»", "Teploenerho (district heating)",
     "+380 5348 4-22-35", "teplo"),
    ("svc-pivden-teplo", "utility", "ТОВ «Придніпровська тепломережа»",
     "Prydniprovska Heat Network", "+380 5348 4-25-80", "pteplo"),
    ("svc-misksvitlo", "utility", "КП «Міськсвітло»", "Misksvitlo (street lighting)",
     "+380 5348 4-30-12", "svitlo"),
    ("svc-blagoustriy", "utility", "КП «Благоустрій міста»", "City Improvement Company",
     "+380 5348 4-33-47", "blagoustriy"),
    ("svc-zhytloservis-1", "utility", "КП «Житлосервіс-1»", "Zhytloservis-1 (housing maintenance)",
     "+380 5348 4-41-01", "zs1"),
    ("svc-zhytloservis-2", "utility", "КП «Житлосервіс-2»", "Zhytloservis-2 (housing maintenance)",
     "+380 5348 4-41-02", "zs2"),
    ("svc-zhytloservis-3", "utility", "КП «Житлосервіс-3»", "Zhytloservis-3 (housing maintenance)",
     "+380 5348 4-41-03", "zs3"),
    ("svc-zhytloservis-4", "utility", "КП «Житлосервіс-4»", "Zhytloservis-4 (housing maintenance)",
     "+380 5348 4-41-04", "zs4"),
    ("svc-spetskomuntrans", "utility", "КП «Спецкомунтранс»", "Spetskomuntrans (waste collection)",
     "+380 5348 4-50-09", "smittia"),
    ("svc-zelenbud", "utility", "КП «Зеленбуд»", "Zelenbud (parks and greenery)",
     "+380 5348 4-55-16", "zelenbud"),
]  # fmt: skip

# District source ids per housing maintenance company.
HOUSING_AREAS = {
    "svc-zhytloservis-1": ["district-west", "district-hirnytskyi"],
    "svc-zhytloservis-2": ["district-centre", "district-prydniprovskyi"],
    "svc-zhytloservis-3": ["district-molodizhnyi", "district-sonyachnyi"],
    "svc-zhytloservis-4": ["district-budivelnykiv", "district-north"],
}


def district_shapes(urban: Polygon, cross_u: list[float], long_v: list[float]) -> dict[str, Polygon]:
    """Microdistricts in the frame, bounded by streets (and the railway in the north)."""
    far = 5000
    u_w, u_h, u_c, u_m = cross_u[2], cross_u[5], cross_u[9], cross_u[7]
    v_s, v_m, v_n = long_v[3], long_v[6], 1650.0  # south row, middle row, railway
    rects = {
        "district-west": box(-far, -far, u_w, v_n),
        "district-prydniprovskyi": box(u_w, -far, far, v_s),
        "district-hirnytskyi": box(u_w, v_s, u_h, v_m),
        "district-centre": box(u_h, v_s, u_c, v_m),
        "district-molodizhnyi": box(u_c, v_s, far, v_m),
        "district-budivelnykiv": box(u_w, v_m, u_m, v_n),
        "district-sonyachnyi": box(u_m, v_m, far, v_n),
        "district-north": box(-far, v_n, far, far),
    }
    return {key: rect.intersection(urban) for key, rect in rects.items()}


def service_area_shapes(
    urban: Polygon, districts: dict[str, Polygon], cross_u: list[float], long_v: list[float]
) -> list[tuple[str, str, str, str, str, Polygon]]:
    """(source id, kind, service, Ukrainian name, English name, polygon) for every area.

    Areas of one kind share their edges exactly (they are cut from one polygon), so a
    point on an edge lies in both neighbours and routing must break the tie.
    """
    far = 5000
    v_split = long_v[5]  # вулиця Добровольського divides heating north / south
    u_split = cross_u[7]  # вулиця Миру divides lighting west / east
    north = box(-far, v_split, far, far).intersection(urban)
    south = box(-far, -far, far, v_split).intersection(urban)
    west = box(-far, -far, u_split, far).intersection(urban)
    east = box(u_split, -far, far, far).intersection(urban)
    areas = [
        ("area-water-city", "water", "svc-vodokanal", "Водопостачання — місто", "Water — city", urban),
        ("area-heating-north", "heating", "svc-teploenergo", "Теплопостачання — Північ", "Heating — North", north),
        ("area-heating-south", "heating", "svc-pivden-teplo", "Теплопостачання — Південь", "Heating — South", south),
        ("area-lighting-west", "roads_lighting", "svc-misksvitlo", "Освітлення і дороги — Захід",
         "Lighting and roads — West", west),
        ("area-lighting-east", "roads_lighting", "svc-blagoustriy", "Освітлення і дороги — Схід",
         "Lighting and roads — East", east),
    ]  # fmt: skip
    for n, (service, keys) in enumerate(HOUSING_AREAS.items(), start=1):
        shape = unary_union([districts[k] for k in keys])
        areas.append(
            (f"area-housing-{n}", "housing", service, f"Житлове обслуговування — дільниця {n}",
             f"Housing maintenance — area {n}", shape)
        )  # fmt: skip
    return areas

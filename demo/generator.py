# Over 400 lines: the deterministic demo-city generator: its steps depend on one random sequence and must stay in order.
"""Generate the demo city as ESRI shapefiles: `python -m demo.generator <out_dir>`.

Deterministic (fixed seed): the same code writes the same features. Real inputs come from
data/sources/ (the hromada boundary, the NHSU pharmacies and clinics); everything else is
generated around them. data/shapefiles/README.md documents the output.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import sys
from collections import Counter
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, Point, box, shape
from shapely.ops import linemerge, unary_union

from demo import buildings as bld
from demo import catalogue, layout, map_layers, services, sheets
from facilities.category_tree import leaf_slugs

SEED = 1960  # the year the city was founded
CONDOMINIUMS = 36
SOURCES = Path(__file__).resolve().parents[1] / "data" / "sources"
OSM_ATTRIBUTION = "© OpenStreetMap contributors, ODbL"
# Legal forms as Ukrainians abbreviate them; the registers spell them out in capitals.
LEGAL_FORMS = {
    "КОМУНАЛЬНЕ НЕКОМЕРЦІЙНЕ ПІДПРИЄМСТВО": "КНП",
    "ТОВАРИСТВО З ОБМЕЖЕНОЮ ВІДПОВІДАЛЬНІСТЮ": "ТОВ",
    "Товариство з обмеженою відповідальністю": "ТОВ",
    "Фізична особа-підприємець": "ФОП",
}
DBF_TEXT_BYTES = 254  # a shapefile's text field holds 254 bytes: ~127 Cyrillic letters
NHSU_ATTRIBUTION = "НСЗУ via Texty.org.ua medical_reform (2020)"
DEMO_SOURCE = "Misto demo city (generated)"

# Standalone facilities: category -> (count, where). "courtyard" and "ring" are slots of
# residential blocks; the other places are cell uses (see buildings.assign_uses).
STANDALONE = {
    "school": (12, "courtyard"),
    "kindergarten": (16, "courtyard"),
    "extracurricular": (7, "ring"),
    "clinic": (5, "ring"),
    "library": (3, "ring"),
    "culture_centre": (3, "ring"),
    "museum": (1, "ring"),
    "police": (2, "ring"),
    "religious": (6, "private"),
    "sports_facility": (5, "ring"),
    "car_service": (40, "garages"),
    "market": (3, "private"),
}
# Facilities in special blocks, by the block's use.
SPECIAL = {
    "civic": ["council_office", "admin_service_centre", "monument", "monument", "park", "post_office"],
    "park": ["park", "monument", "monument", "culture_centre", "cafe", "sports_ground", "museum"],
    "stadium": ["sports_facility", "sports_facility", "sports_facility", "sports_ground", "fast_food"],
    "hospital": ["hospital", "hospital", "clinic", "pharmacy"],
    "market": ["market", "taxi", "grocery", "grocery", "nonfood_shop", "nonfood_shop", "fast_food"],
    "riverside": [
        "recreation",
        "park",
        "recreation",
        "monument",
        "recreation",
        "cafe",
        "recreation",
        "sports_ground",
    ],
    "industrial": ["railway_station", "taxi"],
}
# Facilities on the ground floors of blocks of flats.
GROUND_FLOOR = {
    "social_service": 14, "clinic": 4, "pharmacy": 29, "dentistry": 10, "library": 5,
    "utility_office": 16, "admin_service_centre": 2, "police": 1, "post_office": 7, "bank": 16,
    "grocery": 258, "supermarket": 22, "nonfood_shop": 318, "cafe": 119, "restaurant": 30,
    "canteen": 20, "fast_food": 38, "hairdresser": 60, "repair": 80, "sports_facility": 4,
    "taxi": 4,
}  # fmt: skip
SPORTS_GROUNDS = 58
STOP_SPACING = 480  # metres between stops along a bus route
MONUMENTS_ON_AVENUE = 12
PARKS_EXTRA = 6


class Generator:
    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.counts: Counter[str] = Counter()
        self.facilities: list[dict] = []

    # -- inputs ------------------------------------------------------------------------
    def load_sources(self):
        hromada = json.loads((SOURCES / "horishni_plavni_hromada.geojson").read_text("utf-8"))
        feature = hromada["features"][0]
        polygon = shape(feature["geometry"])
        self.hromada = (polygon, feature["properties"])
        nhsu = json.loads((SOURCES / "nhsu_horishni_plavni.geojson").read_text("utf-8"))
        self.nhsu = nhsu["features"]
        return polygon

    # -- the city ------------------------------------------------------------------------
    def build(self) -> None:
        hromada = self.load_sources()
        frame = layout.Frame()
        hromada_uv = frame.lonlat_to_uv(hromada)
        # The Dnipro is the hromada's south-west edge near the city.
        river_edge_uv = hromada_uv.exterior.intersection(box(-5000, -4000, 7000, -800))
        river_edge = frame.uv_to_lonlat(river_edge_uv)
        self.lay = layout.build_layout(self.rng, hromada, river_edge)
        self.cells = layout.make_cells(self.lay)
        bld.assign_uses(self.rng, self.cells)
        for n, cell in enumerate(c for c in self.cells if c.use in ("private", "garages")):
            v_mid = (self.lay.long_v[cell.j] + self.lay.long_v[cell.j + 1]) / 2
            lane = layout.add_lane(self.lay, n, v_mid, self.lay.cross_u[cell.k], self.lay.cross_u[cell.k + 1])
            cell.usable = cell.usable.difference(lane.line.buffer(12))
        layout.cut_segments(self.lay)

        plan = self.plan_parcels()
        self.buildings, parcels = bld.place_buildings(self.rng, self.cells, plan)
        parcels += self.special_parcels()
        bld.assign_addresses(self.buildings + parcels, self.lay.streets)
        bld.assign_management(self.rng, self.buildings, CONDOMINIUMS)
        self.parcels = parcels

        self.districts = services.district_shapes(self.lay.urban, self.lay.cross_u, self.lay.long_v)
        self.areas = services.service_area_shapes(
            self.lay.urban, self.districts, self.lay.cross_u, self.lay.long_v
        )
        self.make_facilities()

    def plan_parcels(self) -> dict:
        """Reserve courtyards and ring slots of residential blocks for public buildings."""
        residential = [c for c in self.cells if c.use == "residential"]
        courtyards = self.rng.sample(residential, len(residential))
        ring_slots = [
            ((c.k, c.j), (a, b)) for c in residential for a in range(3) for b in range(3) if (a, b) != (1, 1)
        ]
        self.rng.shuffle(ring_slots)
        plan = {}
        for category, (count, where) in STANDALONE.items():
            for _ in range(count):
                if where == "courtyard":
                    plan[((courtyards[0].k, courtyards[0].j), (1, 1))] = category
                    courtyards.pop(0)
                elif where == "ring":
                    plan[ring_slots.pop()] = category
        return plan

    def special_parcels(self) -> list[bld.Parcel]:
        parcels = []
        wanted: dict[str, list[str]] = {use: list(cats) for use, cats in SPECIAL.items()}
        for category, (count, where) in STANDALONE.items():
            if where not in ("courtyard", "ring"):
                wanted.setdefault(where, []).extend([category] * count)
        by_use: dict[str, list[layout.Cell]] = {}
        for cell in self.cells:
            by_use.setdefault(cell.use, []).append(cell)
        for use, categories in wanted.items():
            cells = by_use.get(use, [])
            for i, category in enumerate(categories):
                cell = cells[i % len(cells)]
                point = self.random_point(cell.usable.buffer(-10))
                parcels.append(
                    bld.Parcel(f"parcel-{category}-{use}-{i:03d}", point, category=category, cell=cell)
                )
        return parcels

    def random_point(self, area) -> Point:
        minx, miny, maxx, maxy = area.bounds
        for _ in range(500):
            p = Point(self.rng.uniform(minx, maxx), self.rng.uniform(miny, maxy))
            if area.contains(p):
                return p
        return area.representative_point()

    # -- facilities ----------------------------------------------------------------------
    def add_facility(self, category: str, point_uv: Point, address: str, **extra) -> None:
        self.counts[category] += 1
        n = self.counts[category]
        # Names and contacts come from a generator of their own, so that changing how places
        # are named never moves where they are.
        attrs = catalogue.describe(category, n, random.Random(f"facility:{category}:{n}"))
        attrs.update(extra)
        self.facilities.append(
            dict(
                src_id=f"fac-{category}-{n:04d}",
                category=category,
                address=address,
                geometry=point_uv,
                source=DEMO_SOURCE,
                **attrs,
            )
        )

    def make_facilities(self) -> None:
        for parcel in self.parcels:
            self.add_facility(parcel.category, parcel.centre, parcel.address)
        self.ground_floor_facilities()
        self.sports_grounds()
        self.avenue_monuments_and_parks()
        self.bus_stops()
        self.service_offices()
        self.real_facilities()

    def ground_floor_facilities(self) -> None:
        weight = {"primary": 10, "secondary": 4, "residential": 1}
        buildings = self.buildings
        weights = [weight[b.street.road_class] * b.footprint.length for b in buildings]
        order = [cat for cat, count in GROUND_FLOOR.items() for _ in range(count)]
        self.rng.shuffle(order)
        for category in order:
            b = self.rng.choices(buildings, weights)[0]
            b.shops += 1
            facade = b.facade()
            # Spread the shops of one building along its facade, a few metres inside.
            at = facade.interpolate(((b.shops * 0.37) % 1.0) * 0.9 + 0.05, normalized=True)
            inward = b.footprint.centroid
            point = LineString([at, inward]).interpolate(3.0)
            self.add_facility(category, point, b.address)

    def sports_grounds(self) -> None:
        residential = [c for c in self.cells if c.use == "residential"]
        for i in range(SPORTS_GROUNDS):
            cell = residential[i % len(residential)]
            cx, cy = cell.usable.centroid.x, cell.usable.centroid.y
            point = Point(cx + self.rng.uniform(-40, 40), cy + self.rng.choice([-35, 35]))
            nearest = min(self.buildings, key=lambda b: b.centre.distance(point))
            self.add_facility("sports_ground", point, f"{nearest.address} (у дворі)")

    def avenue_monuments_and_parks(self) -> None:
        avenue = next(s for s in self.lay.streets if s.key == f"long-{layout.AVENUE_INDEX:02d}")
        for i in range(MONUMENTS_ON_AVENUE):
            u = -1800 + i * 3600 / (MONUMENTS_ON_AVENUE - 1)
            point = Point(u + self.rng.uniform(-20, 20), avenue.position + self.rng.choice([-22, 22]))
            self.add_facility("monument", point, f"{avenue.name_uk} (сквер)")
        spots = [c for c in self.cells if c.use in ("riverside", "private")]
        for i in range(PARKS_EXTRA):
            cell = spots[(i * 7) % len(spots)]
            self.add_facility(
                "park", self.random_point(cell.usable), f"{self.nearest_street(cell.usable.centroid).name_uk}"
            )

    def nearest_street(self, point: Point) -> layout.StreetLine:
        return min(self.lay.streets, key=lambda s: s.line.distance(point))

    def bus_stops(self) -> None:
        cross = [s for s in self.lay.streets if s.key.startswith("cross-")]
        long_ = [s for s in self.lay.streets if s.key.startswith("long-")]
        for street in (s for s in self.lay.streets if s.bus_route):
            others = long_ if street.axis == "v" else cross
            served = linemerge(
                unary_union([seg.geometry for seg in self.lay.segments if seg.street is street])
            )
            length = served.length
            if length == 0:
                continue
            for part in getattr(served, "geoms", [served]):
                steps = int(part.length // STOP_SPACING)
                for s in range(steps + 1):
                    at = part.interpolate(min(part.length - 20, 60 + s * STOP_SPACING))
                    landmark = min(others, key=lambda o: o.line.distance(at))
                    short = landmark.name_uk.replace("вулиця ", "вул. ").replace("проспект ", "просп. ")
                    for side in (-12, 12):
                        p = Point(at.x, at.y + side) if street.axis == "u" else Point(at.x + side, at.y)
                        self.add_facility(
                            "bus_stop", p, f"{street.name_uk} (зупинка «{short}»)",
                            name_uk=f"Зупинка «{short}»",
                            name_en=f'Stop "{landmark.name_en}"',
                            description="Автобуси та маршрутні таксі.",
                        )  # fmt: skip

    def service_offices(self) -> None:
        """Each service gets an office: departments in the council building, utilities in
        the industrial north. They are facilities too (category council_office / utility_company)."""
        civic = next(c for c in self.cells if c.use == "civic")
        industrial = [c for c in self.cells if c.use in ("industrial", "garages")]
        council_point = civic.usable.centroid
        council_address = self.nearest_parcel_address(council_point)
        self.service_rows = []
        for i, (src_id, kind, uk, en, phone, mail) in enumerate(services.SERVICES):
            if kind == "utility":
                point = self.random_point(industrial[i % len(industrial)].usable.buffer(-10))
                address = self.street_address(point, i)
                category = "utility_company"
            else:
                point = Point(council_point.x + (i % 4) * 6 - 9, council_point.y + (i // 4) * 6 - 6)
                address = council_address
                category = "council_office"
            email = f"{mail}@{catalogue.MAIL_DOMAIN}"
            self.service_rows.append(
                dict(src_id=src_id, kind=kind, name_uk=uk, name_en=en, phone=phone, email=email,
                     address=address, geometry=point)
            )  # fmt: skip
            self.add_facility(
                category, point, address, name_uk=uk, name_en=en, phones=[phone], email=email,
                operator=catalogue.COUNCIL if kind != "utility" else uk,
                hours=catalogue.OFFICE_HOURS, website="",
            )  # fmt: skip

    def nearest_parcel_address(self, point: Point) -> str:
        nearest = min(self.parcels, key=lambda p: p.centre.distance(point))
        return nearest.address

    def street_address(self, point: Point, n: int) -> str:
        street = self.nearest_street(point)
        return f"{street.name_uk}, {100 + 2 * n + 1}"

    def real_facilities(self) -> None:
        """The hromada's real pharmacies and primary-care points (НСЗУ registers)."""
        for feature in self.nhsu:
            p = feature["properties"]
            kind = p["kind"]
            address = p["division_residence_addresses"].split(", ", 2)[-1]
            key = f"{kind}|{p['division_name']}|{address}|{p.get('division_id') or ''}"
            digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]
            category = "pharmacy" if kind == "pharmacy" else "clinic"
            name = p["division_name"]
            if "№" in name:
                number = name.split("№")[1].split()[0]
                kind_en = "Pharmacy" if category == "pharmacy" else "Primary care practice"
                name_en = f"{kind_en} No. {number}"
            else:
                name_en = catalogue.names.transliterate(name)
            self.facilities.append(
                dict(
                    src_id=f"nhsu-{digest}",
                    category=category,
                    name_uk=name,
                    name_en=name_en,
                    address=address,
                    phones=[],
                    email="",
                    website="",
                    hours="",
                    operator=short_legal_name(p["legal_entity_name"]),
                    description="",
                    access="",
                    source=NHSU_ATTRIBUTION,
                    geometry=("lonlat", Point(feature["geometry"]["coordinates"])),
                )
            )

    # -- output --------------------------------------------------------------------------
    def write(self, out: Path) -> dict[str, int]:
        out.mkdir(parents=True, exist_ok=True)
        to_ll = self.lay.frame.uv_to_lonlat
        written = {}

        def save(name: str, rows: list[dict]) -> None:
            frame = gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs="EPSG:4326")
            for old in out.glob(f"{name}.*"):
                old.unlink()
            frame.to_file(out / f"{name}.shp", driver="ESRI Shapefile", encoding="UTF-8", engine="pyogrio")
            written[name] = len(frame)

        polygon, props = self.hromada
        save("boundary", [dict(src_id="hromada-" + props["katotth"], name_uk=props["name:uk"],
                               name_en="Horishni Plavni City Hromada", katotth=props["katotth"],
                               source=OSM_ATTRIBUTION, geometry=polygon)])  # fmt: skip
        save("districts", [
            dict(src_id=key, name_uk=uk, name_en=en, geometry=to_ll(self.districts[key]))
            for key, uk, en in layout.names.DISTRICTS
        ])  # fmt: skip
        save("streets", [
            dict(src_id=f"seg-{i:04d}", street_id=seg.street.key, name_uk=seg.street.name_uk,
                 name_en=seg.street.name_en, kind=seg.street.kind, road_class=seg.street.road_class,
                 bridge=int(seg.is_bridge), crossing=int(seg.is_crossing), geometry=to_ll(seg.geometry))
            for i, seg in enumerate(self.lay.segments)
        ])  # fmt: skip
        save("water", [
            dict(src_id="water-dnipro", name_uk="річка Дніпро", name_en="Dnipro River",
                 geometry=to_ll(self.lay.river)),
            dict(src_id="water-inlet", name_uk="затока Старик", name_en="Staryk Inlet",
                 geometry=to_ll(self.lay.inlet)),
        ])  # fmt: skip
        save("railway", [dict(src_id="rail-main", name_uk="Залізниця Кременчук — ГЗК",
                              name_en="Kremenchuk — Mining Plant Railway",
                              geometry=to_ll(self.lay.railway))])  # fmt: skip
        save("buildings", [
            dict(src_id=b.key, street_id=b.street.key, house_no=b.number, address=b.address,
                 floors=b.floors, entrances=b.entrances, apartments=b.apartments,
                 year_built=b.year_built, wall_mat=b.wall, mgmt_form=b.management,
                 osbb_name=b.condominium, geometry=to_ll(b.footprint))
            for b in self.buildings
        ])  # fmt: skip
        rows = []
        for f in self.facilities:
            geom = f["geometry"]
            point = geom[1] if isinstance(geom, tuple) else to_ll(geom)
            rows.append(dict(
                src_id=f["src_id"], category=f["category"], name_uk=f["name_uk"], name_en=f["name_en"],
                address=f["address"], phones="; ".join(f["phones"]), email=f["email"],
                website=f["website"], hours=f["hours"], operator=f["operator"],
                descr=f["description"], access=f["access"], source=f["source"], geometry=point,
            ))  # fmt: skip
        save("facilities", rows)
        save("services", [{**s, "geometry": to_ll(s["geometry"])} for s in self.service_rows])
        save("service_areas", [
            dict(src_id=src, kind=kind, service=svc, name_uk=uk, name_en=en, geometry=to_ll(shape_))
            for src, kind, svc, uk, en, shape_ in self.areas
        ])  # fmt: skip
        for name, rows in self.registry_tables().items():
            write_csv(out / f"{name}.csv", rows)
            written[name] = len(rows)
        # GIS layers of city IT (shelters, snow-clearing routes, green zones): demo/map_layers.py.
        for name, layer_rows in map_layers.rows(self).items():
            save(name, [{**row, "geometry": to_ll(row["geometry"])} for row in layer_rows])
        return written

    def registry_tables(self) -> dict[str, list[dict]]:
        """The housing registry's tables: sheets, elevators, contractors, works
        (demo/sheets.py; each building's values come from its own seed)."""
        heat_areas = [(svc, shape_) for _src, kind, svc, _uk, _en, shape_ in self.areas if kind == "heating"]
        district_keys = [key for key, _uk, _en in layout.names.DISTRICTS]
        housing_of = {d: svc for svc, keys in services.HOUSING_AREAS.items() for d in keys}
        tables: dict[str, list[dict]] = {"building_sheets": [], "elevators": [], "work_records": []}
        for b in self.buildings:
            district = next(k for k in district_keys if self.districts[k].covers(b.centre))
            heat = next((svc for svc, area in heat_areas if area.covers(b.centre)), None)
            housing = housing_of[district]
            values = sheets.sheet_values(
                b, heat_service=heat, housing_service=housing, district_no=district_keys.index(district) + 1
            )
            elevators = values.pop("elevators")
            tables["building_sheets"].append({"src_id": b.key, **values})
            for e in elevators:
                tables["elevators"].append({"building": b.key, **e})
            tables["work_records"].extend(
                sheets.work_records(b, housing_service=housing, elevators=elevators)
            )
        tables["contractors"] = [
            dict(name=name, edrpou=code, phone=phone, email=f"{mail}@{catalogue.MAIL_DOMAIN}" if mail else "")
            for name, code, phone, mail, _systems in sheets.CONTRACTORS
        ] + [
            dict(name=name, edrpou="", phone=phone, email="")
            for name, phone in sheets.HOUSING_COMPANIES.values()
        ]
        return tables

    def check(self) -> None:
        """Invariants of the generated city, so a change to the generator cannot break them."""
        cats = Counter(f["category"] for f in self.facilities)
        unknown = set(cats) - set(leaf_slugs())
        assert not unknown, f"unknown categories {unknown}"
        assert len(self.facilities) >= 1400, len(self.facilities)
        assert len(cats) >= 12, cats
        assert len(self.buildings) >= 300, len(self.buildings)
        assert sum(b.management == "condominium" for b in self.buildings) == CONDOMINIUMS
        footprints = [b.footprint for b in self.buildings]
        for i, a in enumerate(footprints):
            for b in footprints[i + 1 :]:
                assert not a.intersects(b), "overlapping buildings"
        addresses = Counter(b.address for b in self.buildings)
        assert addresses.most_common(1)[0][1] == 1, addresses.most_common(3)
        for f in self.facilities:
            for key in ("name_uk", "name_en", "address", "operator", "description", "access"):
                size = len(f[key].encode("utf-8"))
                assert size <= DBF_TEXT_BYTES, f"{f['src_id']}.{key} is {size} bytes"
        ids = Counter(f["src_id"] for f in self.facilities)
        assert ids.most_common(1)[0][1] == 1, ids.most_common(3)
        tables = self.registry_tables()
        numbers = Counter(r["registry_number"] for r in tables["building_sheets"] if r["registry_number"])
        assert not numbers or numbers.most_common(1)[0][1] == 1, numbers.most_common(3)
        assert len(tables["work_records"]) >= 3 * len(self.buildings) // 2, len(tables["work_records"])
        assert {e["building"] for e in tables["elevators"]} == {
            b.key for b in self.buildings if b.floors >= 9
        }


def write_csv(path: Path, rows: list[dict]) -> None:
    """A UTF-8 CSV with a header; empty cells mean unknown (booleans as yes / no)."""

    def text(value) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(value)

    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: text(v) for k, v in row.items()})


def short_legal_name(name: str) -> str:
    for long, short in LEGAL_FORMS.items():
        name = name.replace(long, short)
    name = " ".join(name.split())
    if len(name.encode("utf-8")) > DBF_TEXT_BYTES:
        # Cut on a word boundary, never inside a UTF-8 character.
        while len(name.encode("utf-8")) > DBF_TEXT_BYTES - 3:
            name = name.rsplit(" ", 1)[0]
        name += "…"
    return name


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path("data/shapefiles")
    gen = Generator()
    gen.build()
    gen.check()
    written = gen.write(out)
    for name, count in written.items():
        print(f"{name:14s} {count:6d} features")
    print(f"facilities by category: {dict(sorted(gen.counts.items()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

# Over 400 lines: the demo city's idempotent loader: one step per data set, in dependency order.
"""Load the demo city from data/shapefiles/ into the database: `manage.py load_demo_city`.

Every file is read and checked before anything is written; the writing happens in one
transaction and upserts by each record's stable source id, so loading twice changes nothing
and a missing, corrupt or wrongly-projected file changes nothing at all.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from basemap.models import MapArea
from citizen_requests.category_tree import CATEGORIES as REQUEST_CATEGORIES
from citizen_requests.category_tree import GROUPS as REQUEST_GROUPS
from citizen_requests.models import Category as RequestCategory
from citizen_requests.models import CategoryGroup, Request, RoutingRule, Service, ServiceArea
from citizen_requests.services.registration import requests_unstaffed_triage
from city.models import Barrier, District, Municipality, Street, StreetSegment
from demo import map_layers, registry, route, routing_rules
from demo.accounts import demo_accounts_ensure
from facilities.category_tree import GROUPS
from facilities.models import Category, Facility
from facilities.opening_hours import OpeningHoursError
from facilities.services import facility_sync_opening_periods
from housing_registry.models import Building

SIDECARS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
# Where Ukraine is: a file whose coordinates fall outside is not in longitude/latitude.
UKRAINE_BOUNDS = (22.0, 44.0, 40.5, 52.5)
MAX_PROBLEMS_SHOWN = 20
CHANGE_REASON = "load_demo_city"


class DemoDataError(Exception):
    """The demo data cannot be loaded; `problems` says what is wrong, file and row."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        text = "\n".join(f"  - {p}" for p in shown)
        if more:
            text += f"\n  ... and {more} more"
        super().__init__(f"The demo city was not loaded (nothing changed):\n{text}")


@dataclass
class Layer:
    """One shapefile: what it must contain."""

    name: str
    columns: tuple[str, ...]
    geometry_types: tuple[str, ...]
    within_city: bool = True


LAYERS = [
    Layer("boundary", ("src_id", "name_uk", "name_en", "katotth", "source"), ("Polygon", "MultiPolygon"), False),
    Layer("districts", ("src_id", "name_uk", "name_en"), ("Polygon", "MultiPolygon")),
    Layer("streets", ("src_id", "street_id", "name_uk", "name_en", "kind", "road_class", "bridge", "crossing"),
          ("LineString",)),
    Layer("water", ("src_id", "name_uk", "name_en"), ("Polygon", "MultiPolygon"), False),
    Layer("railway", ("src_id", "name_uk", "name_en"), ("LineString", "MultiLineString"), False),
    Layer("buildings", ("src_id", "street_id", "house_no", "address", "floors", "entrances", "apartments",
                        "year_built", "wall_mat", "mgmt_form", "osbb_name"), ("Polygon", "MultiPolygon")),
    Layer("facilities", ("src_id", "category", "name_uk", "name_en", "address", "phones", "email", "website",
                         "hours", "operator", "descr", "access", "source"), ("Point",)),
    Layer("services", ("src_id", "kind", "name_uk", "name_en", "phone", "email", "address"), ("Point",)),
    Layer("service_areas", ("src_id", "kind", "service", "name_uk", "name_en"), ("Polygon", "MultiPolygon")),
]  # fmt: skip


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changed_ids: list[str] = field(default_factory=list, repr=False)

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class LoadReport:
    counts: dict[str, Counts] = field(default_factory=dict)
    accounts_created: int = 0

    @property
    def changed(self) -> int:
        return sum(c.created + c.updated for c in self.counts.values()) + self.accounts_created


# -- reading and checking -------------------------------------------------------------------


def read_layers(directory: Path) -> dict[str, gpd.GeoDataFrame]:
    """Read and check every shapefile; raise DemoDataError listing all problems found."""
    problems: list[str] = []
    frames: dict[str, gpd.GeoDataFrame] = {}
    if not directory.is_dir():
        raise DemoDataError([f"{directory} is not a folder with the demo shapefiles"])
    for layer in LAYERS:
        frame = _read_one(directory, layer, problems)
        if frame is not None:
            frames[layer.name] = frame
    if "boundary" in frames and len(frames["boundary"]) == 1:
        city = frames["boundary"].geometry.iloc[0].buffer(0.001)
        for layer in LAYERS:
            if layer.within_city and layer.name in frames:
                outside = ~frames[layer.name].geometry.within(city)
                for row in frames[layer.name].index[outside][:5]:
                    problems.append(f"{layer.name}.shp row {row + 1}: lies outside the city boundary")
    elif "boundary" in frames:
        problems.append(f"boundary.shp must hold exactly one polygon, it holds {len(frames['boundary'])}")
    frames["registry"] = registry.read_registry_tables(directory, problems)
    city_shape = frames["boundary"].geometry.iloc[0].buffer(0.001) if "boundary" in frames else None
    frames["map_layers"] = map_layers.read(directory, problems, city_shape)
    if problems:
        raise DemoDataError(problems)
    return frames


def _read_one(directory: Path, layer: Layer, problems: list[str]) -> gpd.GeoDataFrame | None:
    base = directory / layer.name
    missing = [base.with_suffix(s).name for s in SIDECARS if not base.with_suffix(s).exists()]
    if missing:
        problems.append(f"{layer.name}.shp: missing {', '.join(missing)}")
        return None
    try:
        frame = gpd.read_file(base.with_suffix(".shp"), engine="pyogrio")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, ValueError, OSError) as exc:
        problems.append(f"{layer.name}.shp cannot be read ({exc}); the file is damaged or not a shapefile")
        return None
    if frame.crs is None:
        problems.append(f"{layer.name}.shp: {layer.name}.prj does not name a coordinate system")
        return None
    absent = [c for c in layer.columns if c not in frame.columns]
    if absent:
        problems.append(f"{layer.name}.shp: missing fields {', '.join(absent)}")
        return None
    if frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    minx, miny, maxx, maxy = frame.total_bounds
    lo_x, lo_y, hi_x, hi_y = UKRAINE_BOUNDS
    if not (lo_x <= minx and maxx <= hi_x and lo_y <= miny and maxy <= hi_y):
        problems.append(
            f"{layer.name}.shp: coordinates {minx:.4g}..{maxx:.4g}, {miny:.4g}..{maxy:.4g} are not "
            f"longitude/latitude in Ukraine; the .prj does not match the data"
        )
        return None
    for row, geom in enumerate(frame.geometry, start=1):
        if geom is None or geom.is_empty:
            problems.append(f"{layer.name}.shp row {row}: no geometry")
        elif geom.geom_type not in layer.geometry_types:
            problems.append(
                f"{layer.name}.shp row {row}: {geom.geom_type}, expected {' or '.join(layer.geometry_types)}"
            )
        elif not geom.is_valid:
            problems.append(f"{layer.name}.shp row {row}: invalid geometry ({shapely.is_valid_reason(geom)})")
    duplicated = frame["src_id"][frame["src_id"].duplicated()].tolist()
    if duplicated:
        problems.append(f"{layer.name}.shp: src_id not unique: {', '.join(map(str, duplicated[:5]))}")
    return frame


# -- values -----------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def _int(value) -> int | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value)


def _geos(geom, multi: bool = False) -> GEOSGeometry:
    out = GEOSGeometry(memoryview(shapely.to_wkb(geom)), srid=4326)
    if multi and isinstance(out, Polygon):
        out = MultiPolygon(out, srid=4326)
    return out


def _same(a, b) -> bool:
    if isinstance(a, GEOSGeometry) and isinstance(b, GEOSGeometry):
        return a.geom_type == b.geom_type and a.equals_exact(b, 1e-9)
    return a == b


def upsert(model, rows: list[dict], *, history: bool = False) -> Counts:
    """Create or update `model` rows by source_id; rows whose values match are not written.

    With `history`, a history record is written per created or changed row (buildings get
    theirs once their whole sheet is loaded: registry.sheet_history_sync).
    """
    counts = Counts()
    existing = {o.source_id: o for o in model.objects.filter(source_id__in=[r["source_id"] for r in rows])}
    create, update, fields = [], [], set()
    now = timezone.now()
    for row in rows:
        obj = existing.get(row["source_id"])
        if obj is None:
            create.append(model(**row))
            continue
        changed = [k for k, v in row.items() if not _same(getattr(obj, k), v)]
        if not changed:
            counts.unchanged += 1
            continue
        for k in changed:
            setattr(obj, k, row[k])
        obj.updated_at = now
        fields.update(changed)
        update.append(obj)
    if history:
        bulk_create_with_history(create, model, batch_size=500, default_change_reason=CHANGE_REASON)
        if update:
            bulk_update_with_history(
                update, model, [*fields, "updated_at"], batch_size=500, default_change_reason=CHANGE_REASON
            )
    else:
        model.objects.bulk_create(create, batch_size=500)
        if update:
            model.objects.bulk_update(update, [*fields, "updated_at"], batch_size=500)
    counts.created, counts.updated = len(create), len(update)
    counts.changed_ids = [o.source_id for o in (*create, *update)]
    return counts


# -- loading ----------------------------------------------------------------------------------


def load_demo_city(
    directory: Path,
    *,
    with_accounts: bool = True,
    with_route_requests: bool = False,
    log: Callable[[str], None] = print,
) -> LoadReport:
    """Load (or refresh) the demo city from `directory`; nothing is written if any file is wrong."""
    frames = read_layers(directory)
    report = LoadReport()
    with transaction.atomic():
        report.counts["municipality"] = _load_boundary(frames["boundary"])
        report.counts["districts"] = upsert(District, [
            dict(source_id=r.src_id, name_uk=_text(r.name_uk), name_en=_text(r.name_en),
                 area=_geos(r.geometry, multi=True))
            for r in frames["districts"].itertuples()
        ])  # fmt: skip
        report.counts["streets"], report.counts["street segments"] = _load_streets(frames["streets"])
        report.counts["water and railway"] = upsert(Barrier, [
            dict(source_id=r.src_id, name_uk=_text(r.name_uk), name_en=_text(r.name_en), kind=kind,
                 geometry=_geos(r.geometry))
            for kind, frame in (("water", frames["water"]), ("railway", frames["railway"]))
            for r in frame.itertuples()
        ])  # fmt: skip
        report.counts["categories"] = _load_categories()
        districts = {d.source_id: d for d in District.objects.all()}
        report.counts["facilities"] = _load_facilities(frames["facilities"], districts)
        report.counts["buildings"] = _load_buildings(frames["buildings"], districts)
        report.counts["services"], report.counts["service areas"] = _load_services(
            frames["services"], frames["service_areas"]
        )
        tables = frames["registry"]
        report.counts["organisations"] = registry.load_organisations()
        report.counts["building sheets"] = registry.load_sheets(
            tables["building_sheets"], tables["elevators"]
        )
        registry.sheet_history_sync()
        report.counts["contractors"] = registry.load_contractors(tables["contractors"])
        report.counts["work records"] = registry.load_works(tables["work_records"])
        report.counts["coverage types"] = _load_coverage_types()
        report.counts["request categories"] = _load_request_catalogue()
        if with_accounts:
            report.accounts_created, _ = demo_accounts_ensure()
            registry.demo_memberships_ensure()
        report.counts["routing rules"] = _load_routing_rules()
        report.counts["map layers"] = map_layers.load(frames["map_layers"], Counts)
        # The green zones are drawn on the city's basemap too (every map, not only this layer's).
        report.counts["basemap areas"] = upsert(MapArea, [
            dict(source_id=f"demo:{r.src_id}", kind=MapArea.Kind.GREEN, name_uk=_text(r.name), name_en="",
                 area=_geos(r.geometry, multi=True))
            for r in frames["map_layers"]["layer_green_zones"].itertuples()
        ])  # fmt: skip
        if with_route_requests:  # `make run`: the demo staff's approval routes and requests at work
            report.counts["approval routes"] = Counts(created=route.approval_templates_ensure())
            report.counts["route requests"] = Counts(created=route.demo_route_requests_ensure())
            report.counts["notices"] = _load_notices()  # published by the `notices` demo account
        # The demo's requests that wait at a service with nobody on the portal (a demo loaded
        # before routing knew) go to the front office's triage with the reason, as routing
        # sends new ones (generated scale data is left as generated).
        demo_requests = Request.objects.filter(device_id__startswith=route.MARK)
        report.counts["dead ends triaged"] = Counts(
            updated=len(requests_unstaffed_triage(actor_label="routing", among=demo_requests))
        )
    for name, counts in report.counts.items():
        log(f"  {name:18s} {counts}")
    return report


def _load_notices() -> Counts:
    """The demo city's notices (notices/demo.py); existing ones are left as they are."""
    from notices.demo import demo_notices_ensure

    created = demo_notices_ensure()
    return Counts(created=created)


def _load_coverage_types() -> Counts:
    """The service types of the coverage analysis (coverage/demo.py); staff edits are kept."""
    from coverage.demo import DEMO_SERVICE_TYPES, service_types_ensure_demo

    created = service_types_ensure_demo()
    return Counts(created=created, unchanged=len(DEMO_SERVICE_TYPES) - created)


def _load_boundary(frame) -> Counts:
    r = next(frame.itertuples())
    return upsert(Municipality, [dict(
        source_id=r.src_id, name_uk=_text(r.name_uk), name_en=_text(r.name_en), katotth=_text(r.katotth),
        attribution=_text(r.source), boundary=_geos(r.geometry, multi=True),
    )])  # fmt: skip


def _load_streets(frame) -> tuple[Counts, Counts]:
    problems = []
    kinds, classes = set(Street.Kind.values), set(StreetSegment.RoadClass.values)
    streets = {}
    for row, r in enumerate(frame.itertuples(), start=1):
        if _text(r.kind) not in kinds:
            problems.append(
                f"streets.shp row {row}: kind {r.kind!r} is not one of {', '.join(sorted(kinds))}"
            )
        if _text(r.road_class) not in classes:
            problems.append(f"streets.shp row {row}: road_class {r.road_class!r} is unknown")
        streets.setdefault(r.street_id, dict(source_id=r.street_id, name_uk=_text(r.name_uk),
                                             name_en=_text(r.name_en), kind=_text(r.kind)))  # fmt: skip
    if problems:
        raise DemoDataError(problems)
    street_counts = upsert(Street, list(streets.values()))
    ids = dict(Street.objects.values_list("source_id", "id"))
    segment_counts = upsert(StreetSegment, [
        dict(source_id=r.src_id, street_id=ids[r.street_id], road_class=_text(r.road_class),
             is_bridge=bool(r.bridge), is_crossing=bool(r.crossing), geometry=_geos(r.geometry))
        for r in frame.itertuples()
    ])  # fmt: skip
    return street_counts, segment_counts


def _load_categories() -> Counts:
    counts = Counts()
    for order, (group, children) in enumerate(GROUPS):
        parent, c = _upsert_category(group, None, order * 100)
        _count(counts, c)
        for i, child in enumerate(children):
            _count(counts, _upsert_category(child, parent, order * 100 + i + 1)[1])
    return counts


def _count(counts: Counts, outcome: str) -> None:
    setattr(counts, outcome, getattr(counts, outcome) + 1)


def _upsert_category(node, parent, order) -> tuple[Category, str]:
    values = dict(name_uk=node.name_uk, name_en=node.name_en, icon=node.icon, colour=node.colour,
                  parent=parent, order=order)  # fmt: skip
    obj = Category.objects.filter(slug=node.slug).first()
    if obj is None:
        return Category.objects.create(slug=node.slug, **values), "created"
    changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
    if not changed:
        return obj, "unchanged"
    for k, v in changed.items():
        setattr(obj, k, v)
    obj.save()
    return obj, "updated"


def _district_of(point, districts: dict, shapes: list) -> int | None:
    for source_id, shape in shapes:
        if shape.covers(point):
            return districts[source_id].pk
    return None


def _district_shapes(districts: dict) -> list:
    return [(sid, shapely.from_wkb(bytes(d.area.wkb))) for sid, d in sorted(districts.items())]


def _load_facilities(frame, districts: dict) -> Counts:
    categories = dict(Category.objects.filter(parent__isnull=False).values_list("slug", "id"))
    shapes = _district_shapes(districts)
    problems, rows = [], []
    for row, r in enumerate(frame.itertuples(), start=1):
        if _text(r.category) not in categories:
            problems.append(f"facilities.shp row {row}: unknown category {r.category!r}")
            continue
        if not _text(r.name_uk):
            problems.append(f"facilities.shp row {row}: name_uk is empty")
            continue
        rows.append(dict(
            source_id=r.src_id, name_uk=_text(r.name_uk), name_en=_text(r.name_en),
            category_id=categories[_text(r.category)], location=_geos(r.geometry),
            address=_text(r.address), district_id=_district_of(r.geometry, districts, shapes),
            phones=[p.strip() for p in _text(r.phones).split(";") if p.strip()],
            email=_text(r.email), website=_text(r.website), opening_hours=_text(r.hours),
            operator=_text(r.operator), description=_text(r.descr), accessibility=_text(r.access),
            data_source=_text(r.source),
        ))  # fmt: skip
    if problems:
        raise DemoDataError(problems)
    counts = upsert(Facility, rows, history=True)
    try:
        # Changed facilities, and any whose periods were never derived (a database loaded
        # before periods existed).
        stale = Q(source_id__in=counts.changed_ids) | (Q(opening_periods__isnull=True) & ~Q(opening_hours=""))
        facility_sync_opening_periods(facilities=Facility.objects.filter(stale).distinct())
    except OpeningHoursError as exc:
        raise DemoDataError([f"facilities.shp: opening hours of {exc}"]) from None
    return counts


BUILDING_RANGES = {
    "floors": (1, 40),
    "entrances": (1, 30),
    "apartments": (1, 2000),
    "year_built": (1800, 2100),
}


def _load_buildings(frame, districts: dict) -> Counts:
    streets = dict(Street.objects.values_list("source_id", "id"))
    shapes = _district_shapes(districts)
    walls, forms = set(Building.WallMaterial.values), set(Building.ManagementForm.values)
    problems, rows = [], []
    for row, r in enumerate(frame.itertuples(), start=1):
        values = {f: _int(getattr(r, f)) for f in BUILDING_RANGES}
        for f, (lo, hi) in BUILDING_RANGES.items():
            if values[f] is not None and not lo <= values[f] <= hi:
                problems.append(f"buildings.shp row {row}: {f} {values[f]} is outside {lo}–{hi}")
        if r.street_id not in streets:
            problems.append(f"buildings.shp row {row}: street_id {r.street_id!r} is not in streets.shp")
        if _text(r.wall_mat) and _text(r.wall_mat) not in walls:
            problems.append(f"buildings.shp row {row}: wall_mat {r.wall_mat!r} is unknown")
        if _text(r.mgmt_form) and _text(r.mgmt_form) not in forms:
            problems.append(f"buildings.shp row {row}: mgmt_form {r.mgmt_form!r} is unknown")
        if problems:
            continue
        rows.append(dict(
            source_id=r.src_id, footprint=_geos(r.geometry, multi=True), street_id=streets[r.street_id],
            house_number=_text(r.house_no), address=_text(r.address),
            district_id=_district_of(r.geometry.centroid, districts, shapes),
            wall_material=_text(r.wall_mat), management_form=_text(r.mgmt_form),
            condominium_name=_text(r.osbb_name), **values,
        ))  # fmt: skip
    if problems:
        raise DemoDataError(problems)
    # A sheet a person has edited keeps their values (its history names them).
    edited = set(Building.history.filter(history_user__isnull=False).values_list("source_id", flat=True))
    return upsert(Building, [r for r in rows if r["source_id"] not in edited])


def _load_services(services, areas) -> tuple[Counts, Counts]:
    kinds = set(Service.Kind.values)
    bad = [f"services.shp row {i}: kind {r.kind!r} is unknown"
           for i, r in enumerate(services.itertuples(), start=1) if r.kind not in kinds]  # fmt: skip
    known = set(services["src_id"])
    area_kinds = set(ServiceArea.Kind.values)
    for i, r in enumerate(areas.itertuples(), start=1):
        if r.service not in known:
            bad.append(f"service_areas.shp row {i}: service {r.service!r} is not in services.shp")
        if r.kind not in area_kinds:
            bad.append(f"service_areas.shp row {i}: kind {r.kind!r} is unknown")
    if bad:
        raise DemoDataError(bad)
    service_counts = upsert(Service, [
        dict(source_id=r.src_id, kind=r.kind, name_uk=_text(r.name_uk), name_en=_text(r.name_en),
             phone=_text(r.phone), email=_text(r.email), address=_text(r.address), location=_geos(r.geometry))
        for r in services.itertuples()
    ])  # fmt: skip
    ids = dict(Service.objects.values_list("source_id", "id"))
    area_counts = upsert(ServiceArea, [
        dict(source_id=r.src_id, kind=r.kind, service_id=ids[r.service], name_uk=_text(r.name_uk),
             name_en=_text(r.name_en), area=_geos(r.geometry, multi=True))
        for r in areas.itertuples()
    ])  # fmt: skip
    return service_counts, area_counts


# -- citizen requests: categories and the routing table ----------------------------------------
# Staff keep these in the admin, and production loads the demo city on every start: so missing
# rows are created and existing ones are left exactly as staff left them.


def _load_request_catalogue() -> Counts:
    counts = Counts()
    groups = {}
    for order, g in enumerate(REQUEST_GROUPS):
        groups[g.slug], created = CategoryGroup.objects.get_or_create(
            slug=g.slug,
            defaults=dict(name_uk=g.name_uk, name_en=g.name_en, icon=g.icon, colour=g.colour, order=order),
        )
        _count(counts, "created" if created else "unchanged")
    for order, c in enumerate(REQUEST_CATEGORIES):
        _obj, created = RequestCategory.objects.get_or_create(
            slug=c.slug,
            defaults=dict(
                group=groups[c.group], name_uk=c.name_uk, name_en=c.name_en, icon=c.icon,
                description_uk=c.description_uk, description_en=c.description_en, keywords=c.keywords,
                area_kind=c.area_kind or "", duplicate_radius_m=c.duplicate_radius_m,
                attributes=list(c.attributes), order=order,
            ),
        )  # fmt: skip
        _count(counts, "created" if created else "unchanged")
    return counts


def _load_routing_rules() -> Counts:
    from django.contrib.auth import get_user_model

    counts = Counts()
    areas = {a.source_id: a for a in ServiceArea.objects.select_related("service")}
    by_kind: dict[str, list[tuple[str, str]]] = {}
    for area in areas.values():
        by_kind.setdefault(area.kind, []).append((area.source_id, area.service.source_id))
    categories = {c.slug: c for c in RequestCategory.objects.all()}
    services = {s.source_id: s for s in Service.objects.all()}
    owners = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=routing_rules.DEFAULT_OWNERS.values())
    }
    existing = set(RoutingRule.objects.filter(is_active=True).values_list("category_id", "area_id"))
    problems = []
    for row in routing_rules.routing_table(REQUEST_CATEGORIES, by_kind):
        category, area = categories.get(row["category"]), areas.get(row["area"]) if row["area"] else None
        service = services.get(row["service"])
        if category is None or service is None:
            problems.append(
                f"routing rule {row['category']}/{row['area']}: unknown category or service {row['service']}"
            )
            continue
        if (category.pk, area.pk if area else None) in existing:
            counts.unchanged += 1
            continue
        RoutingRule.objects.create(
            category=category, area=area, service=service, deadline_days=row["deadline_days"],
            priority=row["priority"], default_owner=owners.get(row["owner"]) if row["owner"] else None,
        )  # fmt: skip
        counts.created += 1
    if problems:
        raise DemoDataError(problems)
    return counts

# Over 400 lines: the demo city's GIS layers written out as data tables (names, styles, features), not logic.
"""The demo city's GIS layers: what city IT keeps beyond the facility directory.

- "Укриття" (shelters, points, public): civil-protection shelters in schools, kindergartens and
  public buildings, and the simplest shelters in the basements of blocks of flats;
- "Маршрути прибирання снігу" (snow-clearing routes, lines, staff only): one route per main street;
- "Зелені зони" (green zones, polygons, public): the central park, the riverside, the avenue's
  boulevard and the main square.

`rows(generator)` draws them from the generated city (written as layer_*.shp by the generator);
new random values come from generators seeded by stable keys, so nothing else the generator
writes changes. `read` checks the files and `load` upserts layers and features by src_id.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely
from shapely.geometry import Point, box
from shapely.ops import linemerge, unary_union

# Only what runs without Django's apps at the top: the generator (`make demo-data`) imports this.
from gis_layers.schema import FieldSpec, properties_clean, schema_from_fields
from gis_layers.styles import style_clean

DEMO_LICENCE = "CC BY 4.0 (демонстраційні дані порталу Misto)"
DEMO_SOURCE = "Горішньоплавнівська міська рада — демонстраційні дані (згенеровано)"
CHANGE_REASON = "load_demo_city"


@dataclass(frozen=True)
class MapLayer:
    file: str
    slug: str
    title_uk: str
    title_en: str
    description_uk: str
    description_en: str
    geometry: str
    visibility: str
    fields: tuple[FieldSpec, ...]
    style: dict
    order: int
    editors: tuple[str, ...] = ()  # demo accounts granted to edit it


SHELTER_KINDS = ["сховище", "протирадіаційне укриття", "найпростіше укриття", "подвійного призначення"]
GREEN_KINDS = ["парк", "сквер", "бульвар", "прибережна зона", "площа"]
VEHICLES = ["грейдер", "снігоочисник", "піскорозкидач"]
CONTRACTORS = ["КП «Благоустрій»", "КП «Міськсвітло»", "ТОВ «Дорбудсервіс»"]

MAP_LAYERS = [
    MapLayer(
        file="layer_shelters",
        slug="shelters",
        title_uk="Укриття",
        title_en="Shelters",
        description_uk="Захисні споруди цивільного захисту та найпростіші укриття: адреса, тип, місткість, "
        "доступність для людей з інвалідністю. Демонстраційні дані.",
        description_en="Civil-protection shelters and the simplest shelters: address, kind, capacity, "
        "accessibility. Demo data.",
        geometry="point",
        visibility="public",
        fields=(
            FieldSpec("name", "Назва", "Name", "string", required=True),
            FieldSpec("kind", "Тип", "Kind", "string", required=True, choices=SHELTER_KINDS),
            FieldSpec("address", "Адреса", "Address", "string"),
            FieldSpec("capacity", "Місткість", "Capacity", "integer", minimum=1, maximum=5000, unit="осіб"),
            FieldSpec("accessible", "Доступне для маломобільних", "Step-free access", "boolean"),
            FieldSpec("open_24h", "Відчинене цілодобово", "Open 24/7", "boolean"),
            FieldSpec("phone", "Телефон відповідального", "Phone", "string"),
            FieldSpec("checked", "Остання перевірка", "Last inspection", "date"),
        ),
        style={"colour": "#b91c1c", "icon": "⌂", "label_field": "name", "line_width": 2},
        order=10,
        editors=("editor",),
    ),
    MapLayer(
        file="layer_snow_routes",
        slug="snow-routes",
        title_uk="Маршрути прибирання снігу",
        title_en="Snow-clearing routes",
        description_uk="Маршрути снігоочисної техніки комунальних підприємств із черговістю. Лише для працівників.",
        description_en="Routes of the snow-clearing vehicles with their priority. Staff only.",
        geometry="line",
        visibility="staff",
        fields=(
            FieldSpec("route", "Маршрут", "Route", "string", required=True),
            FieldSpec("street", "Вулиця", "Street", "string"),
            FieldSpec("priority", "Черговість", "Priority", "integer", required=True, minimum=1, maximum=3),
            FieldSpec("vehicle", "Техніка", "Vehicle", "string", choices=VEHICLES),
            FieldSpec("contractor", "Виконавець", "Contractor", "string"),
            FieldSpec("length_km", "Довжина", "Length", "number", minimum=0, unit="км"),
        ),
        style={"colour": "#0369a1", "line_width": 5, "label_field": "route"},
        order=20,
    ),
    MapLayer(
        file="layer_green_zones",
        slug="green-zones",
        title_uk="Зелені зони",
        title_en="Green zones",
        description_uk="Парки, сквери, бульвари та прибережні зони, які доглядає місто. Демонстраційні дані.",
        description_en="Parks, squares, boulevards and riverside areas the city looks after. Demo data.",
        geometry="polygon",
        visibility="public",
        fields=(
            FieldSpec("name", "Назва", "Name", "string", required=True),
            FieldSpec("kind", "Тип", "Kind", "string", required=True, choices=GREEN_KINDS),
            FieldSpec("area_ha", "Площа", "Area", "number", minimum=0, unit="га"),
            FieldSpec("keeper", "Доглядає", "Looked after by", "string"),
        ),
        style={
            "colour": "#15803d",
            "fill_colour": "#22c55e",
            "fill_opacity": 0.35,
            "line_width": 2,
            "icon": "♣",
            "label_field": "name",
        },
        order=30,
        editors=("editor",),
    ),
]
BY_FILE = {m.file: m for m in MAP_LAYERS}


# -- generation (called by demo.generator) -------------------------------------------


def rows(gen) -> dict[str, list[dict]]:
    """The rows of each layer file, geometries in the generator's (u, v) frame."""
    return {
        "layer_shelters": _shelters(gen),
        "layer_snow_routes": _snow_routes(gen),
        "layer_green_zones": _green_zones(gen),
    }


def _inspection(rng: random.Random) -> str:
    return (dt.date(2025, 1, 15) + dt.timedelta(days=rng.randrange(0, 300))).isoformat()


def _shelters(gen) -> list[dict]:
    out = []
    public = [
        f for f in gen.facilities if f["category"] in ("school", "kindergarten", "hospital", "culture_centre")
    ]
    for f in sorted(public, key=lambda f: f["src_id"]):
        rng = random.Random(f"shelter:{f['src_id']}")
        school = f["category"] == "school"
        kind = (
            "сховище"
            if school
            else ("подвійного призначення" if f["category"] != "kindergarten" else "протирадіаційне укриття")
        )
        point = f["geometry"]
        out.append(
            dict(
                src_id=f"shelter-{f['src_id']}",
                name=f"Укриття — {f['name_uk']}"[:120],
                kind=kind,
                address=f["address"],
                capacity=rng.randrange(300, 900, 10) if school else rng.randrange(80, 400, 10),
                accessible=int(rng.random() < 0.6),
                open_24h=int(not school and rng.random() < 0.3),
                phone=f"+380 5348 {rng.randrange(20, 80)}-{rng.randrange(10, 99)}-{rng.randrange(10, 99)}",
                checked=_inspection(rng),
                geometry=Point(point.x + 6, point.y - 4),
            )
        )
    picker = random.Random("shelters:basements")
    for b in picker.sample(sorted(gen.buildings, key=lambda b: b.key), 14):
        rng = random.Random(f"shelter:{b.key}")
        c = b.footprint.centroid
        out.append(
            dict(
                src_id=f"shelter-{b.key}",
                name=f"Найпростіше укриття (підвал), {b.address}"[:120],
                kind="найпростіше укриття",
                address=b.address,
                capacity=rng.randrange(40, 220, 10),
                accessible=int(rng.random() < 0.2),
                open_24h=1,
                phone=f"+380 5348 {rng.randrange(20, 80)}-{rng.randrange(10, 99)}-{rng.randrange(10, 99)}",
                checked=_inspection(rng),
                geometry=Point(c.x, c.y),
            )
        )
    return out


def _snow_routes(gen) -> list[dict]:
    out = []
    main = [s for s in gen.lay.streets if s.road_class in ("primary", "secondary")]
    main.sort(key=lambda s: (s.road_class != "primary", s.key))
    for n, street in enumerate(main, start=1):
        parts = [seg.geometry for seg in gen.lay.segments if seg.street is street]
        if not parts:
            continue
        line = linemerge(unary_union(parts))
        rng = random.Random(f"snow:{street.key}")
        out.append(
            dict(
                src_id=f"snow-{street.key}",
                route=f"М-{n}",
                street=street.name_uk,
                priority=1 if street.road_class == "primary" else rng.choice([2, 2, 3]),
                vehicle=rng.choice(VEHICLES),
                contractor=rng.choice(CONTRACTORS),
                length_km=round(line.length / 1000, 2),
                geometry=line,
            )
        )
    return out


RIVERSIDE_NAMES = [
    "Набережна Дніпра",
    "Прибережний парк «Старик»",
    "Пляжна зона",
    "Прибережна алея",
    "Гирло затоки",
]


def _green_zones(gen) -> list[dict]:
    out = []

    def add(key, name, kind, shape):
        shape = shapely.make_valid(shape)
        if shape.is_empty or shape.area < 200:
            return
        out.append(
            dict(
                src_id=f"green-{key}",
                name=name,
                kind=kind,
                area_ha=round(shape.area / 10000, 2),
                keeper="КП «Благоустрій»",
                geometry=shapely.set_precision(shape, 0.01),
            )
        )

    cells = {(c.k, c.j): c for c in gen.cells}
    park = next(c for c in gen.cells if c.use == "park")
    add("central-park", "Центральний парк", "парк", park.usable.buffer(-8, join_style="mitre"))
    civic = next(c for c in gen.cells if c.use == "civic")
    cx, cy = civic.usable.centroid.x, civic.usable.centroid.y
    add("main-square", "Центральна площа", "площа", box(cx - 60, cy - 95, cx + 60, cy - 45))
    riverside = sorted((c for c in gen.cells if c.use == "riverside"), key=lambda c: (c.k, c.j))
    for i, cell in enumerate(riverside[: len(RIVERSIDE_NAMES)]):
        add(
            f"riverside-{cell.k}-{cell.j}",
            RIVERSIDE_NAMES[i],
            "прибережна зона",
            cell.usable.buffer(-12, join_style="mitre"),
        )
    # The avenue's green median between the cross streets of the centre.
    u = gen.lay.cross_u
    for k in (5, 6, 7, 8):
        add(
            f"boulevard-{k}",
            f"Бульвар на проспекті Героїв Дніпра ({k - 4})",
            "бульвар",
            box(u[k] + 30, -9, u[k + 1] - 30, 9),
        )
    for k, j in ((4, 3), (8, 5), (10, 4)):
        cell = cells.get((k, j))
        if cell is None:
            continue
        x, y = cell.usable.centroid.x, cell.usable.centroid.y
        rng = random.Random(f"square:{k}:{j}")
        w, h = rng.randrange(40, 70), rng.randrange(30, 50)
        add(
            f"square-{k}-{j}",
            f"Сквер у кварталі {k}-{j}",
            "сквер",
            box(x - w / 2, y - h / 2 + 45, x + w / 2, y + h / 2 + 45),
        )
    return out


# -- reading and loading (called by demo.loader) -------------------------------------


def read(directory: Path, problems: list[str], city) -> dict[str, gpd.GeoDataFrame]:
    """Read and check the layer files: fields, geometry kinds, validity, inside the city."""
    from gis_layers.models import GEOMETRY_FAMILIES

    frames = {}
    for spec in MAP_LAYERS:
        path = directory / f"{spec.file}.shp"
        missing = [
            path.with_suffix(s).name
            for s in (".shp", ".shx", ".dbf", ".prj", ".cpg")
            if not path.with_suffix(s).exists()
        ]
        if missing:
            problems.append(f"{spec.file}.shp: missing {', '.join(missing)}")
            continue
        try:
            frame = pyogrio.read_dataframe(path)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
            problems.append(f"{spec.file}.shp cannot be read ({exc})")
            continue
        if frame.crs is None or frame.crs.to_epsg() != 4326:
            problems.append(f"{spec.file}.shp: not in EPSG:4326")
            continue
        absent = [f.name for f in spec.fields if f.name not in frame.columns] + (
            ["src_id"] if "src_id" not in frame.columns else []
        )
        if absent:
            problems.append(f"{spec.file}.shp: missing fields {', '.join(absent)}")
            continue
        allowed = GEOMETRY_FAMILIES[spec.geometry]
        for row, geom in enumerate(frame.geometry, start=1):
            if geom is None or geom.geom_type not in allowed or not geom.is_valid:
                problems.append(f"{spec.file}.shp row {row}: not a valid {' or '.join(allowed)}")
            elif city is not None and not geom.within(city):
                problems.append(f"{spec.file}.shp row {row}: lies outside the city boundary")
        fields = list(spec.fields)
        for row, record in enumerate(frame.drop(columns="geometry").to_dict("records"), start=1):
            _clean, errors = properties_clean(fields, {f.name: record.get(f.name) for f in fields})
            for name, reason in errors.items():
                problems.append(f"{spec.file}.shp row {row}: {name} {reason}")
        frames[spec.file] = frame
    return frames


def _layer(spec: MapLayer):
    from gis_layers.models import Layer

    fields = list(spec.fields)
    values = dict(
        title_uk=spec.title_uk,
        title_en=spec.title_en,
        description_uk=spec.description_uk,
        description_en=spec.description_en,
        geometry_type=spec.geometry,
        visibility=spec.visibility,
        schema=schema_from_fields(fields),
        style=style_clean(spec.style, fields),
        order=spec.order,
        source=DEMO_SOURCE,
        licence=DEMO_LICENCE,
    )
    layer = Layer.objects.filter(slug=spec.slug).first()
    if layer is None:
        layer = Layer(slug=spec.slug, **values)
        layer._change_reason = CHANGE_REASON
        layer.save()
        return layer, True
    changed = {k: v for k, v in values.items() if getattr(layer, k) != v}
    if changed:
        for k, v in changed.items():
            setattr(layer, k, v)
        layer._change_reason = CHANGE_REASON
        layer.save()
    return layer, bool(changed)


def load(frames: dict[str, gpd.GeoDataFrame], counts_class):
    """Upsert the demo layers and their features by src_id; grant the demo editor."""
    from django.contrib.auth import get_user_model
    from django.contrib.gis.geos import GEOSGeometry
    from django.utils import timezone
    from simple_history.utils import bulk_create_with_history

    from gis_layers.models import Feature

    counts = counts_class()
    User = get_user_model()
    for spec in MAP_LAYERS:
        layer, changed = _layer(spec)
        counts.updated += int(changed)
        fields = list(spec.fields)
        existing = {f.source_id: f for f in Feature.objects.filter(layer=layer).exclude(source_id="")}
        create, update = [], []
        for record, geom in zip(
            frames[spec.file].drop(columns="geometry").to_dict("records"),
            frames[spec.file].geometry,
            strict=True,
        ):
            properties, _errors = properties_clean(fields, {f.name: record.get(f.name) for f in fields})
            geometry = GEOSGeometry(memoryview(shapely.to_wkb(geom)), srid=4326)
            feature = existing.get(record["src_id"])
            if feature is None:
                create.append(
                    Feature(layer=layer, geometry=geometry, properties=properties, source_id=record["src_id"])
                )
            elif (
                feature.properties != properties
                or not feature.geometry.equals_exact(geometry, 1e-9)
                or feature.deleted_at
            ):
                feature.properties, feature.geometry, feature.deleted_at = properties, geometry, None
                feature.version += 1
                feature.updated_at = timezone.now()
                feature._change_reason = CHANGE_REASON
                feature.save()
                update.append(feature)
            else:
                counts.unchanged += 1
        bulk_create_with_history(create, Feature, batch_size=500, default_change_reason=CHANGE_REASON)
        counts.created += len(create)
        counts.updated += len(update)
        for username in spec.editors:
            user = User.objects.filter(username=username).first()
            if user is not None and not layer.editors.filter(pk=user.pk).exists():
                layer.editors.add(user)
    return counts

"""The shape of the demo city: a local metric frame, the street grid, water and railway.

The city is laid out in a frame (u, v) in metres: u runs along the Dnipro (east-south-east),
v away from it (north-north-east). The frame is the UTM zone 36N (EPSG:32636) plane rotated
so that the real "проспект Героїв Дніпра" lies on v = 0, near the real addresses on it.
Everything here is deterministic given the random generator passed in.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Point, Polygon, box
from shapely.ops import unary_union

from demo import names

ORIGIN_LONLAT = (33.6335, 49.0075)
ANGLE_DEG = -29.0
UTM = "EPSG:32636"

# Street positions before jitter. Long streets run along u (parallel to the river), cross
# streets along v. The railway runs along v = RAILWAY_V, crossed at three cross streets.
CROSS_U = [-2100 + 300 * k for k in range(15)]
LONG_V = [-1200 + 300 * j for j in range(11)]
RAILWAY_V = 1650.0
RAIL_CROSSING_STREETS = {4, 7, 11}  # indices into CROSS_U
URBAN_U = (-2250.0, 2250.0)
URBAN_V_MAX = 1950.0
RIVER_SETBACK = 450.0  # metres from the hromada's river edge to the first houses
AVENUE_INDEX = 4  # LONG_V[4] == 0: проспект Героїв Дніпра
PRIMARY_CROSS = {7}  # вулиця Миру
BUS_LONG = {2, 4, 6, 8}
BUS_CROSS = {2, 4, 7, 10, 13}
INLET_BRIDGE_STREET = 2  # LONG_V[2] crosses the inlet on a bridge


class Frame:
    """Converts between the local (u, v) frame and WGS 84 longitude/latitude."""

    def __init__(self) -> None:
        self.to_utm = Transformer.from_crs("EPSG:4326", UTM, always_xy=True)
        self.to_wgs = Transformer.from_crs(UTM, "EPSG:4326", always_xy=True)
        self.x0, self.y0 = self.to_utm.transform(*ORIGIN_LONLAT)
        a = math.radians(ANGLE_DEG)
        self.cos, self.sin = math.cos(a), math.sin(a)

    def uv_to_lonlat(self, geom):
        def convert(coords):
            u, v = coords[:, 0], coords[:, 1]
            x = self.x0 + u * self.cos - v * self.sin
            y = self.y0 + u * self.sin + v * self.cos
            lon, lat = self.to_wgs.transform(x, y)
            coords = coords.copy()
            coords[:, 0], coords[:, 1] = lon, lat
            return coords.round(7)

        return shapely.transform(geom, convert)

    def lonlat_to_uv(self, geom):
        def convert(coords):
            x, y = self.to_utm.transform(coords[:, 0], coords[:, 1])
            dx, dy = x - self.x0, y - self.y0
            out = coords.copy()
            out[:, 0] = dx * self.cos + dy * self.sin
            out[:, 1] = -dx * self.sin + dy * self.cos
            return out

        return shapely.transform(geom, convert)


@dataclass
class StreetLine:
    """A whole street in the frame: a straight line along u or v, or a lane."""

    key: str
    name_uk: str
    name_en: str
    kind: str
    road_class: str
    axis: str  # "u": runs along u at fixed v; "v": runs along v at fixed u
    position: float
    start: float
    end: float
    bus_route: bool = False

    @property
    def line(self) -> LineString:
        if self.axis == "u":
            return LineString([(self.start, self.position), (self.end, self.position)])
        return LineString([(self.position, self.start), (self.position, self.end)])


@dataclass
class Segment:
    street: StreetLine
    geometry: LineString
    is_bridge: bool = False
    is_crossing: bool = False


@dataclass
class Layout:
    frame: Frame
    hromada_uv: Polygon
    urban: Polygon
    river: Polygon
    inlet: Polygon
    railway: LineString
    cross_u: list[float]
    long_v: list[float]
    streets: list[StreetLine] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)


def street_name(kind: str, core: str) -> tuple[str, str]:
    """('вулиця Миру', 'Myru Street'); lane names are adjectives and come first in English."""
    uk = f"{names.STREET_KINDS_UK[kind]} {core}"
    en = f"{names.transliterate(core)} {names.STREET_KINDS_EN[kind]}"
    return uk, en


def build_layout(rng: random.Random, hromada_lonlat: Polygon, river_edge_lonlat: LineString) -> Layout:
    frame = Frame()
    hromada_uv = frame.lonlat_to_uv(hromada_lonlat)
    river_edge = frame.lonlat_to_uv(river_edge_lonlat)
    urban = box(URBAN_U[0], -3000, URBAN_U[1], URBAN_V_MAX).intersection(hromada_uv.buffer(-RIVER_SETBACK))
    river = river_edge.buffer(350, cap_style="flat")
    inlet_centre = LineString([(-1330, -2300), (-1360, -900), (-1320, -600), (-1385, -350), (-1350, -180)])
    inlet = inlet_centre.buffer(40).intersection(hromada_uv)
    railway = LineString([(-3200, RAILWAY_V), (3200, RAILWAY_V)]).intersection(hromada_uv)

    cross_u = [u + rng.uniform(-30, 30) for u in CROSS_U]
    long_v = [v + rng.uniform(-25, 25) if v not in (0,) else 0.0 for v in LONG_V]
    layout = Layout(frame, hromada_uv, urban, river, inlet, railway, cross_u, long_v)

    u_lo, u_hi = URBAN_U
    for j, v in enumerate(long_v):
        kind = "avenue" if j == AVENUE_INDEX else "street"
        uk, en = street_name(kind, names.LONG_STREETS[j])
        road_class = "primary" if j == AVENUE_INDEX else ("secondary" if j in BUS_LONG else "residential")
        layout.streets.append(
            StreetLine(f"long-{j:02d}", uk, en, kind, road_class, "u", v, u_lo, u_hi, j in BUS_LONG)
        )
    for k, u in enumerate(cross_u):
        uk, en = street_name("street", names.CROSS_STREETS[k])
        road_class = "primary" if k in PRIMARY_CROSS else ("secondary" if k in BUS_CROSS else "residential")
        layout.streets.append(
            StreetLine(
                f"cross-{k:02d}", uk, en, "street", road_class, "v", u, -3000, URBAN_V_MAX, k in BUS_CROSS
            )
        )
    return layout


def add_lane(layout: Layout, index: int, v: float, u_start: float, u_end: float) -> StreetLine:
    core = names.LANE_NAMES[index % len(names.LANE_NAMES)]
    uk = f"провулок {core}"
    en = f"{names.transliterate(core)} Lane"
    lane = StreetLine(f"lane-{index:02d}", uk, en, "lane", "residential", "u", v, u_start, u_end)
    layout.streets.append(lane)
    return lane


def cut_segments(layout: Layout) -> None:
    """Split every street at every junction, clip it to the city, and keep it off the water
    and the railway except on the bridge and at the level crossings."""
    lines = {s.key: s.line for s in layout.streets}
    rail = layout.railway.buffer(1.0)
    for street in layout.streets:
        line = lines[street.key]
        cuts = {street.start, street.end}
        for other in layout.streets:
            if other.axis != street.axis:
                hit = line.intersection(lines[other.key])
                if isinstance(hit, Point):
                    cuts.add(hit.x if street.axis == "u" else hit.y)
        may_cross_rail = street.key in {f"cross-{k:02d}" for k in RAIL_CROSSING_STREETS}
        may_bridge = street.key == f"long-{INLET_BRIDGE_STREET:02d}"
        stations = sorted(cuts)
        for a, b in zip(stations, stations[1:], strict=False):
            if street.axis == "u":
                piece = LineString([(a, street.position), (b, street.position)])
            else:
                piece = LineString([(street.position, a), (street.position, b)])
            for part in _line_parts(piece.intersection(layout.urban)):
                over_rail = part.intersects(rail)
                if over_rail and not may_cross_rail:
                    continue
                over_water = part.intersects(layout.inlet)
                if over_water and not may_bridge:
                    # No bridge here: the street stops short of the water on both banks.
                    for dry in _line_parts(part.difference(layout.inlet.buffer(15))):
                        layout.segments.append(Segment(street, _snap(dry)))
                    continue
                layout.segments.append(
                    Segment(street, _snap(part), is_bridge=over_water, is_crossing=over_rail)
                )


def _line_parts(geom) -> list[LineString]:
    """The LineStrings of a clipping result that are long enough to be a street."""
    parts = getattr(geom, "geoms", [geom])
    return [p for p in parts if p.geom_type == "LineString" and p.length >= 20]


def _snap(line: LineString) -> LineString:
    """Round coordinates so that segments meeting at a junction share the same point."""
    return LineString([(round(x, 3), round(y, 3)) for x, y in line.coords])


@dataclass
class Cell:
    """A city block between two cross streets (k, k+1) and two long streets (j, j+1)."""

    k: int
    j: int
    rect: Polygon
    usable: Polygon
    use: str = "private"
    era: str = "1970s"

    @property
    def centre(self) -> tuple[float, float]:
        c = self.rect.centroid
        return c.x, c.y


def make_cells(layout: Layout) -> list[Cell]:
    cells = []
    blocked = unary_union([layout.inlet.buffer(30), layout.railway.buffer(45), layout.river])
    for k in range(len(layout.cross_u) - 1):
        for j in range(len(layout.long_v) - 1):
            rect = box(layout.cross_u[k], layout.long_v[j], layout.cross_u[k + 1], layout.long_v[j + 1])
            usable = rect.buffer(-18, join_style="mitre").intersection(layout.urban).difference(blocked)
            if usable.is_empty or usable.area < 0.25 * rect.area:
                continue
            cells.append(Cell(k, j, rect, usable))
    return cells

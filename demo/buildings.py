"""Blocks of flats and public parcels of the demo city, and their street addresses."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass

from shapely.geometry import LineString, Point, Polygon, box

from demo.layout import Cell, StreetLine

CENTRE_CELL = (7, 4)
SPECIAL_CELLS = {
    (7, 4): "civic",  # city council, ЦНАП, the main square
    (6, 4): "park",  # the central park
    (9, 3): "stadium",
    (10, 6): "hospital",
    (5, 5): "market",
}


@dataclass
class Addressable:
    """Anything with its own house number: a block of flats or a public parcel."""

    key: str
    centre: Point
    street: StreetLine | None = None
    number: str = ""

    @property
    def address(self) -> str:
        return f"{self.street.name_uk}, {self.number}"

    @property
    def address_en(self) -> str:
        return f"{self.number} {self.street.name_en}"


@dataclass
class BuildingRec(Addressable):
    footprint: Polygon | None = None
    along_u: bool = True
    floors: int | None = None
    entrances: int | None = None
    apartments: int | None = None
    year_built: int | None = None
    wall: str = ""
    management: str = ""
    condominium: str = ""
    shops: int = 0

    def facade(self) -> LineString:
        """The long side of the footprint nearest to the building's address street."""
        minx, miny, maxx, maxy = self.footprint.bounds
        if self.along_u:
            sides = [LineString([(minx, miny), (maxx, miny)]), LineString([(minx, maxy), (maxx, maxy)])]
        else:
            sides = [LineString([(minx, miny), (minx, maxy)]), LineString([(maxx, miny), (maxx, maxy)])]
        return min(sides, key=lambda s: s.distance(self.street.line))


@dataclass
class Parcel(Addressable):
    """A plot for a public building (school, clinic, ...): a category waiting for a facility."""

    category: str = ""
    cell: Cell | None = None


def assign_uses(rng: random.Random, cells: list[Cell]) -> None:
    for cell in cells:
        k, j = cell.k, cell.j
        full = cell.usable.area >= 0.8 * cell.rect.buffer(-18, join_style="mitre").area
        if (k, j) in SPECIAL_CELLS:
            cell.use = SPECIAL_CELLS[(k, j)]
        elif j >= 9:
            cell.use = "industrial"
        elif j == 8:
            cell.use = "residential" if 6 <= k <= 10 else "garages"
        elif j <= 1:
            cell.use = "riverside" if not full or j == 0 else "private"
        elif 3 <= k <= 11 and 2 <= j <= 7 and full:
            cell.use = "residential"
        else:
            cell.use = "private"
        d = max(abs(k - CENTRE_CELL[0]), abs(j - CENTRE_CELL[1]))
        if d <= 1:
            cell.era = "1960s"
        elif d == 2:
            cell.era = rng.choice(["1960s", "1970s"])
        else:
            cell.era = "new" if rng.random() < 0.12 else "1980s"


def _slots(cell: Cell) -> dict[tuple[int, int], Polygon]:
    minx, miny, maxx, maxy = cell.usable.bounds
    sw, sh = (maxx - minx) / 3, (maxy - miny) / 3
    return {
        (a, b): box(minx + a * sw, miny + b * sh, minx + (a + 1) * sw, miny + (b + 1) * sh)
        for a in range(3)
        for b in range(3)
    }


def _design(rng: random.Random, era: str) -> dict:
    """Floors, size and materials of one block of flats of the given era."""
    if era == "1960s" or (era == "1970s" and rng.random() < 0.6):
        length = rng.uniform(55, 76)
        entrances = max(2, round(length / 16))
        return dict(
            floors=5, depth=12.0, length=length, entrances=entrances,
            apartments=entrances * 5 * rng.choice([3, 4]),
            year=rng.randint(1961, 1974) if era == "1960s" else rng.randint(1970, 1979),
            wall=rng.choices(["brick", "panel", "block"], [5, 4, 1])[0],
        )  # fmt: skip
    if era == "new":
        floors = rng.choice([10, 12, 16])
        return dict(
            floors=floors, depth=20.0, length=22.0, entrances=1, apartments=floors * 6,
            year=rng.randint(2004, 2019), wall="monolith",
        )  # fmt: skip
    if rng.random() < 0.2:
        floors = rng.choice([9, 9, 12])
        return dict(
            floors=floors, depth=18.0, length=18.0, entrances=1, apartments=floors * 4,
            year=rng.randint(1978, 1992), wall=rng.choices(["panel", "brick"], [4, 1])[0],
        )  # fmt: skip
    length = rng.uniform(62, 84)
    entrances = max(2, round(length / 26))
    return dict(
        floors=9, depth=13.0, length=length, entrances=entrances,
        apartments=entrances * 9 * rng.choice([3, 4]), year=rng.randint(1976, 1992),
        wall=rng.choices(["panel", "brick", "block"], [7, 2, 1])[0],
    )  # fmt: skip


def _footprint(slot: Polygon, design: dict, along_u: bool, edge: str) -> Polygon:
    """A rectangle in the slot, pushed towards the slot's street edge."""
    minx, miny, maxx, maxy = slot.bounds
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    length = min(design["length"], (maxx - minx if along_u else maxy - miny) - 8)
    depth = design["depth"]
    if along_u:
        y0 = {"low": miny + 6, "high": maxy - 6 - depth}.get(edge, cy - depth / 2)
        return box(cx - length / 2, y0, cx + length / 2, y0 + depth)
    x0 = {"low": minx + 6, "high": maxx - 6 - depth}.get(edge, cx - depth / 2)
    return box(x0, cy - length / 2, x0 + depth, cy + length / 2)


def place_buildings(rng: random.Random, cells: list[Cell], parcel_plan: dict) -> tuple[list, list]:
    """Blocks of flats in residential cells; the plan reserves slots for public parcels.

    parcel_plan maps (cell key, slot) -> category for the slots a public parcel takes.
    """
    buildings: list[BuildingRec] = []
    parcels: list[Parcel] = []
    for cell in cells:
        if cell.use != "residential":
            continue
        for (a, b), slot in _slots(cell).items():
            planned = parcel_plan.get(((cell.k, cell.j), (a, b)))
            if planned:
                parcels.append(Parcel(f"parcel-{planned}-{cell.k}-{cell.j}-{a}{b}", slot.centroid,
                                      category=planned, cell=cell))  # fmt: skip
                continue
            if (a, b) == (1, 1) or rng.random() < 0.15:
                continue  # the courtyard, or a green gap
            along_u = b != 1 or a == 1
            edge = (
                ("low" if b == 0 else "high" if b == 2 else "mid")
                if along_u
                else ("low" if a == 0 else "high")
            )
            design = _design(rng, cell.era)
            shapes = [_footprint(slot, design, along_u, edge)]
            if design["floors"] == 5 and edge != "mid" and rng.random() < 0.2:
                inner = "high" if edge == "low" else "low"
                shapes.append(_footprint(slot, design, along_u, inner))
            for n, shape in enumerate(shapes):
                if not cell.usable.contains(shape):
                    continue
                buildings.append(
                    BuildingRec(
                        f"bld-{cell.k:02d}{cell.j:02d}{a}{b}{n}",
                        shape.centroid,
                        footprint=shape,
                        along_u=along_u,
                        floors=design["floors"],
                        entrances=design["entrances"],
                        apartments=design["apartments"],
                        year_built=design["year"],
                        wall=design["wall"],
                    )
                )
    return buildings, parcels


def assign_addresses(items: list[Addressable], streets: list[StreetLine]) -> None:
    """Give each item the street it faces and a house number: odd numbers on the left of
    the street's direction, even on the right, growing away from the river and westwards."""
    by_side: dict[tuple[str, bool], list[tuple[float, Addressable]]] = defaultdict(list)
    for item in items:
        street = min(streets, key=lambda s: s.line.distance(item.centre))
        item.street = street
        if street.axis == "u":
            along, offset = item.centre.x, item.centre.y - street.position
            odd = offset > 0
        else:
            along, offset = item.centre.y, item.centre.x - street.position
            odd = offset < 0
        by_side[(street.key, odd)].append((along, item))
    for (_key, odd), members in by_side.items():
        members.sort(key=lambda m: (m[0], m[1].key))
        for i, (_along, item) in enumerate(members):
            item.number = str(2 * i + (1 if odd else 2))


def assign_management(rng: random.Random, buildings: list[BuildingRec], condominiums: int) -> None:
    """Exactly `condominiums` buildings run their own ОСББ; the rest a company or the council."""
    chosen = set(rng.sample(range(len(buildings)), condominiums))
    for i, b in enumerate(buildings):
        if i in chosen:
            b.management = "condominium"
            b.condominium = f"ОСББ «{b.street.name_uk.split(' ', 1)[1]}, {b.number}»"
        else:
            b.management = rng.choices(["managing_company", "council"], [85, 15])[0]
    # A few sheets start with gaps, as real registries do: unknown stays unknown.
    for b in rng.sample(buildings, max(1, len(buildings) // 50)):
        b.year_built = None
    for b in rng.sample(buildings, max(1, len(buildings) // 80)):
        b.apartments = None

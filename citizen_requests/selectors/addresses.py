"""Addresses residents type, matched against the city's streets and building addresses.

Addresses are public; the building data sheets are not, so only the street, the house
number and a point on the building are ever read from the housing registry here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.db.models.functions import PointOnSurface
from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import connection

from city.models import Street
from city.selectors import box_degrees
from housing_registry.models import Building

# Words that name the kind of street or the city, not the street itself.
KIND_WORDS = {
    "вулиця", "вул", "вулиці", "проспект", "просп", "пр", "пр-т", "пр-кт", "бульвар", "бул", "б-р",
    "провулок", "пров", "пров-к", "площа", "пл", "шосе", "узвіз", "проїзд",
    "street", "st", "avenue", "ave", "av", "lane", "ln", "boulevard", "blvd", "road", "rd", "square", "passage",
}  # fmt: skip
NOISE_WORDS = {
    "м", "місто", "горішні", "плавні", "полтавська", "обл", "область", "україна", "буд", "будинок", "б",
    "house", "no", "horishni", "plavni", "ukraine", "city",
}  # fmt: skip
HOUSE = re.compile(r"^\d{1,4}(?:[-]?[а-яієїґa-z])?(?:/\d{1,4}[а-яієїґa-z]?)?$")
APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "´": "'", "‘": "'"})


@dataclass(frozen=True)
class AddressMatch:
    label: str
    street_id: int
    street_name: str
    house_number: str
    point: Point
    kind: str  # "building" or "street"

    def as_json(self) -> dict:
        return {
            "label": self.label,
            "street": self.street_name,
            "house_number": self.house_number,
            "kind": self.kind,
            "lat": round(self.point.y, 6),
            "lon": round(self.point.x, 6),
        }


def _normalise(text: str) -> str:
    text = (text or "").lower().translate(APOSTROPHES)
    return re.sub(r"[\s,.;:№#]+", " ", text).strip()


def _split(text: str) -> tuple[list[str], str]:
    """(street name words, house number) of what a person typed."""
    words, house = [], ""
    for word in _normalise(text).split():
        if not house and HOUSE.match(word) and (words or len(word) <= 4):
            house = word.replace("-", "")
        elif word not in KIND_WORDS and word not in NOISE_WORDS and not word.isdigit():
            words.append(word)
        elif word.isdigit() and not house:
            house = word
    return words, house


def _street_words(name: str) -> list[str]:
    return [w for w in _normalise(name).split() if w not in KIND_WORDS]


def _street_score(query: list[str], street: Street) -> int | None:
    """0 = the same name, 1 = every word typed in full, 2 = words typed as beginnings; None = no."""
    best = None
    for name in (street.name_uk, street.name_en):
        words = _street_words(name)
        if not words:
            continue
        if query == words:
            return 0
        if all(any(w == q for w in words) for q in query):
            best = 1 if best is None else min(best, 1)
        elif all(any(w.startswith(q) for w in words) for q in query):
            best = 2 if best is None else min(best, 2)
    return best


def _house_key(number: str) -> tuple[int, str]:
    digits = re.match(r"\d+", number)
    return (int(digits.group(0)) if digits else 0, number)


def addresses_suggest(text: str, *, limit: int = 8) -> list[AddressMatch]:
    """Suggestions for what a resident is typing: buildings (street + number) and streets."""
    words, house = _split(text)
    if not words:
        return []
    scored = []
    for street in Street.objects.only("id", "name_uk", "name_en"):
        score = _street_score(words, street)
        if score is not None:
            scored.append((score, street.name_uk, street))
    scored.sort(key=lambda s: (s[0], s[1]))
    streets = [s[2] for s in scored[:limit]]
    if not streets:
        return []
    by_id = {s.id: s for s in streets}
    buildings = Building.objects.filter(street_id__in=by_id).annotate(spot=PointOnSurface("footprint"))
    if house:
        buildings = buildings.filter(house_number__istartswith=house)
    matches: list[AddressMatch] = []
    rank = {s.id: i for i, s in enumerate(streets)}
    rows = sorted(
        buildings.values_list("street_id", "house_number", "spot"),
        key=lambda r: (r[1].lower() != house, rank[r[0]], _house_key(r[1])),
    )
    for street_id, number, spot in rows[:limit]:
        street = by_id[street_id]
        matches.append(
            AddressMatch(f"{street.name_uk}, {number}", street_id, street.name_uk, number, spot, "building")
        )
    if not house:
        points = street_points([s.id for s in streets])
        for street in streets[: max(1, limit - len(matches))]:
            if street.id in points:
                matches.insert(
                    0 if len(streets) == 1 else len(matches), _street_match(street, points[street.id])
                )
    return matches[:limit]


def _street_match(street: Street, point: Point) -> AddressMatch:
    return AddressMatch(street.name_uk, street.id, street.name_uk, "", point, "street")


def street_points(street_ids: list[int]) -> dict[int, Point]:
    """A point in the middle of each street: on the street, nearest to its centre."""
    if not street_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            select street_id, ST_AsEWKT(ST_ClosestPoint(g, ST_Centroid(g)))
            from (select street_id, ST_Union(geometry) g from city_streetsegment
                  where street_id = any(%s) group by street_id) s
            """,
            [street_ids],
        )
        return {sid: GEOSGeometry(ewkt) for sid, ewkt in cursor.fetchall()}


def address_resolve(text: str) -> AddressMatch | None:
    """The one place `text` names: a building (street and number) or, with no number, a street
    that no other street's name matches as well. None when unknown or ambiguous."""
    words, house = _split(text)
    if not words:
        return None
    matches = addresses_suggest(text, limit=20)
    if house:
        exact = [m for m in matches if m.kind == "building" and m.house_number.lower() == house]
        return exact[0] if len({m.street_id for m in exact}) == 1 else None
    streets = [m for m in matches if m.kind == "street"]
    return streets[0] if len(streets) == 1 else None


def address_at(point: Point) -> AddressMatch | None:
    """What to call a place on the map: the building there (within 25 m), else the nearest
    street within 150 m."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            select b.street_id, s.name_uk, b.house_number, ST_AsEWKT(ST_PointOnSurface(b.footprint))
            from housing_registry_building b join city_street s on s.id = b.street_id
            where b.footprint && ST_Expand(ST_GeomFromEWKT(%s), %s)
              and ST_DWithin(b.footprint::geography, ST_GeomFromEWKT(%s)::geography, 25)
            order by ST_Distance(b.footprint::geography, ST_GeomFromEWKT(%s)::geography), b.id
            limit 1
            """,
            [point.ewkt, box_degrees(25, point.y), point.ewkt, point.ewkt],
        )
        row = cursor.fetchone()
        if row:
            sid, name, number, ewkt = row
            return AddressMatch(f"{name}, {number}", sid, name, number, GEOSGeometry(ewkt), "building")
        cursor.execute(
            """
            select g.street_id, s.name_uk
            from city_streetsegment g join city_street s on s.id = g.street_id
            where g.geometry && ST_Expand(ST_GeomFromEWKT(%s), %s)
              and ST_DWithin(g.geometry::geography, ST_GeomFromEWKT(%s)::geography, 150)
            order by ST_Distance(g.geometry::geography, ST_GeomFromEWKT(%s)::geography), g.id
            limit 1
            """,
            [point.ewkt, box_degrees(150, point.y), point.ewkt, point.ewkt],
        )
        row = cursor.fetchone()
    if row:
        return AddressMatch(row[1], row[0], row[1], "", point, "street")
    return None


def public_address(point: Point, place: AddressMatch | None = None) -> str:
    """The address published for a request at `point`: never what the resident typed (it may
    hold a flat, a name or a phone), but the building there («вулиця Миру, 9») or, with
    MISTO_PUBLIC_ADDRESS = "street", only the street; "" when no street is near. `place`:
    address_at(point) when the caller has it already."""
    place = place or address_at(point)
    if place is None:
        return ""
    if settings.MISTO_PUBLIC_ADDRESS == "street":
        return place.street_name
    return place.label

"""The city's gazetteer: addresses people type, matched against the streets and the houses.

Houses live in a table of an app above this one (the housing registry's buildings), which
registers it as the house source from its AppConfig.ready(); the city never imports it.
Addresses are public; only the street, the house number and a point on the house's shape are
ever read from that table here, never the data sheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.apps import apps
from django.contrib.gis.db.models.functions import PointOnSurface
from django.contrib.gis.geos import GEOSGeometry, Point
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import Q, TextField, Value
from django.db.models.functions import Concat

from city.models import Street
from city.search import FUZZY_THRESHOLD, SearchKey, search_key
from city.selectors import box_degrees


@dataclass(frozen=True)
class HouseSource:
    """A table whose rows are the city's houses: a street (city.Street), a house number, a shape."""

    model: str  # "app_label.Model"
    street_field: str = "street"
    number_field: str = "house_number"
    shape_field: str = "footprint"

    def queryset(self):
        return apps.get_model(self.model).objects.all()

    @property
    def table(self) -> str:
        return apps.get_model(self.model)._meta.db_table


_houses: list[HouseSource] = []


def house_source_register(source: HouseSource) -> None:
    """Make the houses of `source` findable by address (called from an app's ready())."""
    if source not in _houses:
        _houses.append(source)


def _house_source() -> HouseSource | None:
    return _houses[0] if _houses else None


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
    exact: bool = True  # False: the street was found as a likely typo of what was typed
    score: int = 0  # how the street's name matched (_street_score): 0 = the very name typed

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


def address_split(text: str) -> tuple[list[str], str]:
    """(street name words, house number) of what a person typed: "вул. Миру, 9" → (["миру"], "9")."""
    return _split(text)


def _street_words(key: str) -> list[str]:
    return [w for w in _normalise(key).split() if w not in KIND_WORDS]


def _street_score(query: list[str], name_keys: tuple[str, str]) -> int:
    """0 = the same name, 1 = every word typed in full, 2 = words typed as beginnings, 3 = found
    only as a likely typo (trigram similarity). Compared by search key: case, accents and
    apostrophes do not count."""
    best = 3
    for key in name_keys:
        words = _street_words(key)
        if not words:
            continue
        if query == words:
            return 0
        if all(any(w == q for w in words) for q in query):
            best = min(best, 1)
        elif all(any(w.startswith(q) for w in words) for q in query):
            best = min(best, 2)
    return best


def streets_matching(words: list[str], *, limit: int = 8) -> list[Street]:
    """Streets whose name holds every typed word (by search key), or, when none does, whose
    name is trigram-similar to what was typed ("Соловина", "незалежносты"); best first.
    A street found only as a typo carries `.similarity`."""
    keys = search_key(" ".join(words)).split()
    if not keys:
        return []
    name_key = SearchKey(Concat("name_uk", Value(" "), "name_en", output_field=TextField()))
    streets = Street.objects.only("id", "name_uk", "name_en").annotate(
        key=name_key, key_uk=SearchKey("name_uk"), key_en=SearchKey("name_en")
    )
    exact = Q()
    for key in keys:
        exact &= Q(key__contains=key)
    found = list(streets.filter(exact))
    if not found:
        typed = " ".join(keys)
        found = list(
            streets.annotate(similarity=TrigramWordSimilarity(Value(typed), name_key))
            .filter(similarity__gte=FUZZY_THRESHOLD)
            .order_by("-similarity", "name_uk")[: limit * 2]
        )
    scored = [
        (_street_score(keys, (s.key_uk, s.key_en)), -getattr(s, "similarity", 1.0), s.name_uk, s)
        for s in found
    ]
    scored.sort(key=lambda row: row[:3])
    for score, _similarity, _name, street in scored:
        street.match_score = score
    return [row[3] for row in scored[:limit]]


def _house_key(number: str) -> tuple[int, str]:
    digits = re.match(r"\d+", number)
    return (int(digits.group(0)) if digits else 0, number)


def addresses_suggest(text: str, *, limit: int = 8) -> list[AddressMatch]:
    """Suggestions for what a resident is typing: buildings (street + number) and streets."""
    words, house = _split(text)
    if not words:
        return []
    streets = streets_matching(words, limit=limit)
    if not streets:
        return []
    by_id = {s.id: s for s in streets}
    source = _house_source()
    rows = []
    if source is not None:
        houses = source.queryset().filter(**{f"{source.street_field}_id__in": by_id})
        houses = houses.annotate(spot=PointOnSurface(source.shape_field))
        if house:
            houses = houses.filter(**{f"{source.number_field}__istartswith": house})
        rows = list(houses.values_list(f"{source.street_field}_id", source.number_field, "spot"))
    matches: list[AddressMatch] = []
    rank = {s.id: i for i, s in enumerate(streets)}
    rows = sorted(rows, key=lambda r: (r[1].lower() != house, rank[r[0]], _house_key(r[1])))
    for street_id, number, spot in rows[:limit]:
        street = by_id[street_id]
        matches.append(
            AddressMatch(
                f"{street.name_uk}, {number}",
                street_id,
                street.name_uk,
                number,
                spot,
                "building",
                exact=not hasattr(street, "similarity"),
                score=street.match_score,
            )
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
    return AddressMatch(
        street.name_uk,
        street.id,
        street.name_uk,
        "",
        point,
        "street",
        exact=not hasattr(street, "similarity"),
        score=getattr(street, "match_score", 0),
    )


def street_points(street_ids: list[int]) -> dict[int, Point]:
    """A point to show each street at: the middle of its longest segment — on the street itself
    and away from its junctions, where the nearest house may belong to a crossing street."""
    if not street_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            select distinct on (street_id) street_id, ST_AsEWKT(ST_LineInterpolatePoint(geometry, 0.5))
              from city_streetsegment
             where street_id = any(%s)
             order by street_id, ST_Length(geometry::geography) desc, id
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


# A tap on the road in front of a house is still that house: houses stand about 25 m from the
# middle of their street, so the nearest house within this distance names the place.
HOUSE_REACH_M = 60
STREET_REACH_M = 150


def address_at(point: Point) -> AddressMatch | None:
    """What to call a place on the map: the nearest building (street and house number) within
    HOUSE_REACH_M, else the nearest street within STREET_REACH_M."""
    source = _house_source()
    with connection.cursor() as cursor:
        row = None
        if source is not None:
            qn = connection.ops.quote_name
            street, number, shape = (
                qn(f"{source.street_field}_id"),
                qn(source.number_field),
                qn(source.shape_field),
            )
            cursor.execute(
                f"""
                select b.{street}, s.name_uk, b.{number}, ST_AsEWKT(ST_PointOnSurface(b.{shape}))
                from {qn(source.table)} b join city_street s on s.id = b.{street}
                where b.{shape} && ST_Expand(ST_GeomFromEWKT(%s), %s)
                  and ST_DWithin(b.{shape}::geography, ST_GeomFromEWKT(%s)::geography, %s)
                order by ST_Distance(b.{shape}::geography, ST_GeomFromEWKT(%s)::geography), b.id
                limit 1
                """,
                [point.ewkt, box_degrees(HOUSE_REACH_M, point.y), point.ewkt, HOUSE_REACH_M, point.ewkt],
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
              and ST_DWithin(g.geometry::geography, ST_GeomFromEWKT(%s)::geography, %s)
            order by ST_Distance(g.geometry::geography, ST_GeomFromEWKT(%s)::geography), g.id
            limit 1
            """,
            [point.ewkt, box_degrees(STREET_REACH_M, point.y), point.ewkt, STREET_REACH_M, point.ewkt],
        )
        row = cursor.fetchone()
    if row:
        return AddressMatch(row[1], row[0], row[1], "", point, "street")
    return None

"""One search for the map's search box: facilities, streets and building addresses.

Everything is compared by search key (city.search: no case, accents or apostrophes, so
"памятник" finds "Пам'ятник"), typos are forgiven through pg_trgm word similarity, and the
results come in the order a person expects:

0. the building at exactly the typed house number ("вул. Миру, 9" → "вулиця Миру, 9"), then
   the facilities at that address,
1. the street of exactly the typed name, then facilities whose names hold every typed word
   (names starting with it first),
2. other streets whose names hold the typed words,
3. other houses of those streets (9а, 90, …) and facilities matched by address or operator,
4. streets, then facilities, found only as a likely typo, most similar first.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext as _

from city.addresses import AddressMatch, address_split, addresses_suggest
from city.search import FUZZY_THRESHOLD, SearchKey
from facilities.selectors import facilities_visible, facility_key, search_terms

MAX_QUERY_LENGTH = 100
DEFAULT_LIMIT = 10


@dataclass(frozen=True)
class Place:
    kind: str  # "facility", "building" or "street"
    label: str
    detail: str  # the category of a facility, its address; "Building" / "Street"
    lat: float
    lon: float
    tier: int
    facility_id: int | None = None
    category: str = ""
    url: str = ""
    order: float = 0  # within a tier: lower first
    address: str = ""  # a facility's own address

    def as_json(self) -> dict:
        body = {
            "kind": self.kind,
            "label": self.label,
            "detail": self.detail,
            "lat": round(self.lat, 6),
            "lon": round(self.lon, 6),
        }
        if self.facility_id is not None:
            body |= {"id": self.facility_id, "category": self.category, "url": self.url}
        return body


def _facility_places(text: str, *, limit: int, english: bool) -> list[Place]:
    terms = search_terms(text)
    if not terms:
        return []
    qs = (
        facilities_visible()
        .select_related("category")
        .annotate(search_key=facility_key(), name_key=SearchKey(Concat("name_uk", Value(" "), "name_en")))
    )
    exact = Q()
    for term in terms:
        exact &= Q(search_key__contains=term)
    found = list(qs.filter(exact).order_by("name_uk", "pk")[: limit * 3])
    typed = " ".join(terms)
    fuzzy = []
    if len(found) < limit:
        with transaction.atomic():
            # The trigram operator (%>) is answered from the GIN index, at this threshold.
            with connection.cursor() as cursor:
                cursor.execute("set local pg_trgm.word_similarity_threshold = %s", [FUZZY_THRESHOLD])
            fuzzy = list(
                qs.exclude(pk__in=[f.pk for f in found])
                .filter(search_key__trigram_word_similar=typed)
                .annotate(similarity=TrigramWordSimilarity(Value(typed), F("search_key")))
                .order_by("-similarity", "name_uk", "pk")[:limit]
            )
    places = []
    for facility in found:
        if all(t in facility.name_key for t in terms):
            tier, order = 1, (0 if facility.name_key.startswith(typed) else 1)
        else:  # the words are in the address or the operator only: after the streets
            tier, order = 3, 0
        places.append(_facility_place(facility, tier=tier, english=english, order=order))
    for facility in fuzzy:
        places.append(_facility_place(facility, tier=4, english=english, order=-facility.similarity))
    return places


def _facility_place(facility, *, tier: int, english: bool, order: float) -> Place:
    name = (facility.name_en or facility.name_uk) if english else facility.name_uk
    category = (
        facility.category.name_en if english and facility.category.name_en else facility.category.name_uk
    )
    return Place(
        kind="facility",
        label=name,
        detail=", ".join(part for part in (category, facility.address) if part),
        lat=facility.location.y,
        lon=facility.location.x,
        tier=tier,
        facility_id=facility.pk,
        category=facility.category.slug,
        url=f"/facilities/{facility.pk}/",
        order=order,
        address=facility.address,
    )


def _address_places(text: str, *, limit: int) -> list[Place]:
    words, house = address_split(text)
    if not words:
        return []
    return [_address_place(match, house=house) for match in addresses_suggest(text, limit=limit)]


def _address_place(match: AddressMatch, *, house: str) -> Place:
    if not match.exact:
        # A street found as a typo: before facilities found as typos (a place is what was meant).
        tier, order = 4, -1.0
    elif match.kind == "building":
        tier, order = (0 if house and match.house_number.lower() == house else 3), 0.0
    elif match.score == 0:
        # The very name of a street ("вулиця Солов'їна"): before the places named after it.
        tier, order = 1, -1.0
    else:
        tier, order = 2, 0.0
    return Place(
        kind=match.kind,
        label=match.label,
        detail=_("Building") if match.kind == "building" else _("Street"),
        lat=match.point.y,
        lon=match.point.x,
        tier=tier,
        order=order,
    )


def _plain(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").replace("ʼ", "'").split())


def places_search(text: str, *, limit: int = DEFAULT_LIMIT, english: bool = False) -> list[Place]:
    """What the map's search box shows for `text`, best first (see the module's docstring)."""
    text = " ".join((text or "").split())[:MAX_QUERY_LENGTH]
    if len(text) < 2:
        return []
    addresses = _address_places(text, limit=limit)
    houses = {_plain(p.label) for p in addresses if p.tier == 0}
    facilities = [
        # What stands at the very house typed follows that house ("вул. Миру, 9": its pharmacy).
        replace(p, tier=0, order=1) if houses and _plain(p.address) in houses else p
        for p in _facility_places(text, limit=limit, english=english)
    ]
    places = addresses + facilities
    # Within a tier: facilities by how well the name matches, addresses as the gazetteer ranked them.
    ranked = sorted(enumerate(places), key=lambda item: (item[1].tier, item[1].order, item[0]))
    return [place for _i, place in ranked[:limit]]

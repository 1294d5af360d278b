"""Addresses in the page's language: on English pages a street is named by its English name
(city.Street.name_en, "Sadova Street, 1"), as districts are, so that an address never mixes
Ukrainian streets with Latin district names. Ukrainian pages show the address as stored.

`address_sql` is the same rule in SQL, for the lists PostgreSQL builds as JSON (the facility
list API, the requests map): one street lookup per row of the page."""

from __future__ import annotations

import re
import time

import translitua
from django.utils.translation import get_language
from translitua import UkrainianKMU

from city.models import Street

_CACHE_SECONDS = 60
_cached: tuple[float, list[tuple[str, str]]] = (0.0, [])


def _street_names_en() -> list[tuple[str, str]]:
    """(Ukrainian name, English name) of every street with an English name, longest first (so
    "вулиця Миру" does not shorten "вулиця Миру Нова"); read once a minute per process."""
    global _cached
    expires, names = _cached
    if time.monotonic() >= expires:
        pairs = Street.objects.exclude(name_en="").values_list("name_uk", "name_en")
        names = sorted(pairs, key=lambda pair: -len(pair[0]))
        _cached = (time.monotonic() + _CACHE_SECONDS, names)
    return names


def address_in_language(address: str, language: str | None = None) -> str:
    """`address` ("вулиця Садова, 1") as a page in `language` (the active one by default)
    shows it: the street's English name on English pages, unchanged otherwise."""
    language = (language or get_language() or "uk")[:2]
    if language != "en" or not address or not re.search("[А-Яа-яІіЇїЄєҐґ]", address):
        return address
    for name_uk, name_en in _street_names_en():
        if address.startswith(name_uk) and address[len(name_uk) : len(name_uk) + 1] in ("", ",", " "):
            # The house ("10-А", "3 (у дворі)") in the national transliteration, as the
            # basemap's names (basemap/translit.py): one script in the whole address.
            return name_en + translitua.translit(address[len(name_uk) :], UkrainianKMU)
    return address


def address_sql(column: str, english: bool) -> str:
    """SQL of the address in `column` as `address_in_language` shows it: on English pages the
    longest street of the city (with an English name) the address starts with, followed by the
    address's end, a comma or a space, is named in English and the rest transliterated (the
    database's misto_translit_uk, made by basemap's migration from the same library);
    otherwise the column as stored. `column` is SQL of the query (e.g. "p.address"), never
    user input."""
    if not english:
        return column
    table = Street._meta.db_table
    rest = f"substr({column}, length(s.name_uk) + 1)"
    return f"""coalesce((SELECT s.name_en || misto_translit_uk({rest}) FROM {table} s
        WHERE s.name_en <> '' AND starts_with({column}, s.name_uk) AND left({rest}, 1) IN ('', ',', ' ')
        ORDER BY length(s.name_uk) DESC LIMIT 1), {column})"""

"""Addresses in the page's language: on English pages a street is named by its English name
(city.Street.name_en, "Sadova Street, 1"), as districts are, so that an address never mixes
Ukrainian streets with Latin district names. Ukrainian pages show the address as stored."""

from __future__ import annotations

import re
import time

from django.utils.translation import get_language

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
            return name_en + address[len(name_uk) :]
    return address

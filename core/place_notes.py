"""Notes about a place that an app above shows on the pages of apps below it.

The city's notices (outages, works, emergencies) live in an app above the facility directory,
the housing registry and the request form, which must show the notices that cover a place
without importing that app. The notices app registers a source from its AppConfig.ready():

    from core import place_notes
    place_notes.place_notes_register(source)   # source(geometry, *, topic="") -> list[PlaceNote]

and the pages ask `place_notes(geometry)` (or the `{% place_notes geometry %}` tag of
core/templatetags/place_notes.py). `topic` is what a request form is about (a request
category's slug): a source then returns only the notes that match it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PlaceNote:
    title: str
    when: str  # the time in words ("until 18:00", "planned 12 March 09:00–15:00")
    url: str
    emergency: bool = False
    kind_label: str = ""


_sources: list[Callable[..., list[PlaceNote]]] = []
_urls: list[str] = []  # URL names answering GET ?lat=&lon=&category= with {"notices": [...]}


def place_notes_register(source: Callable[..., list[PlaceNote]]) -> None:
    if source not in _sources:
        _sources.append(source)


def place_notes(geometry, *, topic: str = "") -> list[PlaceNote]:
    """Every registered source's notes about `geometry` (a GEOS geometry in EPSG:4326)."""
    if geometry is None:
        return []
    notes: list[PlaceNote] = []
    for source in _sources:
        notes.extend(source(geometry, topic=topic))
    return notes


def place_notes_url_register(url_name: str) -> None:
    """Name the JSON endpoint a page script asks for the notes at a point (the request form)."""
    if url_name not in _urls:
        _urls.append(url_name)


def place_notes_url() -> str:
    from django.urls import reverse

    return reverse(_urls[0]) if _urls else ""

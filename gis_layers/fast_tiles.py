"""A lean WSGI path for public vector tiles, in front of Django.

A tile request does little work of its own (look up a version, return cached bytes or run one
SQL statement), so Django's per-request machinery (middleware, URL resolution, request and
response objects) would dominate at high zoom. Valid GET requests for public tile layers are
answered here with exactly the responses of gis_layers.views.tile (same ETag, 304, 204,
headers); everything else — errors, unknown layers, staff-only layers — goes to Django.
tests/gis_layers/test_tiles.py checks both paths give the same answers.
"""

from __future__ import annotations

import re

from django.core import signals
from django.db import DatabaseError

from gis_layers.tiles import LAYERS, TILE_HEADERS, parse_tile_address, tile_bytes, tile_etag

TILE_PATH = re.compile(r"^/tiles/([a-z0-9_-]+)/(\d+)/(\d+)/(\d+)\.mvt$")
MVT = "application/vnd.mapbox-vector-tile"


class FastTiles:
    def __init__(self, django_app):
        self.django_app = django_app

    def __call__(self, environ, start_response):
        match = TILE_PATH.match(environ.get("PATH_INFO", ""))
        if match is None or environ.get("REQUEST_METHOD") != "GET" or match.group(1) not in LAYERS:
            return self.django_app(environ, start_response)
        address = parse_tile_address(*match.group(2, 3, 4))
        if address is None:
            return self.django_app(environ, start_response)
        layer = LAYERS[match.group(1)]
        # The same signals Django's handler sends: they open and recycle database connections.
        signals.request_started.send(sender=self.__class__, environ=environ)
        try:
            etag = tile_etag(layer, *address)
            headers = [("ETag", etag), *TILE_HEADERS.items()]
            if environ.get("HTTP_IF_NONE_MATCH") == etag:
                start_response("304 Not Modified", headers)
                return [b""]
            data = tile_bytes(layer, *address, etag)
        except DatabaseError:
            return self.django_app(environ, start_response)  # Django reports the failure properly
        finally:
            signals.request_finished.send(sender=self.__class__)
        if not data:
            start_response("204 No Content", headers)
            return [b""]
        start_response("200 OK", [("Content-Type", MVT), ("Content-Length", str(len(data))), *headers])
        return [data]

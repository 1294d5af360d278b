"""/tiles/{layer}/{z}/{x}/{y}.mvt and /tiles/layers/{slug}/{z}/{x}/{y}.mvt"""

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gis_layers.permissions import is_staff
from gis_layers.tiles import (
    LAYERS,
    PRIVATE_TILE_HEADERS,
    TILE_HEADERS,
    TileLayer,
    gis_tiles,
    parse_tile_address,
    tile_bytes,
    tile_etag,
)

MVT = "application/vnd.mapbox-vector-tile"


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def _unknown(layer: str) -> JsonResponse:
    return _error(404, "unknown_layer", _("There is no tile layer “%(layer)s”.") % {"layer": layer})


def _bad_address(z, x, y) -> JsonResponse:
    return _error(
        400,
        "invalid_tile",
        _("Tile %(z)s/%(x)s/%(y)s is not in the tile pyramid: z is 0–22 and x, y are 0 … 2^z − 1.")
        % {"z": z, "x": x, "y": y},
    )


def _tile_response(request, source, address, base_headers, language_independent=True):
    zi, xi, yi = address
    etag = tile_etag(source, zi, xi, yi)
    headers = {"ETag": etag, **base_headers}
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304, headers=headers)
    else:
        data = tile_bytes(source, zi, xi, yi, etag)
        # No features here: 204, so that map clients skip the tile without decoding it.
        response = (
            HttpResponse(data, content_type=MVT, headers=headers)
            if data
            else HttpResponse(status=204, headers=headers)
        )
    response.language_independent = language_independent
    return response


def private_tile(request, layer: TileLayer, z: str, x: str, y: str) -> HttpResponse:
    """A tile of a layer an app serves through its own door, after its own permission check
    (the registry's staff map): 400 off the pyramid, else the tile with its ETag (304 when
    unchanged, 204 when empty), never stored by a shared cache."""
    address = parse_tile_address(z, x, y)
    if address is None:
        return _bad_address(z, x, y)
    return _tile_response(request, layer, address, PRIVATE_TILE_HEADERS, language_independent=False)


@require_GET
def tile(request, layer: str, z: str, x: str, y: str):
    source = LAYERS.get(layer)
    if source is None:
        return _unknown(layer)
    address = parse_tile_address(z, x, y)
    if address is None:
        return _bad_address(z, x, y)
    return _tile_response(request, source, address, TILE_HEADERS)


@require_GET
def layer_tile(request, slug: str, z: str, x: str, y: str):
    """A GIS layer's tile. Staff-only layers are answered here only (never by the lean path),
    to staff only; to everybody else they do not exist."""
    address = parse_tile_address(z, x, y)
    if address is None:
        return _bad_address(z, x, y)
    found = gis_tiles(slug)
    if found is None:
        return _unknown(f"layers/{slug}")
    if found.public:
        return _tile_response(request, found.layer, address, TILE_HEADERS)
    if not is_staff(request.user):
        return _unknown(f"layers/{slug}")
    # Varies by the session cookie (the language middleware adds Vary: Cookie).
    return _tile_response(request, found.layer, address, PRIVATE_TILE_HEADERS, language_independent=False)

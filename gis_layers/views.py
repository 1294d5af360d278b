"""/tiles/{layer}/{z}/{x}/{y}.mvt"""

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gis_layers.tiles import LAYERS, TILE_HEADERS, parse_tile_address, tile_bytes, tile_etag

MVT = "application/vnd.mapbox-vector-tile"


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


@require_GET
def tile(request, layer: str, z: str, x: str, y: str):
    source = LAYERS.get(layer)
    if source is None:
        return _error(404, "unknown_layer", _("There is no tile layer “%(layer)s”.") % {"layer": layer})
    address = parse_tile_address(z, x, y)
    if address is None:
        return _error(
            400,
            "invalid_tile",
            _("Tile %(z)s/%(x)s/%(y)s is not in the tile pyramid: z is 0–22 and x, y are 0 … 2^z − 1.")
            % {"z": z, "x": x, "y": y},
        )
    zi, xi, yi = address
    etag = tile_etag(source, zi, xi, yi)
    headers = {"ETag": etag, **TILE_HEADERS}
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
    response.language_independent = True
    return response

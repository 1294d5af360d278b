"""The basemap's style (/basemap/style/<language>.json) and its labels' font glyphs
(/basemap/fonts/<font stack>/<start>-<end>.pbf). The tiles themselves are a tile layer of the
engine (/tiles/basemap/{z}/{x}/{y}.mvt, gis_layers.tiles, with its lean path in front of
Django). Wrong addresses get a JSON error with a code, as the tiles do."""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from basemap import glyphs
from basemap.style import basemap_style

RANGE = re.compile(r"^(\d{1,5})-(\d{1,5})$")


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


@require_GET
@gzip_page
@cache_control(public=True, max_age=3600)
def style(request, language: str):
    languages = [code for code, _name in settings.LANGUAGES]
    if language not in languages:
        return _error(
            404,
            "unknown_language",
            _("The basemap speaks %(languages)s, not “%(language)s”.")
            % {"languages": ", ".join(languages), "language": language},
        )
    tiles = request.build_absolute_uri("/tiles/basemap/") + "{z}/{x}/{y}.mvt"
    fonts = request.build_absolute_uri(reverse("basemap-fonts-root")) + "{fontstack}/{range}.pbf"
    with translation.override(language):
        body = basemap_style(language=language, tiles=tiles, glyphs=fonts)
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response.language_independent = True  # the language is in the address
    return response


@require_GET
@gzip_page
@cache_control(public=True, max_age=86400)
def fonts(request, stack: str, glyph_range: str):
    match = RANGE.match(glyph_range)
    start = int(match.group(1)) if match else -1
    if (
        match is None
        or start > glyphs.MAX_CODE
        or start % glyphs.RANGE_SIZE
        or int(match.group(2)) != start + glyphs.RANGE_SIZE - 1
    ):
        return _error(
            400,
            "invalid_range",
            _("“%(range)s” is not a glyph range: ranges are 256 characters, such as 0-255 or 1024-1279.")
            % {"range": glyph_range},
        )
    # MapLibre asks for a stack of fonts ("A,B"): the first one this basemap has answers.
    for name in stack.split(","):
        if name.strip() in glyphs.FONTS:
            try:
                data = glyphs.glyphs(name.strip(), start)
            except glyphs.UnknownGlyphs:
                break
            response = HttpResponse(data, content_type="application/x-protobuf")
            response.language_independent = True
            return response
    return _error(
        404,
        "unknown_glyphs",
        _("There are no glyphs “%(stack)s” %(range)s: the basemap's fonts are %(fonts)s.")
        % {"stack": stack, "range": glyph_range, "fonts": ", ".join(glyphs.FONTS)},
    )

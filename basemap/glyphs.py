"""The map labels' font glyphs: signed-distance-field PBFs (the format MapLibre GL reads from the
style's `glyphs` URL), rendered from Debian's DejaVu fonts with FreeType (freetype-py) — Latin,
Cyrillic and the punctuation of Ukrainian names (’ « » № –) included.

`manage.py basemap_glyphs` writes every range the fonts cover at set-up time (scripts/setup.sh);
a range not written yet is rendered on its first request and kept (basemap/views.py). The layout
is the one MapLibre's own glyph tools write: 24 px glyphs with a 3 px border, the distance field
of radius 8 with the edge at 0.25 (the same constants as @mapbox/tiny-sdf, which MapLibre uses
for the glyphs it draws itself).
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

import freetype
import numpy as np
from django.conf import settings

SIZE = 24  # px: the size MapLibre expects
BUFFER = 3  # px of distance field around each glyph
RADIUS = 8.0
CUTOFF = 0.25
SUPERSAMPLE = 4  # the outline is rendered this much larger, then measured

# Font stacks the style names -> font files in MISTO_BASEMAP_FONT_DIR (Debian: fonts-dejavu-core).
FONTS = {"DejaVu Sans": "DejaVuSans.ttf"}
RANGE_SIZE = 256
MAX_CODE = 65535


class UnknownGlyphs(LookupError):
    """Not a font stack or range of this basemap."""


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number: int, wire: int) -> bytes:
    return _varint((number << 3) | wire)


def _uint(number: int, value: int) -> bytes:
    return _field(number, 0) + _varint(value)


def _sint(number: int, value: int) -> bytes:
    return _field(number, 0) + _varint((value << 1) ^ (value >> 63))


def _bytes(number: int, value: bytes) -> bytes:
    return _field(number, 2) + _varint(len(value)) + value


def _distance_field(face, code: int) -> tuple[bytes, dict] | None:
    """The glyph's SDF bitmap and metrics at SIZE px, or None when the font lacks it."""
    index = face.get_char_index(code)
    if index == 0:
        return None
    face.load_glyph(index, freetype.FT_LOAD_RENDER | freetype.FT_LOAD_NO_HINTING)
    slot = face.glyph
    advance = round(slot.advance.x / 64 / SUPERSAMPLE)
    bitmap = slot.bitmap
    if bitmap.width == 0 or bitmap.rows == 0:
        return b"", {"width": 0, "height": 0, "left": 0, "top": 0, "advance": advance}
    ink = np.array(bitmap.buffer, dtype=np.uint8).reshape(bitmap.rows, bitmap.pitch)[:, : bitmap.width] >= 128
    s = float(SUPERSAMPLE)
    left = math.floor(slot.bitmap_left / s)
    right = math.ceil((slot.bitmap_left + bitmap.width) / s)
    top = math.ceil(slot.bitmap_top / s)
    bottom = math.floor((slot.bitmap_top - bitmap.rows) / s)
    width, height = right - left, top - bottom
    # The edge: inked pixels with an uninked neighbour (their centres, in SIZE px units, y up).
    padded = np.pad(ink, 1)
    edge = ink & ~(padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:])
    rows, cols = np.nonzero(edge)
    ex = (slot.bitmap_left + cols + 0.5) / s
    ey = (slot.bitmap_top - rows - 0.5) / s
    # The centres of the output pixels, the border included.
    w, h = width + 2 * BUFFER, height + 2 * BUFFER
    px = left - BUFFER + np.arange(w) + 0.5
    py = top + BUFFER - np.arange(h) - 0.5
    gx, gy = np.meshgrid(px, py)
    d2 = (gx.ravel()[:, None] - ex[None, :]) ** 2 + (gy.ravel()[:, None] - ey[None, :]) ** 2
    distance = np.sqrt(d2.min(axis=1)) - 0.5 / s
    # Inside or outside: the hi-res pixel under each centre.
    c = np.floor(gx.ravel() * s - slot.bitmap_left).astype(int)
    r = np.floor(slot.bitmap_top - gy.ravel() * s).astype(int)
    within = (c >= 0) & (c < bitmap.width) & (r >= 0) & (r < bitmap.rows)
    inside = np.zeros(w * h, dtype=bool)
    inside[within] = ink[r[within], c[within]]
    signed = np.where(inside, -distance, distance)
    values = np.clip(np.round(255 - 255 * (signed / RADIUS + CUTOFF)), 0, 255).astype(np.uint8)
    ascender = round(face.size.ascender / 64 / SUPERSAMPLE)
    return values.tobytes(), {
        "width": width,
        "height": height,
        "left": left,
        "top": top - ascender,
        "advance": advance,
    }


def _face(stack: str):
    name = FONTS.get(stack)
    if name is None:
        raise UnknownGlyphs(stack)
    face = freetype.Face(str(Path(settings.MISTO_BASEMAP_FONT_DIR) / name))
    face.set_pixel_sizes(0, SIZE * SUPERSAMPLE)
    return face


def range_pbf(stack: str, start: int) -> bytes:
    """The glyphs of `stack` from `start` to start + 255 as one PBF (empty of glyphs where the font
    has none: MapLibre then draws nothing for those characters rather than failing)."""
    if start % RANGE_SIZE or not 0 <= start <= MAX_CODE:
        raise UnknownGlyphs(start)
    face = _face(stack)
    end = start + RANGE_SIZE - 1
    body = _bytes(1, stack.encode()) + _bytes(2, f"{start}-{end}".encode())
    for code in range(start, end + 1):
        found = _distance_field(face, code)
        if found is None:
            continue
        bitmap, m = found
        glyph = _uint(1, code)
        if bitmap:
            glyph += _bytes(2, bitmap)
        glyph += _uint(3, m["width"]) + _uint(4, m["height"]) + _sint(5, m["left"]) + _sint(6, m["top"])
        glyph += _uint(7, m["advance"])
        body += _bytes(3, glyph)
    return _bytes(1, body)


def glyph_path(stack: str, start: int) -> Path:
    return Path(settings.MISTO_BASEMAP_GLYPH_DIR) / stack / f"{start}-{start + RANGE_SIZE - 1}.pbf"


def glyphs(stack: str, start: int) -> bytes:
    """The range's PBF: the file written at set-up, else rendered now and written (atomically,
    so that processes rendering the same range at once never read half a file)."""
    if stack not in FONTS:
        raise UnknownGlyphs(stack)
    path = glyph_path(stack, start)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    data = range_pbf(stack, start)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(tmp, path)
    return data


def covered_ranges(stack: str) -> list[int]:
    """The starts of the ranges in which the font has at least one character."""
    face = _face(stack)
    starts = set()
    code, index = face.get_first_char()
    while index:
        if code <= MAX_CODE:
            starts.add(code - code % RANGE_SIZE)
        code, index = face.get_next_char(code, index)
    return sorted(starts)


# The ranges the city's labels are written in: Basic Latin (digits, punctuation; the English
# names), and on Ukrainian pages Cyrillic, general punctuation (— ’) and letterlike symbols (№ in
# the names of schools and clinics). Preloaded with the map's page, they are no longer fetched
# only once the first tiles have been laid out (tests/basemap: every label's letters are covered).
FIRST_VIEW_RANGES = {"uk": (0, 1024, 8192, 8448), "en": (0,)}


def first_view_glyphs(language: str) -> list[str]:
    """The addresses of the label glyphs of a first view in `language`, as MapLibre asks for them."""
    from django.urls import reverse

    from basemap.style import FONT

    stack = ",".join(FONT)
    return [
        reverse("basemap-fonts", args=[stack, f"{start}-{start + RANGE_SIZE - 1}"])
        for start in FIRST_VIEW_RANGES.get(language, (0,))
    ]

"""manage.py basemap_glyphs [--all]: render the basemap labels' font glyphs (SDF PBFs) into
MISTO_BASEMAP_GLYPH_DIR. By default the ranges of Ukrainian and English names (Latin, Cyrillic,
punctuation, №); --all every range the fonts cover. Other ranges are rendered on first use."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from basemap import glyphs

# Basic Latin + Latin-1, Latin Extended-A, Cyrillic, general punctuation (’ – «»), letterlike (№).
NAME_RANGES = (0, 256, 1024, 8192, 8448)


class Command(BaseCommand):
    help = "Render the basemap's label glyphs from the DejaVu fonts (done once at set-up)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="every range the fonts cover")
        parser.add_argument("--force", action="store_true", help="render again ranges already written")

    def handle(self, *args, **options):
        started = time.monotonic()
        written = 0
        for stack in glyphs.FONTS:
            starts = glyphs.covered_ranges(stack) if options["all"] else NAME_RANGES
            for start in starts:
                path = glyphs.glyph_path(stack, start)
                if path.exists() and not options["force"]:
                    continue
                if options["force"]:
                    path.unlink(missing_ok=True)
                glyphs.glyphs(stack, start)
                written += 1
        self.stdout.write(
            f"basemap glyphs: {written} ranges written to {glyphs.glyph_path('x', 0).parent.parent} "
            f"in {time.monotonic() - started:.1f} s."
        )

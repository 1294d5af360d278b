"""HTML and tile views of GIS layers: tiles.py (vector tiles), public.py (layer pages and
downloads), staff.py (layer settings, features, history), imports.py (upload, preview, apply),
editor.py (the map editor)."""

from gis_layers.views.tiles import layer_tile, private_tile, tile

__all__ = ["layer_tile", "private_tile", "tile"]

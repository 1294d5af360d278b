"""The admin's geometry widget over the hromada's boundary (the portal's own data, no tiles)."""

from __future__ import annotations

import json

from city.models import Municipality
from core.admin_widgets import AdminMapWidget


class HromadaMapWidget(AdminMapWidget):
    def outline(self) -> dict | None:
        hromada = Municipality.objects.only("boundary").first()
        if hromada is None:
            return None
        # Simplified (about 20 m) as the public map draws it: the outline only places the geometry.
        return json.loads(hromada.boundary.simplify(0.0002, preserve_topology=True).geojson)

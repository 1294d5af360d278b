"""The Django admin's geometry widget, working offline under the portal's strict CSP.

GeoDjango's OSMWidget loads OpenLayers from a CDN, draws OpenStreetMap tiles and starts with an
inline script (rendered without the request, so without the nonce). This widget keeps Django's
own editor (gis/js/OLMapWidget.js) but loads the vendored OpenLayers (static/vendor/ol, pinned in
package.json), writes its options as JSON (not executed, so CSP allows it) and is started by a
static script, js/admin_map_widget.js, which also titles the map's controls in the page's
language. Its base layer is no tile server: an app may outline its territory with the portal's
own vector data (outline()); the rest of the map stays blank.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.forms.widgets import OSMWidget
from django.utils.translation import gettext as _


class AdminMapWidget(OSMWidget):
    template_name = "core/admin_map_widget.html"
    default_lat, default_lon = settings.MISTO_MAP_CENTER
    default_zoom = settings.MISTO_MAP_ZOOM

    class Media:
        extend = False  # OSMWidget's media name the CDN
        css = {"all": ("vendor/ol/ol.css", "gis/css/ol3.css", "css/admin_map_widget.css")}
        js = ("vendor/ol/ol.js", "gis/js/OLMapWidget.js", "js/admin_map_widget.js")

    def outline(self) -> dict | None:
        """GeoJSON (EPSG:4326) drawn under the geometry as a light base; None draws none."""
        return None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["map_options_id"] = f"{context['id']}_map_options"
        context["map_options"] = {
            "id": context["id"],
            "map_id": f"{context['id']}_map",
            "name": context["name"],
            "geom_name": context["geom_type"],
            "map_srid": context["map_srid"],
            "default_lat": context["default_lat"],
            "default_lon": context["default_lon"],
            "default_zoom": context["default_zoom"],
            "outline": self.outline(),
            # OpenLayers titles its controls in English; these are the page's language.
            "labels": {
                "zoomIn": _("Zoom in"),
                "zoomOut": _("Zoom out"),
                "rotate": _("Reset rotation"),
                "attribution": _("Attributions"),
            },
        }
        return context

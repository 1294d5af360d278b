from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BasemapConfig(AppConfig):
    name = "basemap"
    verbose_name = _("Basemap")

    def ready(self):
        # The city's own basemap in the layer engine: its tile layer (/tiles/basemap/…), the
        # data versions of the city's tables it draws, and the OSM import of its areas.
        from basemap.osm import OSM_TARGET
        from basemap.tiles import BASEMAP_SOURCES, basemap_tile_layer
        from gis_layers import registry

        for source, tables in BASEMAP_SOURCES.items():
            registry.register_data_version_source(source, tables=tables)
        registry.register_tile_layer(basemap_tile_layer())
        registry.register_osm_target(OSM_TARGET)
        # The label glyphs of every first view, preloaded with the map's page (core/maps.py).
        from basemap.glyphs import first_view_glyphs
        from core.maps import basemap_preload_register

        basemap_preload_register(first_view_glyphs)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "facilities"
    verbose_name = _("Facilities")

    def ready(self):
        # The facilities' map data in the layer engine: tiles, OGC API, data version, OSM import.
        from facilities.ogcapi import facilities_collection
        from facilities.osm import OSM_TARGET
        from facilities.tiles import FACILITIES
        from gis_layers import registry

        registry.register_tile_layer(FACILITIES)
        registry.register_collection("facilities", facilities_collection)
        registry.register_data_version_source(
            "facilities", tables=["facilities_facility", "facilities_category"]
        )
        registry.register_osm_target(OSM_TARGET)

        from basemap.registry import register_basemap_layer
        from facilities.basemap import LANDMARKS

        register_basemap_layer(LANDMARKS)  # landmarks with their names on the city's basemap

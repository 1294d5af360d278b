from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingRegistryConfig(AppConfig):
    name = "housing_registry"
    verbose_name = _("Housing registry")

    def ready(self):
        # The buildings' public map data in the layer engine: tiles, OGC API, data version, OSM.
        from gis_layers import registry
        from housing_registry import checks  # noqa: F401  (registers the system checks)
        from housing_registry.ogcapi import buildings_collection
        from housing_registry.osm import OSM_TARGET
        from housing_registry.tiles import BUILDINGS

        registry.register_tile_layer(BUILDINGS)
        registry.register_collection("buildings", buildings_collection)
        registry.register_data_version_source("buildings", tables=["housing_registry_building"])
        registry.register_osm_target(OSM_TARGET)

        from basemap.registry import register_basemap_layer
        from housing_registry.basemap import BUILDINGS as BASEMAP_BUILDINGS
        from housing_registry.basemap import HOUSE_NUMBERS

        # Outlines and house numbers on the city's basemap.
        register_basemap_layer(BASEMAP_BUILDINGS)
        register_basemap_layer(HOUSE_NUMBERS)

        from city.addresses import HouseSource, house_source_register

        # The city's gazetteer finds houses by address in the buildings' table (street, number,
        # footprint only: the data sheets stay behind the registry's permissions).
        house_source_register(HouseSource("housing_registry.Building"))

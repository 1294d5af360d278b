from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingRegistryConfig(AppConfig):
    name = "housing_registry"
    verbose_name = _("Housing registry")

    def ready(self):
        from city.addresses import HouseSource, house_source_register
        from housing_registry import checks  # noqa: F401  (registers the system checks)

        # The city's gazetteer finds houses by address in the buildings' table (street, number,
        # footprint only: the data sheets stay behind the registry's permissions).
        house_source_register(HouseSource("housing_registry.Building"))

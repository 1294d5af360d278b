from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingRegistryConfig(AppConfig):
    name = "housing_registry"
    verbose_name = _("Housing registry")

    def ready(self):
        from housing_registry import checks  # noqa: F401  (registers the system checks)

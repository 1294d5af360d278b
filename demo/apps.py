from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo city: its deterministic generator (data/shapefiles/), its loader and the
    scale-test data. It sits above every domain app and nothing but the project imports it."""

    name = "demo"
    verbose_name = _("Demo city")

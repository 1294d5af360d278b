from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "coverage"
    verbose_name = _("Service coverage")

    def ready(self) -> None:
        # Facility changes (added, moved, closed) recompute only the coverage they affect.
        from coverage import signals  # noqa: F401
        from coverage.walking import walking_distances
        from facilities.nearest import walking_router_register

        # The directory's "nearest" measures on foot along this app's walking network.
        walking_router_register(walking_distances)

        from coverage.tiles import HOMES_SOURCE, HOMES_TABLES
        from gis_layers import registry

        # The analysts' map of homes reads tiles whose ETags carry this version (coverage/tiles.py).
        registry.register_data_version_source(HOMES_SOURCE, tables=HOMES_TABLES)

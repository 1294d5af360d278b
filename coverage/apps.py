from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "coverage"
    verbose_name = _("Service coverage")

    def ready(self) -> None:
        # Facility changes (added, moved, closed) recompute only the coverage they affect.
        from coverage import signals  # noqa: F401

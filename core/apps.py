from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The base floor: abstract models, the roles table, the map builder, the upload policy and
    the other pieces every app shares. It imports no app of the portal."""

    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from core import roles  # noqa: F401  (keeps the role groups in step after every migrate)

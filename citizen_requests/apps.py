from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizenRequestsConfig(AppConfig):
    name = "citizen_requests"
    verbose_name = _("Citizen requests")

    def ready(self) -> None:
        # The route's messages register their handlers with the notification hooks.
        from citizen_requests.services import route_messages, webhooks  # noqa: F401

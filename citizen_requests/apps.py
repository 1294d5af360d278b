from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizenRequestsConfig(AppConfig):
    name = "citizen_requests"
    verbose_name = _("Citizen requests")

    def ready(self) -> None:
        # The route's messages register their handlers with the notification hooks.
        from citizen_requests.open311.formats import open311_error
        from citizen_requests.services import route_messages, webhooks  # noqa: F401
        from core.bad_input import door_format_register

        door_format_register("/open311/", open311_error)

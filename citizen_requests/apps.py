from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizenRequestsConfig(AppConfig):
    name = "citizen_requests"
    verbose_name = _("Citizen requests")

    def ready(self) -> None:
        # Refusals under /open311/ (bad input, unknown addresses) answer in Open311's error list.
        from citizen_requests import checks  # noqa: F401  (registers the system checks)
        from citizen_requests.open311.formats import open311_error
        from core.bad_input import door_format_register

        door_format_register("/open311/", open311_error)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("City notices")

    def ready(self):
        # The notices on the map engine (OGC API collection, data version) and on the pages of
        # lower floors (facility page, building sheet, request form) through core.place_notes.
        from core import place_notes
        from gis_layers import registry
        from notices.ogcapi import notices_collection
        from notices.selectors import place_notes_for

        registry.register_collection("notices", notices_collection)
        registry.register_data_version_source("notices", tables=["notices_notice"])
        place_notes.place_notes_register(place_notes_for)
        place_notes.place_notes_url_register("notices:place")

from django.contrib.gis import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from city.admin_widgets import HromadaMapWidget
from facilities.models import Category, Facility
from facilities.services import facility_sync_opening_periods


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name_uk", "name_en", "slug", "parent", "colour", "is_public", "order")
    list_filter = ("parent", "is_public")
    search_fields = ("name_uk", "name_en", "slug")


@admin.register(Facility)
class FacilityAdmin(SimpleHistoryAdmin, admin.GISModelAdmin):
    """Staff edit facilities on a map; every change is in the history (who, when, what)."""

    gis_widget = HromadaMapWidget  # no CDN, no tiles, no inline script (CSP)

    list_display = ("name_uk", "category", "address", "district", "updated_at")
    list_filter = ("category__parent", "category", "district")
    search_fields = ("name_uk", "name_en", "address", "source_id")
    list_select_related = ("category", "district")
    readonly_fields = ("source_id", "created_at", "updated_at")
    history_list_display = ["name_uk", "address", "opening_hours"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        if not obj.source_id:
            obj.source_id = f"staff-{request.user.pk}-{obj.name_uk[:40]}-{obj.location.wkt[:40]}"
        super().save_model(request, obj, form, change)
        facility_sync_opening_periods(facilities=[obj])

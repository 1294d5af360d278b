from django.contrib.gis import admin

from housing_registry.models import Building


@admin.register(Building)
class BuildingAdmin(admin.GISModelAdmin):
    list_display = ("address", "district", "floors", "apartments", "year_built", "management_form")
    list_filter = ("district", "management_form", "wall_material", "floors")
    search_fields = ("address", "condominium_name", "source_id")
    list_select_related = ("district",)
    readonly_fields = ("source_id", "version", "created_at", "updated_at")

from django.contrib.gis import admin

from facilities.models import Category, Facility


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name_uk", "name_en", "slug", "parent", "colour", "is_public", "order")
    list_filter = ("parent", "is_public")
    search_fields = ("name_uk", "name_en", "slug")


@admin.register(Facility)
class FacilityAdmin(admin.GISModelAdmin):
    list_display = ("name_uk", "category", "address", "district", "updated_at")
    list_filter = ("category__parent", "category", "district")
    search_fields = ("name_uk", "name_en", "address", "source_id")
    list_select_related = ("category", "district")
    readonly_fields = ("source_id", "created_at", "updated_at")

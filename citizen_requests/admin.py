from django.contrib.gis import admin

from citizen_requests.models import Service, ServiceArea


class ServiceAreaInline(admin.TabularInline):
    model = ServiceArea
    fields = ("name_uk", "kind", "source_id")
    extra = 0
    show_change_link = True


@admin.register(Service)
class ServiceAdmin(admin.GISModelAdmin):
    list_display = ("name_uk", "kind", "phone", "email")
    list_filter = ("kind",)
    search_fields = ("name_uk", "name_en")
    inlines = [ServiceAreaInline]


@admin.register(ServiceArea)
class ServiceAreaAdmin(admin.GISModelAdmin):
    list_display = ("name_uk", "kind", "service")
    list_filter = ("kind", "service")
    list_select_related = ("service",)

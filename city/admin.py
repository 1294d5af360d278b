from django.contrib.gis import admin

from city.admin_widgets import HromadaMapWidget
from city.models import Barrier, District, Municipality, Street, StreetSegment


@admin.register(Municipality)
class MunicipalityAdmin(admin.GISModelAdmin):
    gis_widget = HromadaMapWidget  # no CDN, no tiles, no inline script (CSP)
    list_display = ("name_uk", "katotth", "source_id")


@admin.register(District)
class DistrictAdmin(admin.GISModelAdmin):
    gis_widget = HromadaMapWidget  # no CDN, no tiles, no inline script (CSP)
    list_display = ("name_uk", "name_en", "source_id")
    search_fields = ("name_uk", "name_en")


class StreetSegmentInline(admin.TabularInline):
    model = StreetSegment
    fields = ("source_id", "road_class", "is_bridge", "is_crossing")
    extra = 0


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    list_display = ("name_uk", "name_en", "kind")
    list_filter = ("kind",)
    search_fields = ("name_uk", "name_en")
    inlines = [StreetSegmentInline]


@admin.register(StreetSegment)
class StreetSegmentAdmin(admin.GISModelAdmin):
    gis_widget = HromadaMapWidget  # no CDN, no tiles, no inline script (CSP)
    list_display = ("source_id", "street", "road_class", "is_bridge", "is_crossing")
    list_filter = ("road_class", "is_bridge", "is_crossing")
    list_select_related = ("street",)


@admin.register(Barrier)
class BarrierAdmin(admin.GISModelAdmin):
    gis_widget = HromadaMapWidget  # no CDN, no tiles, no inline script (CSP)
    list_display = ("name_uk", "kind")

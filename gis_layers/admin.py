"""GIS layers in the Django admin: with history (who, when, what) and soft deletion only.

Schemas and styles are edited on /staff/layers/<slug>/settings/ (forms, checked against the
features), so the admin shows them read-only; features are validated against their layer."""

from django.contrib import admin as django_admin
from django.contrib.gis import admin
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from gis_layers.models import Feature, ImportJob, Layer


@admin.register(Layer)
class LayerAdmin(SimpleHistoryAdmin):
    list_display = ("title_uk", "slug", "geometry_type", "visibility", "order", "updated_at", "deleted_at")
    list_filter = ("geometry_type", "visibility")
    search_fields = ("title_uk", "title_en", "slug")
    readonly_fields = ("slug", "schema", "style", "settings_page", "created_at", "updated_at", "deleted_at")
    exclude = ("created_by", "updated_by", "deleted_by")
    filter_horizontal = ("editors",)

    @django_admin.display(description=_("fields and style"))
    def settings_page(self, obj):
        return format_html(
            '<a href="/staff/layers/{}/settings/">{}</a>', obj.slug, _("Edit on the layer's settings page")
        )

    def has_delete_permission(self, request, obj=None):
        return False  # layers are deleted softly on their settings page, and can be restored


@django_admin.action(description=_("Delete the selected features (they can be restored)"))
def soft_delete(modeladmin, request, queryset):
    for feature in queryset.filter(deleted_at=None):
        feature.deleted_at, feature.deleted_by = timezone.now(), request.user
        feature.version += 1
        feature._history_user = request.user
        feature._change_reason = "deleted (admin)"
        feature.save()


@admin.register(Feature)
class FeatureAdmin(SimpleHistoryAdmin, admin.GISModelAdmin):
    list_display = ("id", "__str__", "layer", "version", "updated_at", "deleted_at")
    list_filter = ("layer", ("deleted_at", django_admin.EmptyFieldListFilter))
    search_fields = ("source_id",)
    list_select_related = ("layer",)
    readonly_fields = ("version", "created_at", "updated_at", "deleted_at")
    exclude = ("created_by", "updated_by", "deleted_by")
    actions = [soft_delete]

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportJob)
class ImportJobAdmin(django_admin.ModelAdmin):
    list_display = ("original_name", "layer", "status", "created_by", "created_at")
    list_filter = ("status", "layer")
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

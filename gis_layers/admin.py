"""GIS layers in the Django admin: with history (who, when, what) and soft deletion only.

Schemas and styles are edited on /staff/layers/<slug>/settings/ (forms, checked against the
features), so the admin shows them read-only; features are validated against their layer.
Who sees and edits what is decided by gis_layers/permissions.py, as on the pages and the API:
a feature is changed only on a layer its editor is granted, moved only between two such
layers, and saved only on top of the version the editor opened (the API's optimistic lock).
"""

from django import forms
from django.contrib import admin as django_admin
from django.contrib.gis import admin
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from city.admin_widgets import HromadaMapWidget
from core.admin_base import ReadOnlyHistoryAdmin, VersionLockedAdmin, VersionLockedForm, stale_message
from gis_layers import permissions
from gis_layers.exceptions import StaleFeature
from gis_layers.models import Feature, ImportJob, Layer
from gis_layers.services.features import feature_lock


@admin.register(Layer)
class LayerAdmin(ReadOnlyHistoryAdmin):
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

    def get_queryset(self, request):
        return super().get_queryset(request).filter(permissions.admin_layers_q(request.user))

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or permissions.can_see_in_admin(request.user, obj))

    def has_add_permission(self, request):
        return permissions.can_create_layer(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.can_manage_layers(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # layers are deleted softly on their settings page, and can be restored


@django_admin.action(description=_("Delete the selected features (they can be restored)"))
def soft_delete(modeladmin, request, queryset):
    editable = Layer.objects.filter(permissions.editable_layers_q(request.user))
    for feature in queryset.filter(deleted_at=None, layer__in=editable):
        feature.deleted_at, feature.deleted_by = timezone.now(), request.user
        feature.version += 1
        feature._history_user = request.user
        feature._change_reason = "deleted (admin)"
        feature.save()


class FeatureAdminForm(VersionLockedForm):
    class Meta:
        model = Feature
        fields = ("layer", "geometry", "properties", "source_id")

    def clean_properties(self):
        # The schema check (Feature.clean) reads an object; anything else is refused here.
        value = self.cleaned_data.get("properties")
        if not isinstance(value, dict):
            raise forms.ValidationError(
                gettext("The properties must be an object of field names and values.")
            )
        return value

    def lock_current(self, base: int) -> Feature:
        try:
            return feature_lock(self.instance, base)  # the API's lock
        except StaleFeature as exc:
            raise forms.ValidationError(stale_message(base, exc.feature.version)) from None

    def clean(self):
        cleaned = super().clean()
        new_layer = cleaned.get("layer")
        if self.locked is not None and new_layer is not None and new_layer.pk != self.locked.layer_id:
            if not permissions.can_move_feature(self.user, self.locked.layer, new_layer):
                self.add_error(
                    "layer", gettext("You may move a feature only between layers whose features you edit.")
                )
        return cleaned


@admin.register(Feature)
class FeatureAdmin(VersionLockedAdmin, ReadOnlyHistoryAdmin, admin.GISModelAdmin):
    gis_widget = HromadaMapWidget  # no CDN, no tiles, no inline script (CSP)
    form = FeatureAdminForm
    list_display = ("id", "__str__", "layer", "version", "updated_at", "deleted_at")
    # The layer filter offers only the layers of the features listed (no staff-only names).
    list_filter = (
        ("layer", django_admin.RelatedOnlyFieldListFilter),
        ("deleted_at", django_admin.EmptyFieldListFilter),
    )
    search_fields = ("source_id",)
    list_select_related = ("layer",)
    readonly_fields = ("version", "created_at", "updated_at", "deleted_at")
    actions = [soft_delete]

    def get_queryset(self, request):
        layers = Layer.objects.filter(permissions.admin_layers_q(request.user))
        return super().get_queryset(request).filter(layer__in=layers)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "layer":
            # Only the layers whose features this user edits are offered.
            kwargs["queryset"] = Layer.objects.filter(permissions.editable_layers_q(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or permissions.can_see_in_admin(request.user, obj.layer))

    def has_add_permission(self, request):
        return (
            super().has_add_permission(request)
            and Layer.objects.filter(permissions.editable_layers_q(request.user)).exists()
        )

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or permissions.can_edit_features(request.user, obj.layer))

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ImportJob)
class ImportJobAdmin(django_admin.ModelAdmin):
    list_display = ("original_name", "layer", "status", "created_by", "created_at")
    list_filter = ("status", ("layer", django_admin.RelatedOnlyFieldListFilter))
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(permissions.import_jobs_q(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

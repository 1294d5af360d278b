"""The Django admin for the registry, bound by housing_registry/permissions.py like its pages:
only registry staff see it; a sheet's fields are editable only in the sections the user's
organisation answers for, and a save is taken only on top of the version the form was opened
at (the sheet form's optimistic lock). Documents are added and works logged on the registry's
pages (upload checks, section rights); here they are read, and superusers may correct them."""

from django.contrib.gis import admin
from django.utils.translation import gettext_lazy as _

from city.admin_widgets import HromadaMapWidget
from core.admin_base import ReadOnlyHistoryAdmin, VersionLockedAdmin, VersionLockedForm
from housing_registry import permissions
from housing_registry.models import (
    Building,
    BuildingDocument,
    Contractor,
    ResponsibleOrganisation,
    WorkRecord,
)
from housing_registry.sections import SECTION_BY_SLUG


class RegistryAdminMixin:
    """Nothing of the registry for those outside it (can_view_registry), whatever model rights
    they hold."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if permissions.can_view_registry(request.user) else queryset.none()

    def has_module_permission(self, request):
        return permissions.can_view_registry(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return permissions.can_view_registry(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return permissions.can_view_registry(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return permissions.can_view_registry(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return permissions.can_view_registry(request.user) and super().has_delete_permission(request, obj)


class BuildingAdminForm(VersionLockedForm):
    class Meta:
        model = Building
        fields = "__all__"


@admin.register(Building)
class BuildingAdmin(RegistryAdminMixin, VersionLockedAdmin, ReadOnlyHistoryAdmin, admin.GISModelAdmin):
    gis_widget = HromadaMapWidget  # no CDN, no tiles, no inline script (CSP)
    form = BuildingAdminForm
    list_display = (
        "address",
        "district",
        "floors",
        "apartments",
        "year_built",
        "management_form",
        "technical_state",
    )
    list_filter = ("district", "management_form", "technical_state", "wall_material", "floors")
    search_fields = ("address", "condominium_name", "source_id", "registry_number", "cadastral_number")
    list_select_related = ("district",)
    readonly_fields = ("source_id", "version", "created_at", "updated_at")

    def get_readonly_fields(self, request, obj=None):
        base = tuple(self.readonly_fields)
        if request.user.is_superuser:
            return base
        # Fields outside the user's sections (and those of no section: address, footprint)
        # are read-only, as on the sheet's page.
        editable = permissions.editable_sheet_fields(request.user)
        others = [
            f.name
            for f in Building._meta.get_fields()
            if getattr(f, "editable", False)
            and f.concrete
            and not f.primary_key
            and f.name not in editable
            and f.name not in base
        ]
        return (*base, *others)

    def has_add_permission(self, request):
        return request.user.is_superuser  # buildings come from the registry's imports

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and bool(
            permissions.editable_sections(request.user)
        )

    def save_model(self, request, obj, form, change):
        obj._change_reason = "admin"
        super().save_model(request, obj, form, change)


class WorkRecordAdminForm(VersionLockedForm):
    class Meta:
        model = WorkRecord
        fields = "__all__"


@admin.register(WorkRecord)
class WorkRecordAdmin(RegistryAdminMixin, VersionLockedAdmin, ReadOnlyHistoryAdmin):
    form = WorkRecordAdminForm
    list_display = ("title", "building", "kind", "status", "planned_date", "done_date", "cost")
    list_filter = ("status", "kind", "system")
    search_fields = ("title", "building__address")
    raw_id_fields = ("building",)
    readonly_fields = ("version", "created_at", "updated_at", "source_id")

    def has_add_permission(self, request):
        return request.user.is_superuser  # works are logged on the sheet (section rights)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Contractor)
class ContractorAdmin(RegistryAdminMixin, admin.ModelAdmin):
    list_display = ("name", "edrpou", "phone", "email")
    search_fields = ("name", "edrpou")


@admin.register(ResponsibleOrganisation)
class ResponsibleOrganisationAdmin(RegistryAdminMixin, admin.ModelAdmin):
    list_display = ("service", "section_titles")
    filter_horizontal = ("members",)

    @admin.display(description=_("sections"))
    def section_titles(self, obj) -> str:
        """The sheet's sections by their titles in the page's language, not their keys."""
        return ", ".join(str(SECTION_BY_SLUG[s].title) for s in obj.sections if s in SECTION_BY_SLUG)


@admin.register(BuildingDocument)
class BuildingDocumentAdmin(RegistryAdminMixin, admin.ModelAdmin):
    list_display = ("title", "building", "kind", "uploaded_by", "uploaded_at")
    raw_id_fields = ("building",)

    def has_add_permission(self, request):
        return request.user.is_superuser  # uploaded on the sheet, through the upload checks

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser  # removed on the sheet (its history records who)

"""The Django admin for the registry. Sheets are edited through the registry's own pages
(section rights, optimistic locking, history); here staff read them, and superusers may
correct anything, which is still recorded in the history with a new version."""

from django.contrib.gis import admin
from simple_history.admin import SimpleHistoryAdmin

from housing_registry.models import (
    Building,
    BuildingDocument,
    Contractor,
    ResponsibleOrganisation,
    WorkRecord,
)


@admin.register(Building)
class BuildingAdmin(SimpleHistoryAdmin, admin.GISModelAdmin):
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

    def has_change_permission(self, request, obj=None):
        # Section rights and optimistic locking live in the registry's pages (/registry/).
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        obj._change_reason = "admin"
        super().save_model(request, obj, form, change)


@admin.register(WorkRecord)
class WorkRecordAdmin(SimpleHistoryAdmin):
    list_display = ("title", "building", "kind", "status", "planned_date", "done_date", "cost")
    list_filter = ("status", "kind", "system")
    search_fields = ("title", "building__address")
    raw_id_fields = ("building",)
    readonly_fields = ("version", "created_at", "updated_at", "source_id")

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Contractor)
class ContractorAdmin(admin.ModelAdmin):
    list_display = ("name", "edrpou", "phone", "email")
    search_fields = ("name", "edrpou")


@admin.register(ResponsibleOrganisation)
class ResponsibleOrganisationAdmin(admin.ModelAdmin):
    list_display = ("service", "sections")
    filter_horizontal = ("members",)


@admin.register(BuildingDocument)
class BuildingDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "building", "kind", "uploaded_by", "uploaded_at")
    raw_id_fields = ("building",)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

"""JSON of the registry for staff tools (DRF)."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from housing_registry.models import Building, BuildingDocument, WorkRecord
from housing_registry.sections import SHEET_FIELDS


class BuildingListSerializer(serializers.ModelSerializer):
    district = serializers.CharField(source="district.name_uk", default=None, read_only=True)
    heating_provider = serializers.CharField(
        source="heating_provider.name_uk", default=None, allow_null=True, read_only=True
    )
    sheet_url = serializers.SerializerMethodField()

    class Meta:
        model = Building
        fields = (
            "id",
            "address",
            "district",
            "registry_number",
            "year_built",
            "floors",
            "entrances",
            "apartments",
            "wall_material",
            "technical_state",
            "management_form",
            "heating_type",
            "heating_provider",
            "version",
            "sheet_url",
        )

    def get_sheet_url(self, obj) -> str:
        return reverse("housing_registry:sheet", args=[obj.pk])


class DocumentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = BuildingDocument
        fields = ("id", "kind", "title", "size", "uploaded_at", "url")

    def get_url(self, obj) -> str:
        return reverse("housing_registry:document", args=[obj.pk])


class BuildingSheetSerializer(serializers.ModelSerializer):
    """The whole sheet: every section's fields (unknown is null, never zero)."""

    district = serializers.CharField(source="district.name_uk", default=None, read_only=True)
    heating_provider = serializers.CharField(
        source="heating_provider.name_uk", default=None, allow_null=True, read_only=True
    )
    managing_company = serializers.CharField(source="managing_company.name_uk", default=None, read_only=True)
    documents = DocumentSerializer(many=True, read_only=True)

    class Meta:
        model = Building
        fields = ("id", "address", "house_number", *SHEET_FIELDS, "documents", "version", "updated_at")


class WorkRecordSerializer(serializers.ModelSerializer):
    building = serializers.CharField(source="building.address", read_only=True)
    building_id = serializers.IntegerField(read_only=True)
    contractor = serializers.CharField(
        source="contractor.name", default=None, allow_null=True, read_only=True
    )
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = WorkRecord
        fields = (
            "id",
            "building_id",
            "building",
            "entrance",
            "system",
            "kind",
            "title",
            "planned_date",
            "done_date",
            "contractor",
            "status",
            "cost",
            "overdue",
            "version",
        )

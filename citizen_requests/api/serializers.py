"""The shapes of the requests API's GeoJSON for its OpenAPI document (djangorestframework-gis).
PostgreSQL builds the documents themselves: selectors.geojson.map_geojson / request_feature."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from citizen_requests.models import Request


class RequestMapSerializer(GeoFeatureModelSerializer):
    """What a marker and its popup need. No applicant, no text: the page has the rest."""

    location = GeometryField(precision=6)
    category = serializers.CharField(source="category.slug", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    icon = serializers.CharField(source="category.icon", read_only=True)
    colour = serializers.CharField(source="category.group.colour", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    url = serializers.CharField(read_only=True)

    class Meta:
        model = Request
        geo_field = "location"
        id_field = "number"
        fields = ("number", "category", "category_name", "icon", "colour", "status", "status_label",
                  "visibility", "submitted_at", "address", "url")  # fmt: skip


class RequestDetailSerializer(RequestMapSerializer):
    """One request: the published text (the original only for those who may see it)."""

    text = serializers.CharField(
        read_only=True, help_text="The published text (the original for those who may see it)."
    )
    service = serializers.CharField(source="service.name", read_only=True, default=None)
    district = serializers.CharField(source="district.name", read_only=True, default=None)
    explanation = serializers.CharField(read_only=True)

    class Meta(RequestMapSerializer.Meta):
        fields = (*RequestMapSerializer.Meta.fields, "text", "service", "district", "deadline", "status_notes",
                  "explanation", "updated_at")  # fmt: skip

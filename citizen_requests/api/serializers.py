"""GeoJSON of requests (djangorestframework-gis): the public map and list data."""

from __future__ import annotations

from django.urls import reverse
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
    url = serializers.SerializerMethodField()

    class Meta:
        model = Request
        geo_field = "location"
        id_field = "number"
        fields = ("number", "category", "category_name", "icon", "colour", "status", "status_label",
                  "visibility", "submitted_at", "address", "url")  # fmt: skip

    def get_url(self, obj: Request) -> str:
        return reverse("citizen_requests:detail", args=[obj.number])


class RequestDetailSerializer(RequestMapSerializer):
    """One request: the published text (the original only for those who may see it)."""

    text = serializers.SerializerMethodField()
    service = serializers.CharField(source="service.name", read_only=True, default=None)
    district = serializers.CharField(source="district.name", read_only=True, default=None)
    explanation = serializers.CharField(read_only=True)

    class Meta(RequestMapSerializer.Meta):
        fields = (*RequestMapSerializer.Meta.fields, "text", "service", "district", "deadline", "status_notes",
                  "explanation", "updated_at")  # fmt: skip

    def get_text(self, obj: Request) -> str:
        return obj.text if self.context.get("personal") else obj.text_public

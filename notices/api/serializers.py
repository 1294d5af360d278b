"""What /api/v1/notices/ answers, for the OpenAPI document (the body itself is built by
PostgreSQL, notices/api/views.py)."""

from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from notices.models import Notice


class NoticeFeatureSerializer(GeoFeatureModelSerializer):
    url = serializers.CharField(help_text="The notice's page.")
    cap = serializers.CharField(help_text="The notice as a CAP 1.2 alert.")
    service = serializers.CharField(help_text="The responsible service.")
    state = serializers.ChoiceField(choices=["active", "planned"], help_text="In effect now, or planned.")

    class Meta:
        model = Notice
        geo_field = "area"
        fields = (
            "kind", "nature", "state", "title_uk", "title_en", "text_uk", "text_en", "starts_at", "ends_at",
            "service", "phone", "url", "cap",
        )  # fmt: skip

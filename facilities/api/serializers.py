"""GeoJSON of facilities (djangorestframework-gis)."""

from rest_framework import serializers
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from facilities.models import Facility


class FacilityMapSerializer(GeoFeatureModelSerializer):
    """What a map marker and its popup need, in the visitor's language."""

    location = GeometryField(precision=6)
    name = serializers.CharField(read_only=True)
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Facility
        geo_field = "location"
        fields = ("id", "name", "category", "address", "phones", "opening_hours")

"""Coverage figures as JSON and GeoJSON (djangorestframework-gis). Public: aggregates only."""

from rest_framework import serializers

from coverage.models import CoverageSummary, ServiceType


class SummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = CoverageSummary
        fields = (
            "buildings", "population", "unknown_population_buildings", "buildings_within",
            "population_within", "share_within", "median_m", "p90_m", "unreachable_buildings",
            "unreachable_population", "unconnected_buildings", "unconnected_population", "classes",
            "computed_at",
        )  # fmt: skip


class ServiceTypeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    categories = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    walking_speed_kmh = serializers.FloatField()
    class_bounds_m = serializers.ListField(source="class_bounds", child=serializers.FloatField())

    class Meta:
        model = ServiceType
        fields = ("slug", "name", "name_uk", "name_en", "categories", "threshold_m", "walking_speed_kmh",
                  "class_bounds_m")  # fmt: skip

"""Facility serializers (djangorestframework-gis GeoJSON)."""

from rest_framework import serializers
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from facilities.models import Category, Facility


class CategoryRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    group = serializers.SlugRelatedField(source="parent", slug_field="slug", read_only=True)

    class Meta:
        model = Category
        fields = ("slug", "name", "group", "icon", "colour")


class CategoryTreeSerializer(serializers.ModelSerializer):
    """A group with its public categories and how many facilities each has."""

    name = serializers.CharField(read_only=True)
    categories = serializers.SerializerMethodField()

    class Meta:
        model = Category
        fields = ("slug", "name", "name_uk", "name_en", "icon", "colour", "categories")

    def get_categories(self, group) -> list[dict]:
        return [
            {
                "slug": leaf.slug,
                "name": leaf.name,
                "name_uk": leaf.name_uk,
                "name_en": leaf.name_en,
                "icon": leaf.icon,
                "colour": leaf.colour,
                "facility_count": leaf.facility_count,
            }
            for leaf in group.leaves
        ]


class FacilityListFeatureSerializer(GeoFeatureModelSerializer):
    """The shape of one feature of /api/v1/facilities/ (built by PostgreSQL; see views)."""

    location = GeometryField(precision=6)
    name = serializers.CharField()
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    open_now = serializers.BooleanField(allow_null=True, help_text="null: the hours are not known.")
    url = serializers.CharField()
    distance_m = serializers.FloatField(
        required=False, help_text="Only with lat/lon: metres on the spheroid."
    )

    class Meta:
        model = Facility
        geo_field = "location"
        fields = (
            "id",
            "name",
            "category",
            "address",
            "phones",
            "opening_hours",
            "open_now",
            "url",
            "distance_m",
        )


class OpeningPeriodSerializer(serializers.Serializer):
    weekday = serializers.ChoiceField(choices=["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"])
    opens = serializers.CharField(help_text="HH:MM")
    closes = serializers.CharField(help_text="HH:MM (24:00 and later: past midnight)")
    months = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=12))


class FacilityDetailSerializer(GeoFeatureModelSerializer):
    """The shape of /api/v1/facilities/<id>/ (built by PostgreSQL: facilities.sql.facility_feature)."""

    location = GeometryField(precision=7)
    name = serializers.CharField(read_only=True)
    category = CategoryRefSerializer(read_only=True)
    district = serializers.CharField(allow_null=True)
    address = serializers.CharField(
        help_text="In the language asked for (?lang=en names the street in English, as the district)."
    )
    opening_hours_text = serializers.CharField(
        help_text="The opening hours for people, in the language asked for (?lang=uk|en)."
    )
    opening_periods = OpeningPeriodSerializer(many=True)
    open_now = serializers.BooleanField(allow_null=True, help_text="null: the hours are not known.")
    photo = serializers.CharField(allow_null=True, help_text="Absolute URL of the photo.")
    url = serializers.CharField(help_text="The facility's page on the portal.")

    class Meta:
        model = Facility
        geo_field = "location"
        fields = (
            "id", "name", "name_uk", "name_en", "category", "address", "district", "phones", "email", "website",
            "opening_hours", "opening_hours_text", "opening_periods", "open_now", "operator", "description", "accessibility", "photo",
            "source_id", "data_source", "updated_at", "url",
        )  # fmt: skip

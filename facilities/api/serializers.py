"""Facility serializers (djangorestframework-gis GeoJSON)."""

from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from city.address_language import address_in_language
from facilities import opening_hours
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


class FacilityMapSerializer(GeoFeatureModelSerializer):
    """A facility as a marker and its popup need it (used where a few hundred are listed)."""

    location = GeometryField(precision=6)
    name = serializers.CharField(read_only=True)
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Facility
        geo_field = "location"
        fields = ("id", "name", "category", "address", "phones", "opening_hours")


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


class FacilityDetailSerializer(GeoFeatureModelSerializer):
    location = GeometryField(precision=7)
    name = serializers.CharField(read_only=True)
    category = CategoryRefSerializer(read_only=True)
    district = serializers.CharField(source="district.name", default=None, read_only=True)
    address = serializers.SerializerMethodField(
        help_text="In the language asked for (?lang=en names the street in English, as the district)."
    )
    opening_hours_text = serializers.SerializerMethodField(
        help_text="The opening hours for people, in the language asked for (?lang=uk|en)."
    )
    opening_periods = serializers.SerializerMethodField()
    open_now = serializers.SerializerMethodField()
    photo = serializers.ImageField(read_only=True)
    url = serializers.SerializerMethodField(help_text="The facility's page on the portal.")

    class Meta:
        model = Facility
        geo_field = "location"
        fields = (
            "id", "name", "name_uk", "name_en", "category", "address", "district", "phones", "email", "website",
            "opening_hours", "opening_hours_text", "opening_periods", "open_now", "operator", "description", "accessibility", "photo",
            "source_id", "data_source", "updated_at", "url",
        )  # fmt: skip

    def get_address(self, facility) -> str:
        return address_in_language(facility.address)

    def get_opening_hours_text(self, facility) -> str:
        return opening_hours.display(facility.opening_hours)

    def get_url(self, facility) -> str:
        return reverse("facility", args=[facility.pk])

    def _periods(self, facility):
        return [
            opening_hours.Period(p.weekday, p.opens, p.closes, tuple(p.months))
            for p in facility.opening_periods.all()
        ]

    def get_opening_periods(self, facility) -> list[dict]:
        return [
            {
                "weekday": opening_hours.DAYS[p.weekday],
                "opens": f"{p.opens // 60:02d}:{p.opens % 60:02d}",
                "closes": f"{p.closes // 60:02d}:{p.closes % 60:02d}",
                "months": list(p.months),
            }
            for p in self._periods(facility)
        ]

    def get_open_now(self, facility) -> bool | None:
        if not facility.opening_hours:
            return None
        return opening_hours.is_open(self._periods(facility), timezone.localtime())

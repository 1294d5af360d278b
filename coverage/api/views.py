"""The coverage API: public aggregates for everyone, per-building GeoJSON for analysts (QGIS)."""

import json

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.views.decorators.gzip import gzip_page
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from coverage import selectors
from coverage.api.serializers import ServiceTypeSerializer, SummarySerializer
from coverage.models import CoverageRun
from coverage.permissions import REFUSALS, can
from coverage.services import CoverageError, service_type_get
from facilities.filters import InvalidParameter, page_params
from facilities.sql import facilities_collection

GEOJSON = "application/geo+json"


class CanAnalyse(BasePermission):
    message = str(REFUSALS["analyse"])

    def has_permission(self, request, view):
        return can(request.user, "analyse")


def _service_type(request, slug):
    """Public callers see public types; an unknown slug is a 404 with the known ones named."""
    try:
        return service_type_get(slug=slug, public_only=not can(request.user, "analyse"))
    except CoverageError as exc:
        raise NotFound(exc.message) from exc


class ServiceTypeList(APIView):
    """Every public service type with its city figures."""

    # Named apart from the detail view's operation (drf-spectacular would number both).
    @extend_schema(
        operation_id="api_v1_coverage_service_types_list", responses=ServiceTypeSerializer(many=True)
    )
    def get(self, request):
        payload = []
        for service_type in selectors.service_types_for(public_only=True).prefetch_related("categories"):
            summary = selectors.city_summary(service_type)
            payload.append(
                {
                    **ServiceTypeSerializer(service_type).data,
                    "city": SummarySerializer(summary).data if summary else None,
                }
            )
        return Response(payload)


@extend_schema(responses=ServiceTypeSerializer)  # the schema cannot guess an APIView's answer
class ServiceTypeDetail(APIView):
    """City and district figures of one service type (aggregates only)."""

    def get(self, request, slug):
        service_type = _service_type(request, slug)
        summary = selectors.city_summary(service_type)
        return Response(
            {
                **ServiceTypeSerializer(service_type).data,
                "facilities": selectors.facility_count(service_type),
                "city": SummarySerializer(summary).data if summary else None,
                "districts": [
                    {
                        "district": row.district.name,
                        "district_id": row.district.pk,
                        **SummarySerializer(row.summary).data,
                    }
                    for row in selectors.district_summaries(service_type)
                ],
                "legend": [vars(row) for row in selectors.legend(service_type, summary)],
            }
        )


@method_decorator(gzip_page, name="dispatch")
@extend_schema(responses=OpenApiTypes.OBJECT)  # the schema cannot guess an APIView's answer
class HexagonList(APIView):
    """GeoJSON hexagons coloured by walking distance class: what the public map draws."""

    @extend_schema(responses={(200, GEOJSON): OpenApiTypes.OBJECT})
    def get(self, request, slug):
        service_type = _service_type(request, slug)
        return HttpResponse(selectors.hexagons_geojson(service_type), content_type="application/geo+json")


@method_decorator(gzip_page, name="dispatch")
@extend_schema(responses=OpenApiTypes.OBJECT)  # the schema cannot guess an APIView's answer
class FacilityList(APIView):
    """GeoJSON of the public facilities of a service type."""

    @extend_schema(responses={(200, GEOJSON): OpenApiTypes.OBJECT})
    def get(self, request, slug):
        service_type = _service_type(request, slug)
        body = facilities_collection(
            selectors.facilities_of_type_public(service_type),
            english=(get_language() or "uk").startswith("en"),
        )
        return HttpResponse(body, content_type=GEOJSON)


DEFAULT_PAGE_SIZE = 1000
MAX_PAGE_SIZE = 10000
PAGE_PARAMETERS = [
    OpenApiParameter("page", OpenApiTypes.INT, description="Page number, from 1."),
    OpenApiParameter(
        "page_size",
        OpenApiTypes.INT,
        description=f"Homes per page (1–{MAX_PAGE_SIZE}, default {DEFAULT_PAGE_SIZE}), by building id.",
    ),
]


@method_decorator(gzip_page, name="dispatch")
@extend_schema(responses=OpenApiTypes.OBJECT)  # the schema cannot guess an APIView's answer
class BuildingList(APIView):
    """Per-building results as GeoJSON (analysts only): nearest facility, metres, minutes — a
    page at a time (`count`, `next`), for QGIS and scripts; the analysts' map reads vector
    tiles (/coverage/staff/tiles/{z}/{x}/{y}.mvt?type=<slug>)."""

    permission_classes = [CanAnalyse]

    @extend_schema(parameters=PAGE_PARAMETERS, responses={(200, GEOJSON): OpenApiTypes.OBJECT})
    def get(self, request, slug):
        service_type = _service_type(request, slug)
        try:
            page, page_size = page_params(
                request.query_params, default_size=DEFAULT_PAGE_SIZE, max_size=MAX_PAGE_SIZE
            )
        except InvalidParameter as exc:
            return Response(exc.as_dict(), status=400)
        count, features = selectors.buildings_geojson(
            service_type, limit=page_size, offset=(page - 1) * page_size
        )
        next_link = self._link(request, page + 1) if page * page_size < count else None
        previous_link = self._link(request, page - 1) if page > 1 else None
        body = (
            f'{{"type":"FeatureCollection","count":{count},"page":{page},"page_size":{page_size},'
            f'"next":{json.dumps(next_link)},"previous":{json.dumps(previous_link)},"features":{features}}}'
        )
        return HttpResponse(body, content_type=GEOJSON)

    @staticmethod
    def _link(request, page: int) -> str:
        params = request.query_params.copy()
        params["page"] = str(page)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


class CanSeeRuns(BasePermission):
    message = str(REFUSALS["analyse"])

    def has_permission(self, request, view):
        return can(request.user, "analyse") or can(request.user, "run")


@extend_schema(responses=OpenApiTypes.OBJECT)  # the schema cannot guess an APIView's answer
class RunDetail(APIView):
    """Progress of a recompute, polled by the staff page."""

    permission_classes = [CanSeeRuns]

    def get(self, request, pk):
        run = get_object_or_404(CoverageRun, pk=pk)
        return Response(
            {
                "id": run.pk,
                "kind": run.kind,
                "status": run.status,
                "status_label": run.get_status_display(),
                "percent": run.percent,
                "steps_done": run.steps_done,
                "steps_total": run.steps_total,
                "step": run.step,
                "warnings": selectors.warning_texts(run.warnings),
                "error": bool(run.error),
                "created_at": run.created_at,
                "finished_at": run.finished_at,
            }
        )

"""/api/v1/notices/: the notices in effect or planned as GeoJSON (public data only)."""

from __future__ import annotations

import json

from django.db.models import F
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.db_router import read_connection
from gis_layers.geojson import features_sql
from notices.api.serializers import NoticeFeatureSerializer
from notices.models import Notice
from notices.selectors import WHEN, notices_public

PARAMETERS = [
    OpenApiParameter("when", OpenApiTypes.STR, enum=list(WHEN), description="now: in effect; today: touching today; planned: not yet started; active (default): in effect or planned."),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=list(Notice.Kind.values), description="Only notices of this kind."),
    OpenApiParameter("bbox", OpenApiTypes.STR, description="min_lon,min_lat,max_lon,max_lat (WGS 84): only notices whose area meets it."),
]  # fmt: skip
MAX_FEATURES = 1000


def _error(parameter: str, message: str) -> Response:
    return Response({"error": {"code": "invalid", "parameter": parameter, "message": message}}, status=400)


class NoticeListView(APIView):
    """The city's notices in effect or planned, with their areas, as a GeoJSON FeatureCollection."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=PARAMETERS, responses={(200, "application/geo+json"): NoticeFeatureSerializer(many=True)}
    )
    def get(self, request):
        params = request.query_params
        when = params.get("when", "active")
        if when not in WHEN:
            return _error("when", _("when must be one of: %(v)s.") % {"v": ", ".join(WHEN)})
        rows = notices_public(when)
        if params.get("kind"):
            if params["kind"] not in Notice.Kind.values:
                return _error("kind", _("Unknown kind of notice."))
            rows = rows.filter(kind=params["kind"])
        if params.get("bbox"):
            try:
                minx, miny, maxx, maxy = (float(v) for v in params["bbox"].split(","))
                if not (
                    minx < maxx
                    and miny < maxy
                    and -180 <= minx
                    and maxx <= 180
                    and -90 <= miny
                    and maxy <= 90
                ):
                    raise ValueError
            except ValueError:
                return _error("bbox", _("bbox must be min_lon,min_lat,max_lon,max_lat."))
            from django.contrib.gis.geos import Polygon

            rows = rows.filter(area__intersects=Polygon.from_bbox((minx, miny, maxx, maxy)))
        now = timezone.now()
        query = rows.annotate(service_name=F("service__name_uk")).order_by("starts_at", "id").values(
            "id", "area", "kind", "nature", "title_uk", "title_en", "text_uk", "text_en", "starts_at", "ends_at",
            "phone", "service_name",
        )[:MAX_FEATURES]  # fmt: skip
        properties = {
            "kind": "p.kind",
            "nature": "p.nature",
            "state": f"CASE WHEN p.starts_at > '{now.isoformat()}'::timestamptz THEN 'planned' ELSE 'active' END",
            "title_uk": "p.title_uk",
            "title_en": "p.title_en",
            "text_uk": "p.text_uk",
            "text_en": "p.text_en",
            "starts_at": "p.starts_at",
            "ends_at": "p.ends_at",
            "service": "p.service_name",
            "phone": "p.phone",
            "url": "'/notices/' || p.id || '/'",
            "cap": "'/notices/' || p.id || '/cap.xml'",
        }
        sql, sql_params = features_sql(
            query, geometry="area", properties=properties, precision=6, with_count=True
        )
        with read_connection().cursor() as cursor:
            cursor.execute(sql, sql_params)
            count, features = cursor.fetchone()
        body = (
            f'{{"type":"FeatureCollection","count":{count},"when":{json.dumps(when)},"features":{features}}}'
        )
        response = HttpResponse(body, content_type="application/geo+json")
        response["Cache-Control"] = "public, max-age=30"
        return response

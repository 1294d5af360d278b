"""What every Misto API shares: one error format, and the API's URL root."""

from django.core.exceptions import RequestDataTooBig
from django.urls import include, path
from django.utils.translation import gettext as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.exceptions import APIException
from rest_framework.views import exception_handler


def api_exception_handler(exc, context):
    """Errors as {"error": {"code": ..., "message": ...}} with DRF's status code."""
    if isinstance(
        exc, RequestDataTooBig
    ):  # a body over DATA_UPLOAD_MAX_MEMORY_SIZE: JSON, not a bare 400 page
        exc = APIException(_("The request body is larger than the API accepts."))
        exc.status_code, exc.default_code = 413, "too_large"
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data.get("detail") if isinstance(response.data, dict) else None
    code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    message = str(detail) if detail is not None else response.data
    response.data = {"error": {"code": code, "message": message}}
    return response


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("facilities.api.urls")),
    path("", include("gis_layers.api.urls")),
]

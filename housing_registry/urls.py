"""URLs of the housing registry, under /registry/; every view is staff only."""

from django.urls import path, re_path

from housing_registry.api import views as api
from housing_registry.permissions import registry_staff_required
from housing_registry.views import buildings, bulk, staff_map, works

app_name = "housing_registry"

urlpatterns = [
    path("", buildings.building_list, name="list"),
    path("map/", staff_map.building_map, name="building-map"),
    path("map/summary.json", staff_map.building_map_summary, name="map-summary"),
    path("map/tiles/<str:z>/<str:x>/<str:y>.mvt", staff_map.building_map_tile, name="map-tile"),
    path("buildings/<int:pk>/", buildings.sheet, name="sheet"),
    path("buildings/<int:pk>/edit/<slug:section>/", buildings.section_edit, name="section-edit"),
    path("buildings/<int:pk>/history/", buildings.history, name="history"),
    path("buildings/<int:pk>/history/<int:history_id>/restore/", buildings.restore, name="restore"),
    path("buildings/<int:pk>/documents/", buildings.document_add, name="document-add"),
    path("documents/<int:pk>/", buildings.document_file, name="document"),
    path("documents/<int:pk>/remove/", buildings.document_remove, name="document-remove"),
    path("works/", works.work_list, name="works"),
    path("works/new/", works.work_create, name="work-create"),
    path("works/<int:pk>/", works.work_detail, name="work"),
    path("works/<int:pk>/attachments/", works.attachment_add, name="attachment-add"),
    path("attachments/<int:pk>/", works.attachment_file, name="attachment"),
    path("reports/", bulk.report, name="reports"),
    path("import/", bulk.bulk_import, name="import"),
    re_path(r"^export\.(?P<fmt>csv|xlsx|gpkg)$", bulk.export, name="export"),
    path("api/buildings/", registry_staff_required(api.BuildingList.as_view()), name="api-buildings"),
    path(
        "api/buildings/<int:pk>/", registry_staff_required(api.BuildingSheet.as_view()), name="api-building"
    ),
    path("api/works/", registry_staff_required(api.WorkList.as_view()), name="api-works"),
]

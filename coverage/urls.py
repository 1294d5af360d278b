"""Coverage: the public page and its table view, staff analysis, and the API (one include)."""

from django.urls import include, path

from coverage import views

app_name = "coverage"

urlpatterns = [
    path("coverage/", views.coverage_page, name="page"),
    path("coverage/table/", views.coverage_table, name="table"),
    path("coverage/panel/", views.coverage_panel, name="panel"),
    path("coverage/staff/", views.staff_page, name="staff"),
    path("coverage/staff/recompute/", views.staff_recompute, name="recompute"),
    path("coverage/staff/suggest/", views.staff_suggest, name="suggest"),
    path("coverage/staff/what-if/", views.staff_what_if, name="what-if"),
    path("coverage/staff/export/<slug:slug>.<str:fmt>", views.staff_export, name="export"),
    path("coverage/staff/tiles/<str:z>/<str:x>/<str:y>.mvt", views.staff_homes_tile, name="homes-tile"),
    path("api/v1/coverage/", include("coverage.api.urls")),
]

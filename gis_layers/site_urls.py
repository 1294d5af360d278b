"""Pages of GIS layers: /layers/ (public), /staff/layers/ (staff), /ogcapi/ (OGC API – Features)."""

from django.urls import include, path

from gis_layers.views import imports, public, staff

urlpatterns = [
    path("layers/", public.layer_list, name="layers"),
    path("layers/<slug:slug>/", public.layer_detail, name="layer"),
    path("layers/<slug:slug>/download.<slug:fmt>", public.layer_download, name="layer-download"),
    path("ogcapi/", include("gis_layers.ogcapi.urls")),
    path("staff/layers/", staff.staff_layers, name="staff-layers"),
    path("staff/layers/new/", staff.layer_new, name="staff-layer-new"),
    path("staff/layers/<slug:slug>/settings/", staff.layer_settings, name="staff-layer-settings"),
    path("staff/layers/<slug:slug>/features/", staff.layer_features, name="staff-layer-features"),
    path("staff/layers/<slug:slug>/joins/", staff.layer_joins, name="staff-layer-joins"),
    path(
        "staff/layers/<slug:slug>/features/<int:pk>/history/",
        staff.feature_history,
        name="staff-feature-history",
    ),
    path("staff/layers/<slug:slug>/edit/", staff.editor, name="staff-layer-editor"),
    path("staff/layers/<slug:slug>/import/", imports.import_upload, name="staff-layer-import"),
    path("staff/layers/<slug:slug>/import/<int:pk>/", imports.import_job, name="staff-import-job"),
    path(
        "staff/layers/<slug:slug>/import/<int:pk>/status/", imports.import_status, name="staff-import-status"
    ),
]

from django.urls import path

from gis_layers.api import views

urlpatterns = [
    path("layers/", views.LayerListView.as_view(), name="api-layers"),
    path("layers/<slug:slug>/", views.LayerDetailView.as_view(), name="api-layer"),
    path("layers/<slug:slug>/features/", views.FeatureListView.as_view(), name="api-layer-features"),
    path(
        "layers/<slug:slug>/features/<int:pk>/", views.FeatureDetailView.as_view(), name="api-layer-feature"
    ),
    path(
        "layers/<slug:slug>/features/<int:pk>/restore/",
        views.FeatureRestoreView.as_view(),
        name="api-layer-feature-restore",
    ),
    path(
        "layers/<slug:slug>/features/<int:pk>/history/",
        views.FeatureHistoryView.as_view(),
        name="api-layer-feature-history",
    ),
]

"""/ogcapi/ paths as OGC API – Features names them (no trailing slash; one is tolerated).
Items and an item also take Part 4's writes (transactions.py), which pass reads to views.py."""

from django.urls import re_path

from gis_layers.ogcapi import transactions, views

ID = r"(?P<collection_id>[a-z0-9_-]+)"

urlpatterns = [
    re_path(r"^$", views.LandingView.as_view(), name="ogc-landing"),
    re_path(r"^conformance/?$", views.ConformanceView.as_view(), name="ogc-conformance"),
    re_path(r"^api/?$", views.ApiView.as_view(), name="ogc-api"),
    re_path(r"^collections/?$", views.CollectionsView.as_view(), name="ogc-collections"),
    re_path(rf"^collections/{ID}/?$", views.CollectionView.as_view(), name="ogc-collection"),
    re_path(rf"^collections/{ID}/queryables/?$", views.QueryablesView.as_view(), name="ogc-queryables"),
    re_path(rf"^collections/{ID}/items/?$", transactions.ItemsResource.as_view(), name="ogc-items"),
    re_path(
        rf"^collections/{ID}/items/(?P<feature_id>[^/]+)/?$",
        transactions.ItemResource.as_view(),
        name="ogc-item",
    ),
]

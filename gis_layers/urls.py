from django.urls import path

from gis_layers import views

urlpatterns = [
    path("layers/<slug:slug>/<str:z>/<str:x>/<str:y>.mvt", views.layer_tile, name="layer-tile"),
    path("<slug:layer>/<str:z>/<str:x>/<str:y>.mvt", views.tile, name="tile"),
]

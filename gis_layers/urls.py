from django.urls import path

from gis_layers import views

urlpatterns = [
    path("<slug:layer>/<str:z>/<str:x>/<str:y>.mvt", views.tile, name="tile"),
]

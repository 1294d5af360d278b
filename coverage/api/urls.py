from django.urls import path

from coverage.api import views

urlpatterns = [
    path("service-types/", views.ServiceTypeList.as_view(), name="api-service-types"),
    path("service-types/<slug:slug>/", views.ServiceTypeDetail.as_view(), name="api-service-type"),
    path("service-types/<slug:slug>/hexagons/", views.HexagonList.as_view(), name="api-hexagons"),
    path("service-types/<slug:slug>/facilities/", views.FacilityList.as_view(), name="api-facilities"),
    path("service-types/<slug:slug>/buildings/", views.BuildingList.as_view(), name="api-buildings"),
    path("runs/<int:pk>/", views.RunDetail.as_view(), name="api-run"),
]

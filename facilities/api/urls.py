from django.urls import path

from facilities.api import views

urlpatterns = [
    path("facilities/", views.FacilityListView.as_view(), name="api-facilities"),
    path("facilities/nearest/", views.NearestView.as_view(), name="api-facilities-nearest"),
    path("search/", views.PlaceSearchView.as_view(), name="api-search"),
    path("facilities/<int:pk>/", views.FacilityDetailView.as_view(), name="api-facility"),
    path("categories/", views.CategoryListView.as_view(), name="api-categories"),
]

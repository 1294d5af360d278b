from django.urls import path

from facilities import views

urlpatterns = [
    path("", views.directory, name="directory"),
    path("nearest/", views.nearest, name="nearest"),
    path("<int:pk>/", views.facility_detail, name="facility"),
]

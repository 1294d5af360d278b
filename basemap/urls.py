from django.urls import path

from basemap import views

urlpatterns = [
    path("style/<str:language>.json", views.style, name="basemap-style"),
    path("fonts/", views.fonts, {"stack": "", "glyph_range": ""}, name="basemap-fonts-root"),
    path("fonts/<str:stack>/<str:glyph_range>.pbf", views.fonts, name="basemap-fonts"),
]

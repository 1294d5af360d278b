from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from portal import views

# The admin named as the portal, not "Django site admin", in the page's language.
admin.site.site_header = admin.site.site_title = _("City portal administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("map/", views.map_page, name="map"),
    path("map/basemap.geojson", views.map_basemap, name="map-basemap"),
    path("facilities/", include("facilities.urls")),
    path("healthz", views.healthz, name="healthz"),
    path(".well-known/security.txt", views.security_txt, name="security-txt"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", views.account, name="account"),
    path("accounts/", include("core.urls")),  # API tokens
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", include("portal.api")),
    path("tiles/", include("gis_layers.urls")),
    path("basemap/", include("basemap.urls")),
    path("registry/", include("housing_registry.urls")),
    path("", include("gis_layers.site_urls")),
    path("admin/", admin.site.urls),
    path("", include("coverage.urls")),
    path("", include("notices.urls")),
    path("", include("citizen_requests.urls")),
]

handler404 = "core.bad_input.page_not_found"

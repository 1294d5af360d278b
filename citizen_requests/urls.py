"""URLs of the citizen requests app: pages under /requests/, data under /api/v1/requests/,
Open311 GeoReport v2 under /open311/v2/."""

from django.urls import path, re_path

from citizen_requests.api import views as api
from citizen_requests.api import workflow as api_workflow
from citizen_requests.open311 import views as open311
from citizen_requests.views import dashboard, exports, intake, moderation, pages, places, queues
from citizen_requests.views import workflow as workflow_views

app_name = "citizen_requests"

NUMBER = r"(?P<number>\d{4}-\d{1,7})"
FMT = r"(?:\.(?P<fmt>xml|json))?"

urlpatterns = [
    path("requests/", pages.request_list, name="list"),
    path("requests/map/", pages.request_map, name="on-map"),
    path("requests/new/", intake.request_new, name="new"),
    path("requests/new/sent/", intake.request_sent, name="sent"),
    path("requests/new/files/<str:token>/", intake.pending_file, name="pending-file"),
    path("requests/new/addresses/", places.addresses, name="addresses"),
    path("requests/new/place/", places.place, name="place"),
    path("requests/new/nearby/", places.nearby, name="nearby"),
    path("requests/mine/", pages.account_requests, name="mine"),
    path("requests/feed/", exports.RequestsFeed(), name="feed"),
    path("requests/export.csv", exports.export_csv, name="export"),
    path("requests/access/<str:key>/", intake.request_access_link, name="access"),
    path("requests/following/<str:key>/", pages.subscription_confirm_link, name="subscription-confirm"),
    path("requests/unsubscribe/<str:token>/", pages.unsubscribe_link, name="unsubscribe"),
    path("requests/staff/", queues.queue_home, name="queues"),
    path("requests/staff/appoint/", queues.queue_appoint, name="queue-appoint"),
    path("requests/staff/service/<int:service_id>/", queues.queue, {"name": "service"}, name="queue-service"),
    path("requests/staff/<slug:name>/", queues.queue, name="queue"),
    path("requests/dashboard/", dashboard.dashboard, name="dashboard"),
    path("requests/dashboard/heat.json", dashboard.dashboard_heat_json, name="dashboard-heat"),
    path("requests/dashboard/figures.csv", dashboard.dashboard_csv, name="dashboard-csv"),
    path("requests/dashboard/figures.xlsx", dashboard.dashboard_xlsx, name="dashboard-xlsx"),
    path("requests/figures/", dashboard.public_figures, name="public-figures"),
    path("requests/figures/heat.json", dashboard.public_figures_heat, name="public-figures-heat"),
    path("requests/figures/figures.csv", dashboard.public_figures_csv, name="public-figures-csv"),
    path("requests/figures/figures.xlsx", dashboard.public_figures_xlsx, name="public-figures-xlsx"),
    re_path(rf"^requests/{NUMBER}/$", pages.request_detail, name="detail"),
    re_path(rf"^requests/{NUMBER}/follow/$", pages.request_follow, name="follow"),
    re_path(rf"^requests/{NUMBER}/unfollow/$", pages.request_unfollow, name="unfollow"),
    re_path(rf"^requests/{NUMBER}/files/(?P<pk>\d+)/$", pages.request_file, name="file"),
    re_path(rf"^requests/{NUMBER}/act/(?P<action>[a-z_]+)/$", workflow_views.request_act, name="act"),
    re_path(rf"^requests/{NUMBER}/moderate/$", moderation.request_moderate_view, name="moderate"),
    path("api/v1/requests/", api.RequestList.as_view(), name="api-list"),
    re_path(rf"^api/v1/requests/{NUMBER}/$", api.RequestDetail.as_view(), name="api-detail"),
    re_path(
        rf"^api/v1/requests/{NUMBER}/external-status/$",
        api_workflow.ExternalStatusUpdate.as_view(),
        name="api-external-status",
    ),
    re_path(rf"^open311/v2/discovery{FMT}$", open311.discovery, name="open311-discovery"),
    re_path(rf"^open311/discovery{FMT}$", open311.discovery),
    re_path(rf"^open311/v2/services{FMT}$", open311.services, name="open311-services"),
    re_path(
        rf"^open311/v2/services/(?P<code>[\w-]+?){FMT}$", open311.service_definition, name="open311-service"
    ),
    re_path(rf"^open311/v2/requests{FMT}$", open311.requests_collection, name="open311-requests"),
    re_path(
        rf"^open311/v2/requests/(?P<request_id>[\w-]+?){FMT}$", open311.request_one, name="open311-request"
    ),
    re_path(rf"^open311/v2/tokens/(?P<token_id>[\w-]+?){FMT}$", open311.token, name="open311-token"),
]

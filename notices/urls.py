from django.urls import path

from notices import views, views_staff
from notices.api.views import NoticeListView

app_name = "notices"

urlpatterns = [
    path("notices/", views.notice_list, name="list"),
    path("notices/<int:pk>/", views.notice_detail, name="detail"),
    path("notices/<int:pk>/cap.xml", views.notice_cap, name="cap"),
    path("notices/feed.atom", views.NoticesFeed(), name="feed"),
    path("notices/check/", views.notice_check, name="check"),
    path("notices/place.json", views.place_json, name="place"),
    path("notices/subscribe/", views.subscribe, name="subscribe"),
    path(
        "notices/subscribe/confirm/<str:token>/", views.subscription_confirm_link, name="subscription-confirm"
    ),
    path("notices/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("notices/subscriptions/", views.subscriptions_mine, name="subscriptions"),
    path("notices/staff/", views_staff.staff_list, name="staff"),
    path("notices/staff/new/", views_staff.notice_new, name="new"),
    path("notices/staff/<int:pk>/change/", views_staff.notice_change, name="change"),
    path("notices/staff/<int:pk>/<slug:action>/", views_staff.notice_act, name="act"),
    path("api/v1/notices/", NoticeListView.as_view(), name="api-list"),
]

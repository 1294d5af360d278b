"""The personal account's pages that core provides (included under /accounts/ by portal.urls)."""

from django.urls import path

from core import views

urlpatterns = [
    path("tokens/", views.api_tokens, name="api-tokens"),
]

"""Read-only JSON endpoints of the registry (staff only: wrapped in registry_staff_required
in urls.py, and checked again here)."""

from __future__ import annotations

from rest_framework import generics
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission

from housing_registry.api.serializers import (
    BuildingListSerializer,
    BuildingSheetSerializer,
    WorkRecordSerializer,
)
from housing_registry.forms import BuildingFilterForm, WorkFilterForm
from housing_registry.permissions import can_view_registry
from housing_registry.selectors import buildings_filtered, works_filtered


class RegistryStaff(BasePermission):
    message = "The housing registry is for registry staff only."

    def has_permission(self, request, view) -> bool:
        return can_view_registry(request.user)


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class BuildingList(generics.ListAPIView):
    """Buildings with the list's search and filters (?q=, ?district=, ...), 50 a page."""

    serializer_class = BuildingListSerializer
    permission_classes = [RegistryStaff]
    pagination_class = Pages

    def get_queryset(self):
        form = BuildingFilterForm(self.request.query_params or None)
        if form.is_bound:
            form.is_valid()
        queryset = buildings_filtered(form.filters() if form.is_bound else None)
        return queryset.select_related("heating_provider").order_by("address", "id")


class BuildingSheet(generics.RetrieveAPIView):
    serializer_class = BuildingSheetSerializer
    permission_classes = [RegistryStaff]

    def get_queryset(self):
        return (
            buildings_filtered()
            .select_related("heating_provider", "managing_company")
            .prefetch_related("documents")
        )


class WorkList(generics.ListAPIView):
    """Works with the works log's filters (?building=, ?status=, ?overdue=on, ...)."""

    serializer_class = WorkRecordSerializer
    permission_classes = [RegistryStaff]
    pagination_class = Pages

    def get_queryset(self):
        form = WorkFilterForm(self.request.query_params or None)
        return works_filtered(form.filters() if form.is_bound else None).order_by("-planned_date", "-id")

"""Notices in the Django admin: read-only, scoped like the pages (notices/permissions.py);
changes go through the notices pages so that the history and the messages follow. Subscriptions
(personal data) are for superusers only: no role has a right to them."""

from django.contrib import admin

from notices import permissions
from notices.models import Delivery, Notice, NoticeChange, Subscription


class NoticeChangeInline(admin.TabularInline):
    model = NoticeChange
    fields = ("at", "kind", "actor", "version", "queued", "comment")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = (
        "title_uk",
        "kind",
        "nature",
        "status",
        "starts_at",
        "ends_at",
        "service",
        "households_count",
    )
    list_filter = ("status", "kind", "nature")
    search_fields = ("title_uk", "title_en")
    inlines = [NoticeChangeInline]
    exclude = ("area",)

    def get_queryset(self, request):
        rows = super().get_queryset(request).select_related("service")
        return rows if request.user.is_superuser else rows.filter(permissions.manageable_q(request.user))

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Notice._meta.fields if f.name != "area"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("pk", "address", "confirmed_at", "by_email", "by_sms")
    readonly_fields = ("user", "email", "phone", "address", "building", "token", "confirmed_at", "language")
    exclude = ("point",)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("key", "channel", "state", "not_before", "sent_at", "attempts")
    list_filter = ("state", "channel")
    readonly_fields = (
        "key",
        "change",
        "channel",
        "household",
        "state",
        "not_before",
        "attempts",
        "last_error",
        "sent_at",
    )
    exclude = ("subscription", "address_label")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

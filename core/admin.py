"""The admin's view of API tokens: who has which token, when it was last used, revoking one.
Never the digest (nor, of course, the token: only its owner ever saw it, once). Tokens are
made only on the owner's account page, the one place that may show a new token."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "prefix")
    fields = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the chosen tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, _("Revoked: %(n)d.") % {"n": count})

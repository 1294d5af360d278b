"""The admin's view of API tokens: who has which token, when it was last used, revoking one.
Never the digest (nor, of course, the token: only its owner ever saw it, once). Tokens are
made only on the owner's account page, the one place that may show a new token. Groups are
listed with the role each one is, in the page's language (their names are the roles' keys)."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import ApiToken
from core.roles import ROLES

ROLE_BY_GROUP = {role.group: role for role in ROLES.values()}


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


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    list_display = ("name", "role")

    @admin.display(description=_("role"))
    def role(self, group) -> str:
        role = ROLE_BY_GROUP.get(group.name)
        return str(role.title) if role else "—"

"""History in the Django admin: read, never replayed.

Reverting through django-simple-history's form would save an old version past the checks of
the app's own restore service (rights, schema, optimistic locking). The history stays visible
to those who may see the object; restoring goes through the app's pages and API.
"""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_change_history_permission(self, request, obj=None):
        return False

    def has_view_history_or_change_history_permission(self, request, obj=None):
        # simple_history hands over the historic instance; the current row, as the user's
        # own queryset holds it, decides (an object they may not see has no history for them).
        if obj is not None and obj.pk is not None:
            obj = self.get_queryset(request).filter(pk=obj.pk).first()
            if obj is None:
                return False
        return self.has_view_or_change_permission(request, obj)

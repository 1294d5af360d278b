"""Shared parts of the Django admin: history read but never replayed, and the optimistic
lock of versioned records.

History:
Reverting through django-simple-history's form would save an old version past the checks of
the app's own restore service (rights, schema, optimistic locking). The history stays visible
to those who may see the object; restoring goes through the app's pages and API.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
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


def stale_message(base: int, now: int) -> str:
    return gettext(
        "Nothing was saved: someone else saved this record after you opened it (you opened version "
        "%(base)s, it is now version %(now)s). Open it again to see their changes, then make yours."
    ) % {"base": base, "now": now}


class VersionLockedForm(forms.ModelForm):
    """An admin form that saves only on top of the version it was opened at (the same
    optimistic lock as the app's own forms and API): the version travels in a hidden field,
    the row is locked until the admin's transaction ends, and a stale save is refused with a
    message, nothing saved. `user` is set per request by VersionLockedAdmin."""

    base_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    user = None
    locked = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["base_version"].initial = self.instance.version

    def lock_current(self, base: int):
        """The row as saved now, locked; ValidationError when its version is not `base`."""
        current = type(self.instance).objects.select_for_update().get(pk=self.instance.pk)
        if current.version != base:
            raise forms.ValidationError(stale_message(base, current.version))
        return current

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        base = cleaned.get("base_version")
        if base is None:
            raise forms.ValidationError(
                gettext("The form does not say which version you opened. Reload the page and try again.")
            )
        self.locked = self.lock_current(base)
        return cleaned


class VersionLockedAdmin:
    """Mixin for a ModelAdmin whose form is a VersionLockedForm."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def save_model(self, request, obj, form, change):
        if change and form.locked is not None:
            obj.version = form.locked.version + 1
        super().save_model(request, obj, form, change)


class LabelledChangelistForm(forms.ModelForm):
    """The form of a change list's editable columns: each row's input is named by its column
    and its record ("Order: Schools"), as the column header alone names no input for a screen
    reader (axe: label)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = getattr(field.widget, "widget", field.widget)  # inside a related-widget wrapper
            widget.attrs = {**widget.attrs, "aria-label": f"{field.label}: {self.instance}"}


class LabelledChangelistAdmin:
    """A ModelAdmin mixin: list_editable inputs named by LabelledChangelistForm."""

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", LabelledChangelistForm)
        return super().get_changelist_form(request, **kwargs)

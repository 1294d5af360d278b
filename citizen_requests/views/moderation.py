"""Staff edit what the public sees of a request (its published text and address) from the
request page; services/moderation.py checks the right and writes the audit event."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from citizen_requests import permissions
from citizen_requests.exceptions import RequestRefused, TransitionRefused
from citizen_requests.selectors.requests import request_get_visible
from citizen_requests.services.moderation import MAX_PUBLIC_TEXT, request_moderate
from citizen_requests.views import session


class ModerationForm(forms.Form):
    text_public = forms.CharField(
        label=gettext_lazy("Published text"),
        max_length=MAX_PUBLIC_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    address = forms.CharField(label=gettext_lazy("Published address"), max_length=255, required=False)


def moderation_form(found) -> ModerationForm:
    return ModerationForm(initial={"text_public": found.text_public, "address": found.address})


@require_POST
def request_moderate_view(request, number: str):
    grants = session.grants(request)
    found = request_get_visible(user=request.user, number=number, grants=grants)
    if found is None:
        raise session.not_found()
    if not permissions.can_moderate(request.user, found):
        raise PermissionDenied(
            _("Only the responsible service and the front office may edit the published text.")
        )
    form = ModerationForm(request.POST)
    back = reverse("citizen_requests:detail", args=[found.number])
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    try:
        event = request_moderate(
            request=found,
            actor=request.user,
            text_public=form.cleaned_data["text_public"],
            address=form.cleaned_data["address"],
        )
    except (TransitionRefused, RequestRefused) as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, _("The published text is saved.") if event else _("Nothing was changed."))
    return redirect(back)

"""Request pages: the public list and map, a request's page and files, following a request,
and the resident's personal account. Whatever a viewer may not see answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from citizen_requests import permissions
from citizen_requests.attributes import answers_display
from citizen_requests.exceptions import RequestRefused
from citizen_requests.forms import FollowByEmailForm, ListFilterForm, PreferencesForm
from citizen_requests.models import Request, Subscription
from citizen_requests.selectors.requests import (
    RequestFilters,
    category_groups_active,
    request_attachments_visible,
    request_events_visible,
    request_get_visible,
    requests_filtered,
    requests_for_list,
    requests_of_applicant,
    requests_page,
    requests_visible_to,
    subscription_exists,
    subscriptions_of,
)
from citizen_requests.services import approvals, workflow
from citizen_requests.services.moderation import public_text_derive
from citizen_requests.services.notifications import preference_of, unsubscribe_payload
from citizen_requests.services.subscriptions import (
    preferences_update,
    subscription_confirm,
    subscription_create,
    unsubscribe,
)
from citizen_requests.throttling import throttle_hit
from citizen_requests.views import moderation, session
from citizen_requests.views import workflow as workflow_views
from citizen_requests.views.session import not_found
from city.models import District
from core.maps import map_options, plural_forms

PAGE_SIZE = 20


def filters_from(request) -> tuple[ListFilterForm, RequestFilters]:
    form = ListFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    return form, RequestFilters(
        category=(data.get("category") or "")[:50],
        status=data.get("status") or "",
        district=data.get("district"),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        q=data.get("q") or "",
    )


@require_GET
def request_list(request):
    form, filters = filters_from(request)
    queryset = requests_filtered(requests_visible_to(request.user, session.grants(request)), filters)
    before = form.cleaned_data.get("before") if form.is_valid() else None
    rows, next_cursor = requests_page(requests_for_list(queryset), before=before, size=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("before", None)
    next_query = None
    if next_cursor:
        query["before"] = next_cursor
        next_query = query.urlencode()
    export_query = request.GET.copy()
    export_query.pop("before", None)
    return render(
        request,
        "citizen_requests/list.html",
        {
            "form": form,
            "rows": rows,
            "next_query": next_query,
            "is_first_page": not before,
            "export_query": export_query.urlencode(),
            "groups": category_groups_active(),
            "districts": District.objects.only("id", "name_uk", "name_en").order_by("name_uk"),
            "filters": filters,
        },
    )


# The public map's marker colours, one per stage a resident recognises (the legend's rows).
_STATUS_LEGEND = (
    (_lazy("new"), "#2563eb", ["submitted", "triage"]),
    (_lazy("in work"), "#d97706", ["assigned", "in_progress", "info_requested", "in_approval", "approved"]),
    (_lazy("answered"), "#16a34a", ["resolved"]),
    (_lazy("closed or rejected"), "#6b7280", ["closed", "rejected"]),
)


@require_GET
def request_map(request):
    return render(
        request,
        "citizen_requests/map.html",
        {
            "groups": category_groups_active(),
            "map_options": map_options(
                data=reverse("citizen_requests:api-list"),
                legend=[
                    {"label": str(label), "colour": colour, "statuses": statuses}
                    for label, colour, statuses in _STATUS_LEGEND
                ],
                strings={
                    "loading": _("Loading requests…"),
                    "failed": _("The requests could not be loaded. Reload the page to try again."),
                    "shown": _("requests on the map"),
                    "more": _("Zoom in to see more: the newest are shown."),
                    "requests": plural_forms("%s request", "%s requests"),
                },
            ),
        },
    )


@require_GET
def request_detail(request, number: str):
    grants = session.grants(request)
    found = request_get_visible(user=request.user, number=number, grants=grants)
    if found is None:
        raise not_found()
    personal = permissions.can_see_personal_data(request.user, found, grants)
    staff = permissions.is_service_staff(request.user, found)
    attachments = request_attachments_visible(found, personal=personal, staff=staff)
    following = request.user.is_authenticated and subscription_exists(request=found, user=request.user)
    actions = workflow.actions_for(request.user, found, grants)
    answer = approvals.response_current(found)
    if answer is not None and not staff and answer.sent_at is None:
        answer = None
    return render(
        request,
        "citizen_requests/detail.html",
        {
            "r": found,
            "personal": personal,
            "text": found.text if personal else found.text_public,
            "photos": [a for a in attachments if a.kind == "photo"],
            "documents": [a for a in attachments if a.kind == "document"],
            "answer": answer,
            "answer_text": (answer.text if personal or staff else public_text_derive(found, answer.text))
            if answer
            else "",
            "answer_documents": [a for a in attachments if answer and a.response_id == answer.pk],
            "approval_steps": list(answer.approval_steps.select_related("approver"))
            if answer and staff
            else [],
            "staff": staff,
            # Nobody to appoint: the staff are told why, and to forward the request instead.
            "service_unstaffed": staff
            and found.status in (Request.Status.ASSIGNED, Request.Status.TRIAGE)
            and found.service is not None
            and found.service.kind != found.service.Kind.FRONT_OFFICE
            and not workflow.service_has_staff(found.service_id),
            # The applicant hears of their own request already: no "follow" offer for them.
            "is_applicant": permissions.is_applicant(request.user, found, grants),
            "public_comment_kinds": workflow.PUBLIC_COMMENT_KINDS,
            "applicant_comment_kinds": workflow.APPLICANT_COMMENT_KINDS,
            "question": workflow.question_pending(found) if "info_answer" in actions else "",
            "action_forms": workflow_views.forms_for(
                actions, found, draft_text=answer.text if answer and not answer.sent_at else ""
            ),
            # Without the right to personal data: only public answers, personal data hidden.
            "answers": answers_display(
                found.category.attributes,
                found.attributes,
                public=not personal,
                names=tuple(n for n in (found.applicant_name,) if n),
            ),
            "moderation_form": moderation.moderation_form(found)
            if permissions.can_moderate(request.user, found)
            else None,
            "events": request_events_visible(found, personal=personal, staff=staff),
            "following": following,
            "follow_form": FollowByEmailForm(),
            "is_staff_view": personal
            and request.user.is_authenticated
            and request.user.pk != found.applicant_id,
            "map_options": map_options(point=[found.location.y, found.location.x], zoom=17),
        },
    )


@require_GET
def request_file(request, number: str, pk: int):
    grants = session.grants(request)
    found = request_get_visible(user=request.user, number=number, grants=grants)
    if found is None:
        raise not_found()
    personal = permissions.can_see_personal_data(request.user, found, grants)
    staff = permissions.is_service_staff(request.user, found)
    attachment = next(
        (a for a in request_attachments_visible(found, personal=personal, staff=staff) if a.pk == int(pk)),
        None,
    )
    if attachment is None:
        raise not_found()
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=attachment.kind != "photo",
        filename=f"{found.number}-{attachment.order + 1}.{attachment.file.name.rsplit('.', 1)[-1]}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = (
        "public, max-age=86400" if found.is_public and not personal else "private, no-store"
    )
    return response


@require_POST
def request_follow(request, number: str):
    grants = session.grants(request)
    found = request_get_visible(user=request.user, number=number, grants=grants)
    if found is None:
        raise not_found()
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        if request.user.is_authenticated:
            subscription_create(request=found, user=request.user)
            message = _("You follow request %(number)s: you will get an e-mail when it moves on.")
        else:
            form = FollowByEmailForm(request.POST)
            if not form.is_valid():
                raise RequestRefused(_("Give an e-mail address to follow the request."), field="email")
            # Each follow by e-mail sends a confirmation: limited, so nobody mails strangers in bulk.
            if not throttle_hit(scope="follow:ip", key=session.client_ip(request), limit=10, window=3600):
                raise RequestRefused(
                    _(
                        "Too many requests from you in a short time. Please try again in an hour, or call the city's hotline."
                    )
                )
            subscription_create(
                request=found, email=form.cleaned_data["email"], language=request.LANGUAGE_CODE
            )
            message = _("Almost done: open the link we sent to your e-mail to follow request %(number)s.")
    except RequestRefused as exc:
        if wants_json:
            return JsonResponse({"ok": False, "message": exc.message}, status=400)
        messages.error(request, exc.message)
        return redirect("citizen_requests:detail", number=found.number)
    text = message % {"number": found.number}
    if wants_json:
        return JsonResponse({"ok": True, "message": text})
    messages.success(request, text)
    return redirect("citizen_requests:detail", number=found.number)


@login_required
@require_POST
def request_unfollow(request, number: str):
    Subscription.objects.filter(user=request.user, request__number=number).delete()
    messages.success(request, _("You no longer follow request %(number)s.") % {"number": number})
    target = request.POST.get("next") or ""
    if target == "mine":
        return redirect("citizen_requests:mine")
    found = request_get_visible(user=request.user, number=number)
    return redirect("citizen_requests:detail", number=number) if found else redirect("citizen_requests:mine")


@login_required
def account_requests(request):
    """The personal account: my requests (public and confidential), their status and
    answers, the requests I follow, and what I want to be told."""
    preference = preference_of(request.user)
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            preferences_update(user=request.user, **form.cleaned_data)
            messages.success(request, _("Your notification settings are saved."))
            return redirect("citizen_requests:mine")
    else:
        form = PreferencesForm(
            initial={
                "email_own_requests": preference.email_own_requests,
                "email_subscriptions": preference.email_subscriptions,
                "language": preference.language,
                "sms_own_requests": preference.sms_own_requests,
                "phone": preference.phone,
            }
        )
    own = list(requests_of_applicant(request.user)[:200])
    return render(
        request,
        "citizen_requests/account.html",
        {
            "own": own,
            # The service asked the resident something and its clock stands still until they answer.
            "waiting_for_me": [r for r in own if r.status == Request.Status.INFO_REQUESTED],
            "subscriptions": subscriptions_of(request.user),
            "form": form,
        },
    )


@require_GET
def subscription_confirm_link(request, key: str):
    try:
        subscription = subscription_confirm(key=key)
    except RequestRefused as exc:
        return render(request, "citizen_requests/link_invalid.html", {"message": exc.message}, status=404)
    messages.success(
        request, _("You follow request %(number)s now.") % {"number": subscription.request.number}
    )
    return redirect("citizen_requests:detail", number=subscription.request.number)


@csrf_exempt  # the signed token is the proof; mail programs POST here without a form
def unsubscribe_link(request, token: str):
    """The link in every optional message. GET asks (mail scanners open links), POST acts;
    mail programs' one-click unsubscribe POSTs here too."""
    payload = unsubscribe_payload(token)
    if payload is None:
        return render(
            request,
            "citizen_requests/link_invalid.html",
            {"message": _("This link is not valid. Check that it was copied whole.")},
            status=404,
        )
    if request.method == "POST":
        unsubscribe(payload=payload)
        return render(request, "citizen_requests/unsubscribed.html", {"done": True})
    return render(request, "citizen_requests/unsubscribed.html", {"done": False})

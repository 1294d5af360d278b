"""The staff's work queues (new, mine, awaiting my approval, overdue, by service) and the bulk
appointment of process owners from a queue. Residents get 403; a service the viewer is not a
member of answers 404, like a request they may not see."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from citizen_requests.models import Request
from citizen_requests.selectors.queues import (
    COUNT_CAP,
    DEFAULT_SORT,
    QUEUES,
    SORTS,
    QueueFilters,
    appointable_owners,
    bounded_count,
    is_queue_user,
    queue_counts,
    queue_q,
    queue_requests,
    queue_rows,
    queue_service_counts,
    queue_services,
)
from citizen_requests.selectors.requests import categories_active
from citizen_requests.services.bulk import requests_appoint_bulk
from city.models import District

PAGE_SIZE = 25

SORT_LABELS = {
    "deadline": gettext_lazy("deadline, earliest first"),
    "-deadline": gettext_lazy("deadline, latest first"),
    "submitted": gettext_lazy("registered, oldest first"),
    "-submitted": gettext_lazy("registered, newest first"),
    "number": pgettext_lazy("sort requests by", "registration number"),
}


class QueueFilterForm(forms.Form):
    category = forms.CharField(required=False, max_length=50)
    district = forms.IntegerField(required=False, min_value=1)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("", gettext_lazy("any status")),
            ("open", gettext_lazy("open")),
            ("closed", gettext_lazy("answered or closed")),
            *[c for c in Request.Status.choices if c[0] != "unconfirmed"],
        ],
    )
    priority = forms.ChoiceField(
        label=gettext_lazy("Priority"),
        required=False,
        choices=[("", gettext_lazy("any priority")), *Request.Priority.choices],
    )
    q = forms.CharField(label=gettext_lazy("Number or text"), required=False, max_length=100)
    sort = forms.ChoiceField(
        label=gettext_lazy("Sort by"), required=False, choices=[(k, SORT_LABELS[k]) for k in SORTS]
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)

    def filters(self) -> QueueFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return QueueFilters(
            category=data.get("category") or "",
            district=data.get("district"),
            status=data.get("status") or "",
            priority=data.get("priority") or "",
            q=data.get("q") or "",
            sort=data.get("sort") or DEFAULT_SORT,
        )


class BulkAppointForm(forms.Form):
    requests = forms.TypedMultipleChoiceField(coerce=int, choices=(), label=gettext_lazy("Requests"))
    owner = forms.ModelChoiceField(
        queryset=None,
        label=gettext_lazy("Process owner"),
        empty_label=gettext_lazy("— choose the process owner —"),
    )
    deadline = forms.DateField(
        label=gettext_lazy("Deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    comment = forms.CharField(label=gettext_lazy("Comment"), required=False, max_length=1000)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = appointable_owners(user)
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username
        # Any id is accepted here; the service decides (and reports) which ones may be appointed.
        self.fields["requests"].valid_value = lambda value: True


def _queue_user(request):
    if not is_queue_user(request.user):
        raise PermissionDenied(_("The queues are for the staff of the services."))


@login_required
@require_GET
def queue_home(request):
    _queue_user(request)
    name = "new" if queue_q(request.user, "new") is not None else "mine"
    return redirect("citizen_requests:queue", name=name)


@login_required
@require_GET
def queue(request, name: str, service_id: int | None = None):
    _queue_user(request)
    user = request.user
    if name not in QUEUES or queue_q(user, name) is None:
        raise Http404(_("No such queue."))
    service = None
    if service_id is not None:
        service = queue_services(user).filter(pk=service_id).first()
        if service is None:
            raise Http404(_("No such queue."))
    elif name == "service":
        first = queue_services(user).first()
        if first is None:
            raise Http404(_("No such queue."))
        return redirect("citizen_requests:queue-service", service_id=first.pk)
    data = request.GET
    if name == "service" and "status" not in data:
        data = data.copy()
        data["status"] = "open"  # a service's queue opens on its open requests
    form = QueueFilterForm(data)
    filters = form.filters()
    queryset = queue_requests(user=user, queue=name, filters=filters, service=service)
    page = (form.cleaned_data.get("page") if form.is_valid() else None) or 1
    rows, has_next = queue_rows(queryset, page=page, size=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    counts = queue_counts(user)
    can_appoint = queue_q(user, "new") is not None  # heads of services and the front office
    return render(
        request,
        "citizen_requests/staff/queue.html",
        {
            "queue_name": name,
            "queue_title": service.name if service else QUEUES[name],
            "service": service,
            "queues": [(key, QUEUES[key], n) for key, n in counts.items()],
            "today": timezone.localdate(),
            "service_counts": queue_service_counts(user),
            "cap": COUNT_CAP,
            # The side navigation counted this queue already unless it is filtered or one service's.
            "total": counts[name]
            if name in counts and not request.GET and service is None
            else bounded_count(queryset),
            "form": form,
            "filters": filters,
            "sort_labels": [(k, SORT_LABELS[k]) for k in SORTS],
            "categories": categories_active(),
            "districts": District.objects.only("id", "name_uk", "name_en").order_by("name_uk"),
            "rows": rows,
            "page": page,
            "has_next": has_next,
            "query": query.urlencode(),
            "appoint_form": BulkAppointForm(user=user) if can_appoint else None,
            "next_url": request.get_full_path(),
        },
    )


@login_required
@require_POST
def queue_appoint(request):
    """Appoint one process owner (and deadline) on the selected requests."""
    _queue_user(request)
    form = BulkAppointForm(request.POST, user=request.user)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("citizen_requests:queues")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    result = requests_appoint_bulk(
        actor=request.user,
        request_ids=form.cleaned_data["requests"],
        owner=form.cleaned_data["owner"],
        deadline=form.cleaned_data["deadline"],
        comment=form.cleaned_data["comment"],
    )
    if result.done:
        messages.success(
            request,
            _("Process owner appointed: %(numbers)s.") % {"numbers": ", ".join(result.done)},
        )
    for number, reason in result.refused:
        messages.error(
            request, _("%(number)s was not changed: %(reason)s") % {"number": number, "reason": reason}
        )
    return redirect(back)

"""Staff pages of the notices: the list with drafts, the notice form (area drawn, streets,
buildings, districts or a radius), and the steps: publish, cancel, close, link requests."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.maps import VECTORGRID, map_options, map_render
from notices import permissions
from notices.exceptions import NoticeRefused
from notices.forms import CancelForm, CloseForm, LinkForm, NoticeForm
from notices.models import Notice
from notices.places import buildings_from_addresses
from notices.selectors import time_words
from notices.services.links import requests_link
from notices.services.notices import notice_cancel, notice_close, notice_create, notice_edit, notice_publish
from notices.views import notice_visible_or_404

GEOMAN = "vendor/@geoman-io/leaflet-geoman-free/leaflet-geoman.min.js"
# Service errors named after the notice's fields, shown at the form's fields.
FIELD_OF_ERROR = {"area": "area_method"}
GEOMAN_CSS = "vendor/@geoman-io/leaflet-geoman-free/leaflet-geoman.css"


def publisher_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('login')}?next={request.path}")
        if not permissions.can_publish(request.user):
            raise PermissionDenied(_("Only heads of services and notices editors publish notices."))
        return view(request, *args, **kwargs)

    return wrapped


@publisher_required
def staff_list(request):
    rows = Notice.objects.filter(permissions.manageable_q(request.user)).select_related("service")
    status = request.GET.get("status", "")
    if status in Notice.Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows.order_by("-updated_at", "-id"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/staff_list.html",
        {
            "page": page,
            "rows": [{"notice": n, "when": time_words(n)} for n in page.object_list],
            "status": status,
            "statuses": Notice.Status.choices,
        },
    )


def _form_map(form: NoticeForm, *, label: str):
    config = map_options(
        zoom=14,
        layers=[
            {
                "call": "initNoticeArea",
                "options": {
                    "geojson": form["geojson"].value() or "",
                    "lang": "uk" if (request_language() or "uk").startswith("uk") else "en",
                },
            }
        ],
    )
    return map_render(
        config, label=label, vendor=[VECTORGRID, GEOMAN], page="js/notices.js", css=[GEOMAN_CSS]
    )


def request_language() -> str:
    from django.utils.translation import get_language

    return get_language() or "uk"


def _form_page(request, *, notice: Notice | None):
    services = permissions.services_for(request.user).order_by("name_uk")
    if request.method == "POST":
        form = NoticeForm(request.POST, services=services)
        if form.is_valid():
            try:
                buildings = (
                    buildings_from_addresses(form.cleaned_data["building_addresses"])
                    if form.cleaned_data["area_method"] == Notice.AreaMethod.BUILDINGS
                    else []
                )
                data = form.notice_input(buildings)
                if notice is None:
                    saved = notice_create(actor=request.user, data=data, publish="publish" in request.POST)
                else:
                    saved = notice_edit(
                        notice=notice,
                        actor=request.user,
                        data=data,
                        version=form.cleaned_data.get("version"),
                        comment=form.cleaned_data.get("comment", ""),
                    )
            except NoticeRefused as exc:
                for field, message in exc.errors.items():
                    field = FIELD_OF_ERROR.get(field, field)
                    form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(
                    request,
                    _("The notice is published.")
                    if saved.status == Notice.Status.PUBLISHED
                    else _("The notice is saved."),
                )
                return redirect("notices:detail", pk=saved.pk)
        status = 400
    else:
        initial = (
            NoticeForm.initial_of(notice)
            if notice
            else {"nature": Notice.Nature.PLANNED, "area_method": Notice.AreaMethod.POLYGON}
        )
        if notice is None and services.count() == 1:
            only = services.first()
            initial.update(service=only.pk, phone=only.phone)
        form = NoticeForm(initial=initial, services=services)
        status = 200
    label = _("Draw the area of the notice")
    return render(
        request,
        "notices/form.html",
        {
            "form": form,
            "notice": notice,
            "map": _form_map(form, label=label),
            "phones": {s.pk: s.phone for s in services},
        },
        status=status,
    )


@publisher_required
@require_http_methods(["GET", "POST"])
def notice_new(request):
    return _form_page(request, notice=None)


@publisher_required
@require_http_methods(["GET", "POST"])
def notice_change(request, pk: int):
    notice = notice_visible_or_404(request.user, pk)
    if not permissions.can_manage(request.user, notice):
        raise PermissionDenied(_("This notice belongs to another service."))
    return _form_page(request, notice=notice)


@publisher_required
@require_POST
def notice_act(request, pk: int, action: str):
    notice = notice_visible_or_404(request.user, pk)
    if not permissions.can_manage(request.user, notice):
        raise PermissionDenied(_("This notice belongs to another service."))
    try:
        if action == "publish":
            notice_publish(notice=notice, actor=request.user, version=_version(request))
            messages.success(request, _("The notice is published."))
        elif action == "cancel":
            form = CancelForm(request.POST)
            form.is_valid()
            notice_cancel(
                notice=notice,
                actor=request.user,
                reason=form.cleaned_data.get("reason", ""),
                version=_version(request),
            )
            messages.success(request, _("The notice is cancelled."))
        elif action == "close":
            form = CloseForm(request.POST)
            form.is_valid()
            d = form.cleaned_data
            notice_close(
                notice=notice,
                actor=request.user,
                answer_uk=d.get("answer_uk", ""),
                answer_en=d.get("answer_en", ""),
                version=_version(request),
            )
            messages.success(request, _("The notice is closed; the linked requests are answered with it."))
        elif action == "link":
            form = LinkForm(request.POST)
            form.is_valid()
            links = requests_link(
                notice=notice, actor=request.user, numbers=form.cleaned_data.get("numbers", "")
            )
            messages.success(request, _("Requests linked: %(n)s.") % {"n": len(links)})
        else:
            raise NoticeRefused(_("Unknown step."))
    except NoticeRefused as exc:
        messages.error(request, exc.message)
        return redirect(reverse("notices:detail", args=[notice.pk]) + "#actions")
    return redirect("notices:detail", pk=notice.pk)


def _version(request) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None

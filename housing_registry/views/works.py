"""Pages of the works log: the list with filters, recording and updating a work, attachments."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from housing_registry import permissions, services
from housing_registry.exceptions import RegistryError, StaleVersion
from housing_registry.forms import AttachmentForm, WorkFilterForm, WorkRecordForm
from housing_registry.history import reason_text
from housing_registry.models import Building, WorkAttachment, WorkRecord
from housing_registry.permissions import registry_staff_required
from housing_registry.selectors import overdue_q, works_filtered
from housing_registry.services.works import WORK_FIELDS
from housing_registry.views.buildings import _add_errors, _file_response, forbidden


@require_GET
@registry_staff_required
def work_list(request):
    form = WorkFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else None
    queryset = works_filtered(filters).order_by("-planned_date", "-id")
    totals = queryset.aggregate(n=Count("id"), cost=Sum("cost"), overdue=Count("id", filter=overdue_q()))
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    building = None
    if filters and filters.building:
        building = Building.objects.filter(pk=filters.building).first()
    return render(
        request,
        "housing_registry/work_list.html",
        {
            "form": form,
            "page": page,
            "totals": totals,
            "query": query.urlencode(),
            "building": building,
            "can_log_work": bool(permissions.loggable_systems(request.user)),
        },
    )


@require_http_methods(["GET", "POST"])
@registry_staff_required
def work_create(request):
    building = get_object_or_404(
        Building, pk=request.GET.get("building") or request.POST.get("building") or 0
    )
    systems = permissions.loggable_systems(request.user)
    if not systems:
        return forbidden(request, PermissionDenied(_("Your organisation does not keep works on buildings.")))
    if request.method == "POST":
        form = WorkRecordForm(request.POST, instance=WorkRecord(building=building), systems=systems)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in WORK_FIELDS}
            try:
                work = services.work_record_create(building=building, data=data, actor=request.user)
            except PermissionDenied as exc:
                return forbidden(request, exc)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The work is recorded."))
                return redirect("housing_registry:work", pk=work.pk)
    else:
        form = WorkRecordForm(
            instance=WorkRecord(building=building),
            systems=systems,
            initial={"system": request.GET.get("system") or systems[0]},
        )
    return render(
        request, "housing_registry/work_form.html", {"form": form, "building": building, "work": None}
    )


@require_http_methods(["GET", "POST"])
@registry_staff_required
def work_detail(request, pk: int):
    work = get_object_or_404(WorkRecord.objects.select_related("building", "contractor", "created_by"), pk=pk)
    can_change = permissions.can_change_work(request.user, work)
    systems = permissions.loggable_systems(request.user)
    stale = None
    if request.method == "POST":
        if not can_change:
            return forbidden(
                request, PermissionDenied(_("Your organisation does not keep works on this system."))
            )
        form = WorkRecordForm(request.POST, instance=work, systems=systems)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in WORK_FIELDS}
            try:
                services.work_record_update(
                    work_id=work.pk,
                    data=data,
                    expected_version=form.cleaned_data.get("version") or 0,
                    actor=request.user,
                )
            except PermissionDenied as exc:
                return forbidden(request, exc)
            except StaleVersion as exc:
                stale = exc
                form.data = form.data.copy()
                form.data["version"] = str(exc.current.version)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The work record is saved."))
                return redirect("housing_registry:work", pk=work.pk)
    else:
        form = WorkRecordForm(instance=work, systems=systems, initial={"version": work.version})
    if not can_change:
        for field in form.fields.values():
            field.disabled = True
    history = list(work.history.select_related("history_user").order_by("-history_date")[:20])
    for record in history:
        record.reason_text = reason_text(record.history_change_reason or "")
    return render(
        request,
        "housing_registry/work_form.html",
        {
            "form": form,
            "building": work.building,
            "work": work,
            "can_change": can_change,
            "stale": stale,
            "history": history,
            "attachments": work.attachments.select_related("uploaded_by"),
            "attachment_form": AttachmentForm(),
        },
        status=409 if stale else 200,
    )


@require_POST
@registry_staff_required
def attachment_add(request, pk: int):
    work = get_object_or_404(WorkRecord, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
        return redirect("housing_registry:work", pk=pk)
    try:
        services.work_attachment_add(
            work=work, title=form.cleaned_data["title"], upload=form.cleaned_data["file"], actor=request.user
        )
    except PermissionDenied as exc:
        return forbidden(request, exc)
    except RegistryError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The file is attached."))
    return redirect(reverse("housing_registry:work", args=[pk]) + "#attachments")


@require_GET
@registry_staff_required
def attachment_file(request, pk: int):
    attachment = get_object_or_404(WorkAttachment, pk=pk)
    return _file_response(attachment.file, attachment.file.name.rsplit("/", 1)[-1])

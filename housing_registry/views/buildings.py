"""Pages of the building sheets: the list, a sheet, its sections, its history (the staff map is
in staff_map.py)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.maps import map_options
from housing_registry import permissions, services
from housing_registry.display import building_value, elevators_text, field_label
from housing_registry.exceptions import RegistryError, StaleVersion
from housing_registry.forms import (
    BuildingFilterForm,
    DocumentForm,
    ElevatorFormSet,
    VersionForm,
    section_form_class,
)
from housing_registry.history import building_document_events, building_versions, diff_values, record_values
from housing_registry.models import Building, BuildingDocument
from housing_registry.permissions import registry_staff_required
from housing_registry.sections import SECTION_BY_SLUG, SECTIONS, section_of_field
from housing_registry.selectors import building_for_sheet, buildings_filtered

SORTS = {
    "address": ("address",),
    "-address": ("-address",),
    "district": ("district__name_uk", "address"),
    "year": ("year_built", "address"),
    "-year": ("-year_built", "address"),
    "floors": ("floors", "address"),
    "-floors": ("-floors", "address"),
    "state": ("technical_state", "address"),
}


def forbidden(request, exc: PermissionDenied) -> HttpResponse:
    return render(request, "housing_registry/forbidden.html", {"reason": str(exc)}, status=403)


@require_GET
@registry_staff_required
def building_list(request):
    form = BuildingFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    queryset = buildings_filtered(form.filters() if form.is_bound else None).select_related(
        "heating_provider"
    )
    sort = request.GET.get("sort", "address")
    queryset = queryset.order_by(*SORTS.get(sort, SORTS["address"]))
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    return render(
        request,
        "housing_registry/building_list.html",
        {
            "form": form,
            "page": page,
            "total": page.paginator.count,
            "query": query.urlencode(),
            "sort_query": sort_query.urlencode(),
            "sort": sort,
        },
    )


# -- the sheet -----------------------------------------------------------------------------------


def _sheet_sections(building: Building, user) -> list[dict]:
    editable = permissions.editable_sections(user)
    out = []
    for section in SECTIONS:
        rows = []
        for name in section.fields:
            if name == "elevators":
                continue
            rows.append(
                {
                    "name": name,
                    "label": field_label(name),
                    "value": building_value(building, name),
                    "unknown": getattr(building, name) in (None, "", []),
                }
            )
        out.append({"section": section, "rows": rows, "editable": section.slug in editable})
    return out


@require_GET
@registry_staff_required
def sheet(request, pk: int):
    try:
        building = building_for_sheet(pk)
    except Building.DoesNotExist:
        raise Http404 from None
    works = building.works.select_related("contractor").order_by("-planned_date")[:10]
    versions = building.history.count()
    last = building.history.select_related("history_user").order_by("-history_date").first()
    return render(
        request,
        "housing_registry/sheet.html",
        {
            "building": building,
            "sections": _sheet_sections(building, request.user),
            "elevators": building.elevators_by_entrance(),
            "elevator_summary": elevators_text(building.elevators),
            "documents": building.documents.select_related("uploaded_by"),
            "document_form": DocumentForm(),
            "can_edit_documents": permissions.can_edit_section(request.user, "documents"),
            "works": works,
            "work_count": building.works.count(),
            "can_log_work": bool(permissions.loggable_systems(request.user)),
            "version_count": versions,
            "last_change": last,
            "map_options": map_options(footprint=json.loads(building.footprint.geojson)),
        },
    )


@require_http_methods(["GET", "POST"])
@registry_staff_required
def section_edit(request, pk: int, section: str):
    if section not in SECTION_BY_SLUG or not SECTION_BY_SLUG[section].editable_in_form:
        raise Http404
    building = get_object_or_404(Building, pk=pk)
    try:
        permissions.ensure_can_edit_section(request.user, section)
    except PermissionDenied as exc:
        return forbidden(request, exc)
    if section == "elevators":
        return _elevators_edit(request, building)
    form_class = section_form_class(section)
    stale = None
    if request.method == "POST":
        form = form_class(request.POST, instance=building)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in SECTION_BY_SLUG[section].fields}
            try:
                services.building_section_update(
                    building_id=building.pk,
                    section=section,
                    data=data,
                    expected_version=form.cleaned_data["version"],
                    actor=request.user,
                )
            except StaleVersion as exc:
                stale = exc
                fresh = Building.objects.get(pk=building.pk)
                form = form_class(initial={**exc.merged, "version": fresh.version}, instance=fresh)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request, _("Saved: %(section)s.") % {"section": SECTION_BY_SLUG[section].title}
                )
                return redirect(reverse("housing_registry:sheet", args=[building.pk]) + f"#section-{section}")
    else:
        form = form_class(instance=building, initial={"version": building.version})
    return render(
        request,
        "housing_registry/section_form.html",
        {"building": building, "section": SECTION_BY_SLUG[section], "form": form, "stale": stale},
        status=409 if stale else 200,
    )


def _add_errors(form, exc: ValidationError) -> None:
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _elevators_edit(request, building: Building):
    stale, problems = None, []
    if request.method == "POST":
        formset = ElevatorFormSet(request.POST, prefix="elevators")
        version_form = VersionForm(request.POST)
        if formset.is_valid() and version_form.is_valid():
            elevators = [
                {k: f.cleaned_data.get(k) for k in ("entrance", "year", "state", "capacity_kg")}
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            elevators.sort(key=lambda e: (e["entrance"], e["year"] or 0))
            try:
                services.building_section_update(
                    building_id=building.pk,
                    section="elevators",
                    data={"elevators": elevators},
                    expected_version=version_form.cleaned_data["version"],
                    actor=request.user,
                )
            except StaleVersion as exc:
                stale = exc
                building = Building.objects.get(pk=building.pk)
                formset = ElevatorFormSet(initial=exc.merged.get("elevators") or [], prefix="elevators")
                version_form = VersionForm(initial={"version": building.version})
            except ValidationError as exc:
                problems = [m for msgs in exc.message_dict.values() for m in msgs]
            else:
                messages.success(
                    request, _("Saved: %(section)s.") % {"section": SECTION_BY_SLUG["elevators"].title}
                )
                return redirect(reverse("housing_registry:sheet", args=[building.pk]) + "#section-elevators")
    else:
        formset = ElevatorFormSet(initial=building.elevators, prefix="elevators")
        version_form = VersionForm(initial={"version": building.version})
    return render(
        request,
        "housing_registry/elevators_form.html",
        {
            "building": building,
            "section": SECTION_BY_SLUG["elevators"],
            "formset": formset,
            "version_form": version_form,
            "stale": stale,
            "problems": problems,
        },
        status=409 if stale else 200,
    )


# -- history -----------------------------------------------------------------------------------


@require_GET
@registry_staff_required
def history(request, pk: int):
    building = get_object_or_404(Building, pk=pk)
    versions = building_versions(building)
    current = record_values(building)
    editable = permissions.editable_sections(request.user)
    restorable = {}
    for record in building.history.all():
        changed = diff_values(current, record_values(record))
        sections = {section_of_field(f) for f in changed}
        restorable[record.history_id] = bool(changed) and sections <= editable
    for version in versions:
        version.restorable = restorable.get(version.history_id, False)
    return render(
        request,
        "housing_registry/history.html",
        {
            "building": building,
            "versions": versions,
            "documents": building_document_events(building),
        },
    )


@require_POST
@registry_staff_required
def restore(request, pk: int, history_id: int):
    building = get_object_or_404(Building, pk=pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete; try again."))
        return redirect("housing_registry:history", pk=pk)
    try:
        restored = services.building_restore(
            building_id=building.pk,
            history_id=history_id,
            expected_version=form.cleaned_data["version"],
            actor=request.user,
        )
    except PermissionDenied as exc:
        return forbidden(request, exc)
    except StaleVersion as exc:
        messages.error(request, exc.message)
        return redirect("housing_registry:history", pk=pk)
    except RegistryError as exc:
        messages.error(request, exc.message)
        return redirect("housing_registry:history", pk=pk)
    messages.success(request, _("Restored. The sheet is now version %(n)s.") % {"n": restored.version})
    return redirect("housing_registry:history", pk=pk)


# -- documents -----------------------------------------------------------------------------------


@require_POST
@registry_staff_required
def document_add(request, pk: int):
    building = get_object_or_404(Building, pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file and its kind."))
        return redirect(reverse("housing_registry:sheet", args=[pk]) + "#section-documents")
    try:
        services.building_document_add(
            building=building,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["file"],
            actor=request.user,
        )
    except PermissionDenied as exc:
        return forbidden(request, exc)
    except RegistryError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The document is attached."))
    return redirect(reverse("housing_registry:sheet", args=[pk]) + "#section-documents")


@require_GET
@registry_staff_required
def document_file(request, pk: int):
    document = get_object_or_404(BuildingDocument, pk=pk)
    return _file_response(document.file, document.file.name.rsplit("/", 1)[-1])


@require_POST
@registry_staff_required
def document_remove(request, pk: int):
    document = get_object_or_404(BuildingDocument, pk=pk)
    building_id = document.building_id
    try:
        services.building_document_remove(document=document, actor=request.user)
    except PermissionDenied as exc:
        return forbidden(request, exc)
    messages.success(request, _("The document is removed; the history keeps the record of it."))
    return redirect(reverse("housing_registry:sheet", args=[building_id]) + "#section-documents")


def _file_response(field_file, filename: str) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from the storage.")) from None
    response = FileResponse(handle, as_attachment=False, filename=filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response

"""Reports (on screen, CSV, XLSX, PDF), the registry export and the bulk import."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from housing_registry import exports, report_files
from housing_registry.exceptions import ImportRejected, RegistryError
from housing_registry.forms import BuildingFilterForm, ImportConfirmForm, ImportUploadForm, ReportForm
from housing_registry.permissions import editable_sections, registry_staff_required
from housing_registry.reports import buildings_report, works_report
from housing_registry.selectors import buildings_filtered
from housing_registry.services import imports
from housing_registry.views.buildings import forbidden

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "gpkg": "application/geopackage+sqlite3",
}
SCREEN_ROWS = 200


def _download(content: bytes, fmt: str, stem: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}-{timezone.localdate():%Y-%m-%d}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _who(user) -> str:
    return user.get_full_name() or user.username


@require_GET
@registry_staff_required
def report(request):
    form = ReportForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        kind = form.cleaned_data["report"]
        if kind == "buildings":
            result = buildings_report(
                filters=BuildingFilterForm.filters(form),
                group_by=form.cleaned_data.get("building_group") or "",
                criteria=BuildingFilterForm.criteria(form) or [_("The whole city")],
            )
        else:
            filters = form.filters()
            filters.overdue = filters.overdue or kind == "overdue"
            # The buildings' filters of the form narrow the works to those buildings (address and
            # district are the works' own filters already).
            filters.buildings = BuildingFilterForm.filters(form)
            filters.buildings.q, filters.buildings.district = "", None
            own = (str(form.fields["q"].label), str(form.fields["district"].label))
            criteria = [
                c for c in form.work_criteria() if not c.startswith(str(form.fields["overdue"].label))
            ] + [c for c in BuildingFilterForm.criteria(form) if not c.startswith(own)]
            result = works_report(
                filters=filters,
                group_by=form.cleaned_data.get("work_group") or "",
                criteria=criteria or [_("The whole city, all periods")],
            )
        result.generated_by = _who(request.user)
        fmt = request.GET.get("format", "html")
        try:
            if fmt == "csv":
                return _download(report_files.report_csv(result), "csv", result.slug)
            if fmt == "xlsx":
                return _download(report_files.report_xlsx(result), "xlsx", result.slug)
            if fmt == "pdf":
                return _download(report_files.report_pdf(result), "pdf", result.slug)
        except RegistryError as exc:
            messages.error(request, exc.message)
    page = None
    if result is not None:
        page = Paginator(result.rows, SCREEN_ROWS).get_page(request.GET.get("page"))
        page.display_rows = [
            [
                (
                    report_files.cell_text(v, c.kind, none_is_unknown=c.none_is_unknown),
                    c.kind,
                    v is None and c.none_is_unknown,
                )
                for c, v in zip(result.columns, row, strict=True)
            ]
            for row in page.object_list
        ]
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "housing_registry/reports.html",
        {
            "form": form,
            "report": result,
            "page": page,
            "totals": [
                (report_files.cell_text(v, c.kind, none_is_unknown=False), c.kind)
                for c, v in zip(result.columns, result.totals or [], strict=False)
            ]
            if result
            else [],
            "query": query.urlencode(),
        },
    )


@require_GET
@registry_staff_required
def export(request, fmt: str):
    form = BuildingFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    queryset = buildings_filtered(form.filters() if form.is_bound else None)
    if fmt == "csv":
        return _download(exports.registry_csv(queryset), "csv", "housing-registry")
    if fmt == "xlsx":
        return _download(exports.registry_xlsx(queryset), "xlsx", "housing-registry")
    return _download(exports.registry_gpkg(queryset), "gpkg", "housing-registry")


@require_http_methods(["GET", "POST"])
@registry_staff_required
def bulk_import(request):
    """Upload -> preview (changes and per-row errors) -> confirm (all, or skip wrong rows)."""
    if not editable_sections(request.user):
        return forbidden(request, PermissionDenied(_("Importing needs the right to edit sheet sections.")))
    context = {"upload_form": ImportUploadForm(), "preview": None, "rejected": None}
    pending = request.session.get("registry_import")
    if request.method == "POST" and "token" in request.POST:
        confirm = ImportConfirmForm(request.POST)
        if not confirm.is_valid() or not pending or pending["token"] != confirm.cleaned_data["token"]:
            messages.error(request, _("This import is no longer pending; send the file again."))
            return redirect("housing_registry:import")
        try:
            table = imports.import_upload_load(
                token=pending["token"], name=pending["name"], actor=request.user
            )
            result = imports.import_apply(
                table=table,
                actor=request.user,
                skip_bad_rows=confirm.cleaned_data["skip_bad_rows"],
                expected_versions=pending["versions"],
            )
        except ImportRejected as exc:
            context["rejected"] = exc
            context["preview"] = _preview_or_none(request, pending)
            if context["preview"] is not None:
                # Confirming again applies what this fresh preview shows.
                pending["versions"] = context["preview"].versions
                request.session["registry_import"] = pending
            context["confirm_form"] = ImportConfirmForm(initial={"token": pending["token"]})
            return render(request, "housing_registry/import.html", context, status=400)
        imports.import_upload_discard(token=pending["token"], name=pending["name"], actor=request.user)
        del request.session["registry_import"]
        messages.success(
            request,
            _("Imported: %(n)s sheets changed, %(s)s wrong rows skipped.")
            % {"n": len(result.applied), "s": len(result.skipped)},
        )
        return redirect("housing_registry:import")
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        context["upload_form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read(imports.MAX_BYTES + 1)  # over the limit: refused, not read to the end
            try:
                table = imports.import_table_read(name=upload.name, content=content)
                preview = imports.import_preview(table=table, actor=request.user)
            except ImportRejected as exc:
                context["rejected"] = exc
                return render(request, "housing_registry/import.html", context, status=400)
            if pending:
                imports.import_upload_discard(
                    token=pending["token"], name=pending["name"], actor=request.user
                )
            token = imports.import_upload_store(name=upload.name, content=content, actor=request.user)
            request.session["registry_import"] = {
                "token": token,
                "name": table.name,
                "versions": preview.versions,
            }
            context["preview"] = preview
            context["confirm_form"] = ImportConfirmForm(initial={"token": token})
            return render(request, "housing_registry/import.html", context, status=200)
    return render(request, "housing_registry/import.html", context)


def _preview_or_none(request, pending):
    try:
        table = imports.import_upload_load(token=pending["token"], name=pending["name"], actor=request.user)
        return imports.import_preview(table=table, actor=request.user)
    except ImportRejected:
        return None

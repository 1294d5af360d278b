"""/staff/layers/<slug>/import: upload a file, watch it being read, check the preview (counts,
geometry types, fields, first rows on a map, field mapping, encoding, CRS, problems by row),
then apply it — or change the reading options and preview again. GIS admins only."""

from __future__ import annotations

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gis_layers.exceptions import ImportRefused, ImportRejected, LayerError
from gis_layers.forms import ImportApplyForm, ImportOptionsForm, ImportUploadForm
from gis_layers.importers.readers import ENCODINGS
from gis_layers.importers.safety import max_bytes
from gis_layers.models import ImportJob
from gis_layers.permissions import can_import, ensure
from gis_layers.selectors import layer_for
from gis_layers.services.imports import (
    import_job_create,
    import_job_discard,
    import_job_reconfigure,
    import_job_request_apply,
)
from gis_layers.tasks import import_apply_task, import_preview_task, run_in_background
from gis_layers.views.staff import staff_required


@staff_required
def import_upload(request, slug: str):
    layer = layer_for(request.user, slug)
    ensure(can_import(request.user, layer))
    refusal = None
    # Refuse an oversized upload before reading its body.
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if request.method == "POST" and declared > max_bytes() + 1024 * 1024:
        try:
            from gis_layers.importers.safety import check_size

            check_size(declared)
        except ImportRefused as exc:
            refusal = exc.message
        form = ImportUploadForm()
    else:
        form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and refusal is None and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_job_create(
                layer=layer,
                actor=request.user,
                upload=upload,
                original_name=upload.name,
                options={"encoding": form.cleaned_data["encoding"], "crs": form.cleaned_data["crs"]},
            )
        except ImportRefused as exc:
            refusal = exc.message
        else:
            run_in_background(import_preview_task, job.pk)
            return redirect("staff-import-job", layer.slug, job.pk)
    status = 400 if refusal or (request.method == "POST" and form.errors) else 200
    return render(
        request,
        "gis_layers/import_upload.html",
        {"layer": layer, "form": form, "refusal": refusal, "limit": max_bytes()},
        status=status,
    )


def _job(request, slug: str, pk: int) -> ImportJob:
    layer = layer_for(request.user, slug)
    ensure(can_import(request.user, layer))
    return get_object_or_404(ImportJob.objects.select_related("layer", "created_by"), pk=pk, layer=layer)


@staff_required
def import_job(request, slug: str, pk: int):
    job = _job(request, slug, pk)
    options_form = ImportOptionsForm(job=job)
    apply_form = ImportApplyForm(layer=job.layer)
    rejected = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "reconfigure":
                options_form = ImportOptionsForm(request.POST, job=job)
                if options_form.is_valid():
                    import_job_reconfigure(job=job, actor=request.user, options=options_form.options())
                    run_in_background(import_preview_task, job.pk)
                    return redirect("staff-import-job", slug, job.pk)
                status = 400
            elif action == "apply":
                apply_form = ImportApplyForm(request.POST, layer=job.layer)
                if apply_form.is_valid():
                    d = apply_form.cleaned_data
                    import_job_request_apply(
                        job=job,
                        actor=request.user,
                        mode=d["mode"],
                        key_field=d.get("key_field", ""),
                        skip_bad_rows=d.get("skip_bad_rows", False),
                    )
                    run_in_background(import_apply_task, job.pk)
                    return redirect("staff-import-job", slug, job.pk)
                status = 400
            elif action == "discard":
                import_job_discard(job=job, actor=request.user)
                messages.success(request, _("The import was discarded; the layer was not changed."))
                return redirect("staff-layer-import", slug)
        except ImportRejected as exc:
            rejected, status = exc, 400
        except LayerError as exc:
            messages.error(request, exc.message)
            status = 400
    errors = job.report.get("errors", []) if job.report else []
    preview_map = None
    if job.status == ImportJob.Status.PREVIEW and job.preview.get("sample") and not job.layer.is_table:
        from core.maps import preview_map as make_preview_map

        preview_map = make_preview_map(
            sample=job.preview["sample"],
            bbox=job.preview.get("bbox"),
            label=_("The first rows of the file on the map"),
            colour=job.layer.style.get("colour", "#2563eb"),
        )
    return render(
        request,
        "gis_layers/import_job.html",
        {
            "layer": job.layer,
            "job": job,
            "preview": job.preview,
            "errors": errors,
            "key_errors": (job.report or {}).get("key_errors", []),
            "options_form": options_form,
            "apply_form": apply_form,
            "rejected": rejected,
            "encodings": ENCODINGS,
            "status_url": reverse("staff-import-status", args=[slug, job.pk]),
            "fields": job.layer.fields,
            "preview_map": preview_map,
        },
        status=status,
    )


@staff_required
def import_status(request, slug: str, pk: int):
    job = _job(request, slug, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_display": job.get_status_display(),
            "progress": job.progress,
            "phase": job.phase,
            "message": job.message,
            "finished": job.finished or job.status == ImportJob.Status.PREVIEW,
        }
    )

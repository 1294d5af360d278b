# Over 400 lines: the import job's whole life (create, reconfigure, preview, stage, apply, expire) as one state machine.
"""Imports: a file is checked, read and staged (the preview), then applied to the layer in one
transaction — append, replace all, or update by a key field and add the rest.

The two steps run in the background (gis_layers.tasks) for the web page and in the foreground
for `manage.py import_layer`; both call the functions here. A refusal or rejection leaves the
layer as it was; the layer stays readable while an import runs (readers see the old features
until the apply commits).
"""

from __future__ import annotations

import datetime
import logging
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import shapely
from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from city.selectors import municipality
from gis_layers.exceptions import ImportRefused, ImportRejected, LayerError, RowError
from gis_layers.history import history_record
from gis_layers.importers.limits import FileRefused, vertex_precheck
from gis_layers.importers.prepare import prepare_rows, suggest_mapping
from gis_layers.importers.readers import ENCODINGS, ReadResult, read_dataset
from gis_layers.importers.safety import check_name, check_size, cleanup, stored_upload_dir, unpack
from gis_layers.importers.staging import (
    progress_write,
    qualified,
    staging_drop_sql,
    staging_exists,
    staging_write,
)
from gis_layers.models import ImportJob, Layer
from gis_layers.permissions import can_import, ensure

log = logging.getLogger(__name__)
OPTION_KEYS = ("encoding", "crs", "source_layer", "mapping")
Status = ImportJob.Status


EXPIRE_AFTER_HOURS = 48


def import_jobs_expire() -> int:
    """Discard previews nobody applied for two days: their staging tables and files go."""
    cutoff = timezone.now() - datetime.timedelta(hours=EXPIRE_AFTER_HOURS)
    stale = ImportJob.objects.filter(
        updated_at__lt=cutoff, status__in=[Status.PREVIEW, Status.REFUSED, Status.FAILED, Status.QUEUED]
    )
    count = 0
    for job in stale:
        with connection.cursor() as cursor:
            cursor.execute(staging_drop_sql(job.pk))
        if job.stored_path:
            Path(job.stored_path).unlink(missing_ok=True)
        ImportJob.objects.filter(pk=job.pk).update(status=Status.DISCARDED)
        count += 1
    return count


def import_job_create(
    *, layer: Layer, actor, upload, original_name: str, options: dict | None = None
) -> ImportJob:
    """Store an uploaded file as a new import of `layer` (size, name and type checked first;
    ImportRefused stores nothing). `upload` is a Django UploadedFile or a path."""
    if actor is not None:
        ensure(can_import(actor, layer))
    size = upload.size if hasattr(upload, "size") else Path(upload).stat().st_size
    check_size(size)
    check_name(original_name)
    import_jobs_expire()
    target = stored_upload_dir() / f"{uuid.uuid4().hex}{Path(original_name).suffix.lower()}"
    if hasattr(upload, "chunks"):
        with open(target, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
    else:
        shutil.copyfile(upload, target)
    return ImportJob.objects.create(
        layer=layer,
        created_by=actor,
        original_name=Path(original_name).name[:255],
        stored_path=str(target),
        size=size,
        options=_options(options or {}),
    )


def _options(options: dict) -> dict:
    clean = {k: options[k] for k in OPTION_KEYS if options.get(k) not in (None, "")}
    if clean.get("encoding") and clean["encoding"] not in ENCODINGS:
        raise ImportRefused(_("Unknown text encoding “%(e)s”.") % {"e": clean["encoding"]})
    return clean


def import_job_reconfigure(*, job: ImportJob, actor, options: dict) -> ImportJob:
    """New reading options (encoding, CRS, source layer, field mapping): the preview is made again."""
    if actor is not None:
        ensure(can_import(actor, job.layer))
    if job.status not in (Status.PREVIEW, Status.REFUSED):
        raise LayerError(_("This import cannot be changed any more."))
    switched = options.get("source_layer", "") not in ("", (job.preview or {}).get("layer", ""))
    job.options = {**job.options, **_options(options)}
    for key in OPTION_KEYS:
        if key in options and options[key] in (None, ""):
            job.options.pop(key, None)
    if switched:
        # The mapping was made for the columns of the sublayer shown before; the new one's
        # columns are mapped by name again (else same-named columns would stay unmapped).
        job.options.pop("mapping", None)
    job.status, job.progress, job.phase, job.message = Status.QUEUED, 0, "", ""
    job.save()
    return job


def _progress(job: ImportJob, share: float, phase: str) -> None:
    """Tell the page how far the job is: at most twice a second, or when the phase changes."""
    progress = max(0, min(100, int(share * 100)))
    now = time.monotonic()
    if phase == job.phase and now - getattr(job, "_progress_at", 0) < 0.5:
        return
    job.progress, job.phase, job._progress_at = progress, phase, now
    progress_write(job.pk, progress, phase)


def import_job_preview(*, job_id: int) -> ImportJob:
    """Read and check the file, stage the rows that fit, and describe it all for the person."""
    job = ImportJob.objects.select_related("layer").get(pk=job_id)
    if job.status not in (Status.QUEUED, Status.PREVIEW, Status.REFUSED):
        return job
    job.status, job.message = Status.READING, ""
    job.save(update_fields=["status", "message", "updated_at"])
    workdir = Path(tempfile.mkdtemp(prefix=f"misto-import-{job.pk}-"))
    try:
        _progress(job, 0.05, _("checking the file"))
        if not job.stored_path or not Path(job.stored_path).exists():
            raise ImportRefused(_("The uploaded file is no longer kept; upload it again."))
        try:
            unpacked = unpack(
                Path(job.stored_path),
                job.original_name,
                workdir,
                source_layer=job.options.get("source_layer", ""),
                table=job.layer.is_table,
            )
            if not job.layer.is_table:
                vertex_precheck(unpacked.path, unpacked.format)  # a million-vertex polygon stops here
        except ImportRefused as exc:
            raise FileRefused(exc.message) from None
        _progress(job, 0.1, _("reading the file"))
        read = read_dataset(
            unpacked,
            encoding=job.options.get("encoding", ""),
            crs=job.options.get("crs", ""),
            layer=job.options.get("source_layer", ""),
            geometry_type=job.layer.geometry_type,
            field_names=[f.name for f in job.layer.fields],
        )
        job.format = unpacked.format
        _stage(job, read)
        job.status, job.progress, job.phase = Status.PREVIEW, 100, ""
    except ImportRefused as exc:
        job.status, job.message, job.progress = Status.REFUSED, exc.message, 100
        if isinstance(exc, FileRefused) and job.stored_path:
            # Unsafe, damaged or too heavy: no option makes it readable, so it is not kept.
            Path(job.stored_path).unlink(missing_ok=True)
            job.stored_path = ""
    except Exception:
        log.exception("import %s: preview failed", job.pk)
        job.status, job.progress = Status.FAILED, 100
        job.message = _("The file could not be read because of an error on our side; nothing was changed. "
                        "The administrators can see the details in the log.")  # fmt: skip
    finally:
        cleanup(workdir)
    job.save()
    return job


def _stage(job: ImportJob, read: ReadResult, source_ids=None) -> None:
    """Check the rows read against the layer, stage the ones that fit, describe the result."""
    if len(read.frame) == 0:
        raise ImportRefused(
            _("The file holds no rows.") if job.layer.is_table else _("The file holds no features.")
        )
    layer = job.layer
    suggested = suggest_mapping(layer.fields, read.columns)
    chosen = job.options.get("mapping", {})
    # The person's choice where it names a column of what was read ("" = not imported),
    # else the match by name.
    mapping = {
        f.name: (
            chosen[f.name]
            if f.name in chosen and chosen[f.name] in ("", *read.columns)
            else suggested[f.name]
        )
        for f in layer.fields
    }
    city = municipality()
    city_shape = shapely.from_wkb(bytes(city.boundary.buffer(0.01).wkb)) if city else None
    _progress(job, 0.35, _("checking the rows"))
    prepared = prepare_rows(
        read.frame,
        layer,
        mapping,
        source_ids=source_ids,
        city=city_shape,
        progress=lambda share: _progress(job, 0.35 + 0.35 * share, _("checking the rows")),
    )
    _progress(job, 0.7, _("staging the rows"))
    staging_write(
        job.pk,
        prepared.rows,
        progress=lambda share: _progress(job, 0.7 + 0.28 * share, _("staging the rows")),
    )
    mapped = set(mapping.values())
    job.preview = {
        "format": read.format_name,
        "layers": read.layers,
        "layer": read.layer,
        "sublayers": read.sublayers,
        "renamed": read.renamed,
        "count": prepared.total,
        "valid": len(prepared.rows),
        "geometry_types": prepared.geometry_types,
        "columns": read.columns,
        "mapping": mapping,
        "suggested": suggested,
        "unmapped_columns": [c for c in read.columns if c not in mapped],
        "encoding": read.encoding,
        "encoding_source": read.encoding_source,
        "crs": read.source_crs,
        "crs_stated": read.crs_stated_by_user,
        "notes": read.notes,
        "repaired": prepared.repaired[:200],
        "repaired_count": len(prepared.repaired),
        "outside_city": len(prepared.outside_city),
        "outside_rows": prepared.outside_city[:20],
        "bbox": [float(v) for v in prepared.rows.total_bounds]
        if len(prepared.rows) and not layer.is_table
        else None,
        "table": layer.is_table,
        "sample": prepared.sample,
    }
    job.report = {
        "errors": [e.as_dict() for e in prepared.errors],
        "error_count": prepared.error_count,
        "bad_rows": len(prepared.bad_rows),
        "reasons": [[name, reason, n] for (name, reason), n in prepared.reasons.most_common(3)],
    }


def import_job_from_rows(
    *, layer: Layer, actor, read: ReadResult, source_ids, name: str, mapping: dict
) -> ImportJob:
    """An import of rows read elsewhere (an OSM extract): checked and staged like a file."""
    if actor is not None:
        ensure(can_import(actor, layer))
    job = ImportJob.objects.create(
        layer=layer, created_by=actor, original_name=name[:255], format="osm", options={"mapping": mapping}
    )
    try:
        _stage(job, read, source_ids=source_ids)
        job.status, job.progress = Status.PREVIEW, 100
    except ImportRefused as exc:
        job.status, job.message = Status.REFUSED, exc.message
    job.save()
    return job


def _key_problems(job: ImportJob, key: str) -> list[RowError]:
    """Rows whose key is empty or repeated: an update by key must know which feature is meant."""
    table = qualified(job.pk)
    expression = "s.source_id" if key == "source_id" else "s.properties->>%(key)s"
    problems = []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT row_no FROM {table} s WHERE coalesce({expression}, '') = '' ORDER BY row_no",
            {"key": key},
        )
        for (row,) in cursor.fetchall():
            problems.append(RowError(row, key, _("is empty, but it is the key of the update")))
        cursor.execute(
            f"SELECT {expression}, array_agg(row_no ORDER BY row_no) FROM {table} s "
            f"WHERE coalesce({expression}, '') <> '' GROUP BY 1 HAVING count(*) > 1 ORDER BY min(row_no)",
            {"key": key},
        )
        for value, rows in cursor.fetchall():
            for row in rows[1:]:
                problems.append(
                    RowError(
                        row,
                        key,
                        _("“%(v)s” appears again (first at row %(first)d)") % {"v": value, "first": rows[0]},
                    )
                )
    return problems


def import_job_request_apply(
    *, job: ImportJob, actor, mode: str, key_field: str = "", skip_bad_rows: bool = False
) -> ImportJob:
    """Check the person's choice and queue the apply; ImportRejected when rows are bad and the
    person did not choose to skip them."""
    if actor is not None:
        ensure(can_import(actor, job.layer))
    if job.status != Status.PREVIEW:
        raise LayerError(_("This import is not waiting to be applied."))
    if mode not in ImportJob.Mode.values:
        raise LayerError(_("Choose how to apply the import: append, replace or update by key."))
    if mode == ImportJob.Mode.UPSERT:
        keys = {f.name for f in job.layer.fields} | {"source_id"}
        if key_field not in keys:
            raise LayerError(_("Choose the key field the update matches features by."))
    bad = job.report.get("bad_rows", 0)
    if bad and not skip_bad_rows:
        raise ImportRejected(
            _("%(n)d rows do not fit the layer (listed below). Fix the file, or choose to skip these rows.")
            % {"n": bad},
            [RowError(**e) for e in job.report.get("errors", [])],
        )
    job.options = {**job.options, "mode": mode, "key_field": key_field, "skip_bad_rows": bool(skip_bad_rows)}
    job.status, job.progress, job.phase, job.message = Status.APPLYING, 0, _("waiting to start"), ""
    job.save()
    return job


def import_job_apply(*, job_id: int) -> ImportJob:
    """Apply a staged import to its layer in one transaction (after import_job_request_apply)."""
    job = ImportJob.objects.select_related("layer", "created_by").get(pk=job_id)
    if job.status != Status.APPLYING:
        return job
    mode = job.options.get("mode", ImportJob.Mode.APPEND)
    key = job.options.get("key_field", "")
    skip = job.options.get("skip_bad_rows", False)
    try:
        if not staging_exists(job.pk):
            raise LayerError(_("The checked rows of this import are gone; upload the file again."))
        excluded: list[int] = []
        if mode == ImportJob.Mode.UPSERT:
            problems = _key_problems(job, key)
            if problems and not skip:
                job.status = Status.PREVIEW
                job.message = _(
                    "%(n)d rows have an empty or repeated key “%(key)s”; nothing was changed. "
                    "Choose another key, or choose to skip these rows."
                ) % {"n": len(problems), "key": key}
                job.report = {**job.report, "key_errors": [p.as_dict() for p in problems[:1000]]}
                job.save()
                return job
            excluded = sorted({p.row for p in problems})
        _nothing_to_apply_check(job, excluded)
        counts = _apply(job, mode, key, excluded)
        if job.stored_path:  # applied: the upload itself is no longer needed (the history keeps the data)
            Path(job.stored_path).unlink(missing_ok=True)
        job.status, job.progress, job.phase = Status.DONE, 100, ""
        job.report = {
            **job.report,
            "result": counts,
            "skipped_rows": job.report.get("bad_rows", 0) + len(excluded),
        }
        job.save()
    except LayerError as exc:
        job.status, job.message = Status.FAILED, exc.message
        job.save()
    except Exception:
        log.exception("import %s: apply failed", job.pk)
        job.status = Status.FAILED
        job.message = _("The import failed because of an error on our side; the layer was not changed.")
        job.save()
    return job


def _nothing_to_apply_check(job: ImportJob, excluded: list[int]) -> None:
    """LayerError when no staged row is left to apply: "skip the rows that do not fit" with no
    row fitting is a failed import, never a "done" that created nothing (and, replacing, would
    have emptied the layer)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {qualified(job.pk)} WHERE NOT (row_no = ANY(%s::int[]))", [excluded]
        )
        if cursor.fetchone()[0]:
            return
    reasons = [
        _("%(field)s %(reason)s (%(n)s rows)")
        % {"field": name, "reason": reason, "n": number_format(n, force_grouping=True)}
        for name, reason, n in job.report.get("reasons", [])
    ]
    if excluded:
        reasons.append(
            _("empty or repeated key (%(n)s rows)") % {"n": number_format(len(excluded), force_grouping=True)}
        )
    raise LayerError(
        _(
            "None of the %(n)s rows fit the layer, so nothing was imported and the layer was not changed. "
            "The most common reasons: %(reasons)s."
        )  # fmt: skip
        % {
            "n": number_format(job.preview.get("count", 0), force_grouping=True),
            "reasons": "; ".join(reasons) or "—",
        }
    )


def _apply(job: ImportJob, mode: str, key: str, excluded: list[int]) -> dict:
    layer, table = job.layer, qualified(job.pk)
    user_id = job.created_by_id
    reason = f"import #{job.pk} ({mode}): {job.original_name}"[:100]
    params = {"layer": layer.pk, "user": user_id, "excluded": excluded, "key": key}
    staged = f"(SELECT * FROM {table} WHERE NOT (row_no = ANY(%(excluded)s::int[])))"
    match = (
        "f.source_id = s.source_id"
        if key == "source_id"
        else "f.properties->>%(key)s = s.properties->>%(key)s"
    )
    touched = f"import_touched_{job.pk}"
    counts = {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0}
    with transaction.atomic():
        # One import at a time per layer; edits of this layer wait for it, readers do not.
        Layer.objects.select_for_update(no_key=True).filter(pk=layer.pk).first()
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE {touched} (id bigint, kind char(1)) ON COMMIT DROP")
            if mode == ImportJob.Mode.REPLACE:
                _progress(job, 0.1, _("removing the old features"))
                cursor.execute(
                    f"""WITH gone AS (
                        UPDATE gis_layers_feature SET deleted_at = now(), deleted_by_id = %(user)s,
                            version = version + 1, updated_at = now(), updated_by_id = %(user)s
                        WHERE layer_id = %(layer)s AND deleted_at IS NULL RETURNING id)
                    INSERT INTO {touched} SELECT id, '~' FROM gone""",
                    params,
                )
                counts["deleted"] = cursor.rowcount
            if mode == ImportJob.Mode.UPSERT:
                _progress(job, 0.2, _("checking the keys"))
                cursor.execute(
                    f"""SELECT count(*) FROM (SELECT 1 FROM gis_layers_feature f JOIN {staged} s ON {match}
                        WHERE f.layer_id = %(layer)s AND f.deleted_at IS NULL GROUP BY s.row_no HAVING count(*) > 1) d""",
                    params,
                )
                if cursor.fetchone()[0]:
                    raise LayerError(
                        _(
                            "Some key values match several features of the layer; the key “%(key)s” is not unique there."
                        )
                        % {"key": key}
                    )
                _progress(job, 0.3, _("updating features"))
                cursor.execute(
                    f"""WITH changed AS (
                        UPDATE gis_layers_feature f SET geometry = s.geometry, properties = s.properties,
                            source_id = coalesce(nullif(s.source_id, ''), f.source_id),
                            version = f.version + 1, updated_at = now(), updated_by_id = %(user)s
                        FROM {staged} s
                        WHERE f.layer_id = %(layer)s AND f.deleted_at IS NULL AND {match}
                          AND NOT (f.properties = s.properties AND ST_AsEWKB(f.geometry) = ST_AsEWKB(s.geometry))
                        RETURNING f.id)
                    INSERT INTO {touched} SELECT id, '~' FROM changed""",
                    params,
                )
                counts["updated"] = cursor.rowcount
                cursor.execute(
                    f"""SELECT count(*) FROM {staged} s WHERE EXISTS (SELECT 1 FROM gis_layers_feature f
                        WHERE f.layer_id = %(layer)s AND f.deleted_at IS NULL AND {match})""",
                    params,
                )
                counts["unchanged"] = cursor.fetchone()[0] - counts["updated"]
                new_rows = f"""{staged} s WHERE NOT EXISTS (SELECT 1 FROM gis_layers_feature f
                               WHERE f.layer_id = %(layer)s AND f.deleted_at IS NULL AND {match})"""
            else:
                new_rows = f"{staged} s"
            _progress(job, 0.5, _("adding features"))
            cursor.execute(
                f"""WITH added AS (
                    INSERT INTO gis_layers_feature (layer_id, geometry, properties, source_id, version,
                        created_at, updated_at, created_by_id, updated_by_id)
                    SELECT %(layer)s, s.geometry, s.properties, coalesce(s.source_id, ''), 1, now(), now(), %(user)s, %(user)s
                    FROM {new_rows} ORDER BY s.row_no RETURNING id)
                INSERT INTO {touched} SELECT id, '+' FROM added""",
                params,
            )
            counts["created"] = cursor.rowcount
            _progress(job, 0.8, _("recording the history"))
            for kind in ("+", "~"):
                history_record(
                    where=f"f.id IN (SELECT id FROM {touched} WHERE kind = %s)",
                    params=[kind],
                    history_type=kind,
                    user_id=user_id,
                    reason=reason,
                )
            cursor.execute(staging_drop_sql(job.pk))
        Layer.objects.filter(pk=layer.pk).update(updated_at=timezone.now())
    return counts


def import_job_discard(*, job: ImportJob, actor) -> ImportJob:
    if actor is not None:
        ensure(can_import(actor, job.layer))
    if job.status in (Status.APPLYING, Status.DONE):
        raise LayerError(_("This import has been applied; use the features' history to undo changes."))
    with connection.cursor() as cursor:
        cursor.execute(staging_drop_sql(job.pk))
    job.status = Status.DISCARDED
    job.save(update_fields=["status", "updated_at"])
    if job.stored_path:
        Path(job.stored_path).unlink(missing_ok=True)
    return job

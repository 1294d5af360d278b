"""manage.py import_layer FILE --layer SLUG [--mode append|replace|upsert --key FIELD]
[--encoding utf-8|cp1251] [--crs EPSG:32636] [--map field=column ...] [--skip-bad-rows]
[--dry-run] [--user NAME]

The same checks, preview and one-transaction apply as /staff/layers/<slug>/import, in the
foreground: the preview is printed, then applied unless --dry-run.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from gis_layers.exceptions import ImportRejected, LayerError
from gis_layers.models import ImportJob, Layer
from gis_layers.services.imports import (
    import_job_apply,
    import_job_create,
    import_job_discard,
    import_job_preview,
    import_job_request_apply,
)


class Command(BaseCommand):
    help = "Import a shapefile (zip), GeoPackage, GeoJSON, KML/KMZ or CSV into a GIS layer."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--layer", required=True, help="slug of the layer")
        parser.add_argument("--mode", choices=ImportJob.Mode.values, default="append")
        parser.add_argument("--key", default="", help="with --mode upsert: the field features are matched by")
        parser.add_argument(
            "--encoding", default="", help="text encoding when the file does not say (utf-8, cp1251)"
        )
        parser.add_argument(
            "--crs", default="", help="coordinate system when the file does not say, e.g. EPSG:32636"
        )
        parser.add_argument("--source-layer", default="", help="layer of a GeoPackage, or shapefile of a zip")
        parser.add_argument("--map", action="append", default=[], help="field=column (repeatable)")
        parser.add_argument(
            "--skip-bad-rows", action="store_true", help="import the good rows, skip the bad ones"
        )
        parser.add_argument("--dry-run", action="store_true", help="check and show the preview only")
        parser.add_argument(
            "--user", default="", help="record the changes as this user (checks their rights)"
        )

    def handle(self, *args, **o):
        layer = Layer.objects.live().filter(slug=o["layer"]).first()
        if layer is None:
            raise CommandError(f"There is no layer {o['layer']!r}.")
        if not o["file"].is_file():
            raise CommandError(f"{o['file']} is not a file.")
        actor = None
        if o["user"]:
            actor = get_user_model().objects.filter(username=o["user"]).first()
            if actor is None:
                raise CommandError(f"There is no user {o['user']!r}.")
        mapping = {}
        for item in o["map"]:
            field, sep, column = item.partition("=")
            if not sep:
                raise CommandError(f"--map takes field=column, not {item!r}")
            mapping[field.strip()] = column.strip()
        options = {
            "encoding": o["encoding"],
            "crs": o["crs"],
            "source_layer": o["source_layer"],
            "mapping": mapping,
        }
        try:
            job = import_job_create(
                layer=layer, actor=actor, upload=o["file"], original_name=o["file"].name, options=options
            )
        except (LayerError, PermissionDenied) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from None
        job = import_job_preview(job_id=job.pk)
        if job.status != ImportJob.Status.PREVIEW:
            raise CommandError(f"Refused: {job.message}")
        self._show(job)
        if job.preview.get("encoding_source") == "guess" and not o["encoding"]:
            import_job_discard(job=job, actor=None)
            raise CommandError(
                f"The file does not state its text encoding; it looks like {job.preview['encoding']}. "
                "Check the sample above and run again with --encoding utf-8 or --encoding cp1251."
            )
        if o["dry_run"]:
            import_job_discard(job=job, actor=None)
            self.stdout.write("Dry run: nothing was changed.")
            return
        try:
            import_job_request_apply(
                job=job, actor=actor, mode=o["mode"], key_field=o["key"], skip_bad_rows=o["skip_bad_rows"]
            )
        except ImportRejected as exc:
            import_job_discard(job=job, actor=None)
            raise CommandError(exc.message + " Nothing was changed.") from None
        except LayerError as exc:
            raise CommandError(exc.message) from None
        job = import_job_apply(job_id=job.pk)
        if job.status != ImportJob.Status.DONE:
            for problem in job.report.get("key_errors", [])[:20]:
                self.stderr.write(f"  row {problem['row']}, {problem['field']}: {problem['reason']}")
            raise CommandError(job.message or "The import was not applied.")
        result = job.report["result"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported into {layer.slug}: {result['created']} created, {result['updated']} updated, "
                f"{result['unchanged']} unchanged, {result['deleted']} removed, "
                f"{job.report.get('skipped_rows', 0)} rows skipped."
            )
        )

    def _show(self, job):
        p, r = job.preview, job.report
        self.stdout.write(
            f"{p['format']}: {p['count']} features ({', '.join(f'{k} {v}' for k, v in p['geometry_types'].items())}), "
            f"CRS {p['crs']}, text {p['encoding'] or 'UTF-8'} ({p['encoding_source']})."
        )
        self.stdout.write("Fields: " + ", ".join(f"{k} <- {v or '(none)'}" for k, v in p["mapping"].items()))
        if p["unmapped_columns"]:
            self.stdout.write("Columns not imported: " + ", ".join(p["unmapped_columns"]))
        for note in p["notes"]:
            self.stdout.write(f"Note: {note}")
        if p["repaired_count"]:
            rows = ", ".join(str(row) for row, _reason in p["repaired"][:10])
            self.stdout.write(f"Repaired invalid geometries: {p['repaired_count']} (rows {rows})")
        if p["outside_city"]:
            self.stdout.write(f"Warning: {p['outside_city']} features lie outside the hromada.")
        for feature in p["sample"]["features"][:3]:
            self.stdout.write(f"  row {feature['id']}: {feature['properties']}")
        if r["error_count"]:
            self.stdout.write(f"{r['bad_rows']} rows do not fit:")
            for e in r["errors"][:20]:
                self.stdout.write(f"  row {e['row']}, {e['field']}: {e['reason']}")

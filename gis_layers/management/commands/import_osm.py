"""manage.py import_osm FILE.osm.pbf --tag amenity=pharmacy [--tag ...]
       (--layer SLUG [--map field=tag ...] [--skip-bad-rows] | --<target> [its options])

Reads an OpenStreetMap extract with GDAL's OSM driver, keeps the objects with all the given tags
(`key=value`, or `key=*` for any value) and upserts them by OSM id: into a GIS layer (through the
regular import: checks, staging, one transaction, history) or into a target another app
registered (gis_layers.registry.OsmTarget; e.g. --facilities --category SLUG, --buildings).
Running it again on a newer extract updates the same records in place.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from gis_layers import registry
from gis_layers.exceptions import ImportRefused, ImportRejected, LayerError
from gis_layers.importers.osm import TagFilter, read_osm, rows_for_layer
from gis_layers.models import ImportJob, Layer
from gis_layers.services.imports import (
    import_job_apply,
    import_job_discard,
    import_job_from_rows,
    import_job_request_apply,
)


class Command(BaseCommand):
    help = "Import OpenStreetMap objects selected by tags into a layer or a registered target."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--tag", action="append", default=[], help="key=value or key=* (repeatable, all must match)"
        )
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--layer", help="slug of a GIS layer")
        for osm_target in registry.osm_targets().values():
            target.add_argument(f"--{osm_target.name}", action="store_true", help=osm_target.help)
            if osm_target.add_arguments is not None:
                osm_target.add_arguments(parser)
        parser.add_argument(
            "--map", action="append", default=[], help="with --layer: field=tag (default: same name)"
        )
        parser.add_argument(
            "--skip-bad-rows", action="store_true", help="with --layer: skip objects that do not fit"
        )
        parser.add_argument("--user", default="", help="record the changes as this user")

    def handle(self, *args, **o):
        try:
            filters = [TagFilter.parse(part) for item in o["tag"] for part in item.split(",") if part.strip()]
        except ImportRefused as exc:
            raise CommandError(exc.message) from None
        actor = None
        if o["user"]:
            actor = get_user_model().objects.filter(username=o["user"]).first()
            if actor is None:
                raise CommandError(f"There is no user {o['user']!r}.")
        osm_target = context = None
        if o["layer"]:
            layer = Layer.objects.live().filter(slug=o["layer"]).first()
            if layer is None:
                raise CommandError(f"There is no layer {o['layer']!r}.")
            geometry = layer.geometry_type
        else:
            osm_target = next(t for t in registry.osm_targets().values() if o[t.name.replace("-", "_")])
            context = osm_target.prepare(o)
            geometry = osm_target.geometry
        try:
            rows = read_osm(o["file"], filters, geometry)
        except ImportRefused as exc:
            raise CommandError(exc.message) from None
        found = ", ".join(f"{k} {v}" for k, v in rows.counts.items())
        self.stdout.write(f"{len(rows.frame)} objects match {' and '.join(o['tag'])} ({found}).")
        if o["layer"]:
            return self._into_layer(layer, rows, o, actor)
        result = osm_target.run(rows=rows, context=context, actor=actor)
        for osm_id, reason in result.skipped[:20]:
            self.stdout.write(f"  skipped {osm_id}: {reason}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged, "
                f"{len(result.skipped)} skipped or noted."
            )
        )

    def _into_layer(self, layer, rows, o, actor):
        mapping = {f.name: f.name for f in layer.fields}
        for item in o["map"]:
            field, sep, tag = item.partition("=")
            if not sep or field not in mapping:
                raise CommandError(f"--map takes field=tag with a field of the layer, not {item!r}")
            mapping[field] = tag
        if "osm_id" in mapping and mapping["osm_id"] == "osm_id":
            mapping.pop("osm_id")  # filled below from the OSM id itself
        read, source_ids = rows_for_layer(rows, mapping, o["file"])
        if "osm_id" in {f.name for f in layer.fields}:
            read.frame["osm_id"] = [s.removeprefix("osm:") for s in source_ids]
            read.columns.append("osm_id")
            mapping["osm_id"] = "osm_id"
        try:
            job = import_job_from_rows(
                layer=layer,
                actor=actor,
                read=read,
                source_ids=source_ids,
                name=o["file"].name,
                mapping=mapping,
            )
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        if job.status != ImportJob.Status.PREVIEW:
            raise CommandError(job.message)
        for error in job.report["errors"][:20]:
            self.stdout.write(f"  object {error['row']}, {error['field']}: {error['reason']}")
        try:
            import_job_request_apply(
                job=job, actor=actor, mode="upsert", key_field="source_id", skip_bad_rows=o["skip_bad_rows"]
            )
        except ImportRejected as exc:
            import_job_discard(job=job, actor=None)
            raise CommandError(
                exc.message + " (--skip-bad-rows imports the others.) Nothing was changed."
            ) from None
        except LayerError as exc:
            raise CommandError(exc.message) from None
        job = import_job_apply(job_id=job.pk)
        if job.status != ImportJob.Status.DONE:
            raise CommandError(job.message)
        r = job.report["result"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Layer {layer.slug}: {r['created']} created, {r['updated']} updated, {r['unchanged']} unchanged, "
                f"{job.report.get('skipped_rows', 0)} skipped."
            )
        )

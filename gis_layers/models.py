"""GIS layers of city IT: any number of layers with their own attribute schema and style,
their features (kept in history, deleted softly), attribute tables (layers without geometry)
and the joins that attach their rows to a spatial layer's features by a key, import jobs, and
DataVersion, the change counter that caches of tiles and pages key on."""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GistIndex
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gis_layers.schema import SchemaError, fields_from_schema, properties_clean


class DataVersion(models.Model):
    """A counter per data source, bumped by database triggers on every change to its tables.

    Tile ETags and cache keys include it, so a changed facility or building is never served
    from a stale cache — whichever process or tool changed it. Sources: those the apps register
    (gis_layers.registry), "layers" (the layer registry) and "layer:<id>" (one layer's features).
    """

    source = models.CharField(max_length=50, primary_key=True)
    version = models.BigIntegerField(default=1)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.source} v{self.version}"


def validate_layer_slug(value: str) -> None:
    # Names that are tile layers or OGC API collections of their own (registered by the apps).
    from gis_layers.registry import reserved_names

    if value in reserved_names():
        raise ValidationError(_("“%(slug)s” is reserved; choose another slug."), params={"slug": value})


class SoftDeleteQuerySet(models.QuerySet):
    def live(self):
        return self.filter(deleted_at__isnull=True)


class Tracked(models.Model):
    """Who created and last changed a row and when; deleting sets `deleted_at`, so nothing a
    user deletes is lost (the history of each model keeps every version)."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deleted by"),
    )

    objects = SoftDeleteQuerySet.as_manager()

    class Meta:
        abstract = True


class Layer(Tracked):
    """A map layer city IT keeps: what its features are, how they look, who sees them."""

    class GeometryType(models.TextChoices):
        POINT = "point", _("points")
        LINE = "line", _("lines")
        POLYGON = "polygon", _("polygons")
        NONE = "none", _("no geometry (attribute table)")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("public")
        STAFF = "staff", _("staff only")

    slug = models.SlugField(
        _("slug"),
        max_length=50,
        unique=True,
        validators=[validate_layer_slug],
        help_text=_("Short Latin name used in links, e.g. shelters. It cannot be changed later."),
    )
    title_uk = models.CharField(_("title (Ukrainian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description_uk = models.TextField(_("description (Ukrainian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    geometry_type = models.CharField(_("geometry type"), max_length=10, choices=GeometryType.choices)
    schema = models.JSONField(_("attribute schema (JSON Schema)"), default=dict, blank=True)
    style = models.JSONField(_("style"), default=dict, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.STAFF
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    source = models.CharField(_("source"), max_length=255, blank=True)
    licence = models.CharField(_("licence"), max_length=255, blank=True)
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("editors"),
        blank=True,
        related_name="editable_layers",
        help_text=_("Layer editors who may draw and change the features of this layer."),
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("layer")
        verbose_name_plural = _("layers")
        ordering = ["order", "title_uk"]
        permissions = [("import_layer", _("Can import data into layers"))]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        if (get_language() or "uk").startswith("en") and self.title_en:
            return self.title_en
        return self.title_uk

    @property
    def description(self) -> str:
        if (get_language() or "uk").startswith("en") and self.description_en:
            return self.description_en
        return self.description_uk

    @property
    def fields(self):
        return fields_from_schema(self.schema)

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    @property
    def is_table(self) -> bool:
        """An attribute table: rows without geometry (streets list, apartments …), joined to
        spatial layers by a key; it has no tiles and no place on the map."""
        return self.geometry_type == self.GeometryType.NONE

    @property
    def tile_source(self) -> str:
        return f"layer:{self.pk}"


GEOMETRY_FAMILIES = {
    Layer.GeometryType.POINT: ("Point", "MultiPoint"),
    Layer.GeometryType.LINE: ("LineString", "MultiLineString"),
    Layer.GeometryType.POLYGON: ("Polygon", "MultiPolygon"),
    Layer.GeometryType.NONE: (),
}


class Feature(Tracked):
    """One thing on a layer: a geometry in WGS 84 and properties that follow the layer's schema.

    Deleting sets `deleted_at` (the feature can be restored); every change is in the history.
    `version` grows with every save, so an edit based on an older version is refused.
    """

    layer = models.ForeignKey(
        Layer, verbose_name=_("layer"), on_delete=models.PROTECT, related_name="features"
    )
    # NULL exactly for the rows of an attribute table (Layer.is_table).
    geometry = models.GeometryField(_("geometry"), srid=4326, spatial_index=False, null=True, blank=True)
    properties = models.JSONField(_("properties"), default=dict, blank=True)
    source_id = models.CharField(
        _("source id"),
        max_length=200,
        blank=True,
        help_text=_("Key of the record in its source, e.g. osm:node/123."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("feature")
        verbose_name_plural = _("features")
        ordering = ["id"]
        indexes = [
            # The features of one layer in a box (tiles, OGC API bbox, the editor): one GiST
            # index on (layer, geometry) over the live features (btree_gist, migration 0003).
            GistIndex(
                fields=["layer", "geometry"],
                name="feature_layer_geom_live",
                condition=models.Q(deleted_at__isnull=True),
            ),
            # Pages of a layer in id order (OGC API items, exports).
            models.Index(
                fields=["layer", "id"],
                name="feature_layer_id_live",
                condition=models.Q(deleted_at__isnull=True),
            ),
            models.Index(
                fields=["layer", "source_id"],
                name="feature_layer_source_id",
                condition=~models.Q(source_id=""),
            ),
        ]

    def __str__(self) -> str:
        label = self.layer.style.get("label_field") if self.layer_id else None
        if label and self.properties.get(label) not in (None, ""):
            return str(self.properties[label])
        return f"#{self.pk}"

    def clean(self):
        super().clean()
        errors = {}
        if self.layer_id and self.layer.is_table and self.geometry is not None:
            errors["geometry"] = _("A row of an attribute table has no geometry.")
        elif self.layer_id and not self.layer.is_table and self.geometry is None:
            errors["geometry"] = _("A feature needs a geometry.")
        elif self.geometry is not None and self.layer_id:
            allowed = GEOMETRY_FAMILIES[self.layer.geometry_type]
            if self.geometry.geom_type not in allowed:
                errors["geometry"] = _("This layer holds %(kind)s; a %(type)s does not fit.") % {
                    "kind": self.layer.get_geometry_type_display(),
                    "type": self.geometry.geom_type,
                }
            elif not self.geometry.valid:
                errors["geometry"] = _("The geometry is not valid: %(reason)s") % {
                    "reason": self.geometry.valid_reason
                }
        if self.layer_id:
            clean, problems = properties_clean(self.layer.fields, self.properties or {})
            if problems:
                errors["properties"] = "; ".join(f"{k}: {v}" for k, v in problems.items())
            else:
                self.properties = clean
        if errors:
            raise ValidationError(errors)


class LayerJoin(models.Model):
    """The rows of an attribute table attached to the features of a spatial layer: a feature
    whose `layer_field` equals a row's `table_field` (compared as text) gets that row's values —
    one row (one-to-one: flat properties `<name>_<field>`) or all of them (one-to-many: a list
    under `<name>`). Shown in popups, the editor, exports and the OGC API to those who may see
    the table; set up by GIS admins from either layer's page."""

    class Cardinality(models.TextChoices):
        ONE = "one", _("one-to-one (one row per feature)")
        MANY = "many", _("one-to-many (several rows per feature)")

    layer = models.ForeignKey(
        Layer, verbose_name=_("spatial layer"), on_delete=models.CASCADE, related_name="joins"
    )
    table = models.ForeignKey(
        Layer, verbose_name=_("attribute table"), on_delete=models.CASCADE, related_name="joined_to"
    )
    name = models.CharField(
        _("name"),
        max_length=30,
        help_text=_("Small Latin letters, digits and _: the prefix of the joined values, e.g. street."),
    )
    layer_field = models.CharField(_("key field of the layer"), max_length=40)
    table_field = models.CharField(_("key field of the table"), max_length=40)
    cardinality = models.CharField(
        _("relation"), max_length=4, choices=Cardinality.choices, default=Cardinality.ONE
    )
    title_uk = models.CharField(_("title (Ukrainian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("join of an attribute table")
        verbose_name_plural = _("joins of attribute tables")
        ordering = ["layer_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["layer", "name"], name="layerjoin_layer_name_unique"),
            models.CheckConstraint(condition=~models.Q(layer=models.F("table")), name="layerjoin_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.layer.slug}.{self.layer_field} → {self.table.slug}.{self.table_field}"

    @property
    def title(self) -> str:
        if (get_language() or "uk").startswith("en") and self.title_en:
            return self.title_en
        return self.title_uk

    @property
    def is_many(self) -> bool:
        return self.cardinality == self.Cardinality.MANY


class ImportJob(models.Model):
    """One file brought into a layer: read and checked first (the preview), then applied in
    one transaction. Runs in the background; `progress` is what the page shows meanwhile."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to be read")
        READING = "reading", _("reading the file")
        PREVIEW = "preview", _("ready to check")
        REFUSED = "refused", _("refused")
        APPLYING = "applying", _("applying")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        DISCARDED = "discarded", _("discarded")

    class Mode(models.TextChoices):
        APPEND = "append", _("append to the layer")
        REPLACE = "replace", _("replace all features of the layer")
        UPSERT = "upsert", _("update by a key field, add the rest")

    layer = models.ForeignKey(
        Layer, verbose_name=_("layer"), on_delete=models.CASCADE, related_name="imports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    original_name = models.CharField(_("file"), max_length=255)
    stored_path = models.CharField(max_length=500, blank=True, verbose_name=_("stored file"))
    size = models.BigIntegerField(_("size (bytes)"), default=0)
    format = models.CharField(_("format"), max_length=20, blank=True)
    options = models.JSONField(default=dict, blank=True, verbose_name=_("options"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField(max_length=200, blank=True, verbose_name=_("phase"))
    progress = models.PositiveSmallIntegerField(default=0, verbose_name=_("progress"))
    preview = models.JSONField(default=dict, blank=True, verbose_name=_("preview"))
    report = models.JSONField(default=dict, blank=True, verbose_name=_("report"))
    message = models.TextField(blank=True, verbose_name=_("message"))

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} → {self.layer.slug}"

    @property
    def staging_table(self) -> str:
        return f"import_{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (
            self.Status.REFUSED,
            self.Status.DONE,
            self.Status.FAILED,
            self.Status.DISCARDED,
        )


__all__ = ["DataVersion", "Layer", "Feature", "LayerJoin", "ImportJob", "SchemaError"]

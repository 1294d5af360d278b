"""Creating, changing, deleting and restoring features: every change checked against the
layer's schema, recorded in the history (who, when, what), and protected against lost updates
by the feature's version."""

from __future__ import annotations

from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gis_layers.exceptions import InvalidFeature, LayerError, StaleFeature
from gis_layers.models import GEOMETRY_FAMILIES, Feature, Layer
from gis_layers.permissions import can_edit_features, ensure
from gis_layers.schema import properties_clean


def geometry_clean(layer: Layer, geometry) -> GEOSGeometry | None:
    """The geometry in EPSG:4326, of the layer's kind and valid — or InvalidFeature. The rows of
    an attribute table have none (None in, None out; a geometry is refused)."""
    if layer.is_table:
        if geometry not in (None, "", {}):
            raise InvalidFeature(
                _("This layer is an attribute table: its rows have no geometry."),
                {"geometry": _("must be empty")},
            )
        return None
    if geometry is None:
        raise InvalidFeature(_("A feature needs a geometry."), {"geometry": _("is required")})
    if not isinstance(geometry, GEOSGeometry):
        try:
            geometry = GEOSGeometry(geometry if isinstance(geometry, str) else _json(geometry))
        except (GEOSException, ValueError, TypeError) as exc:
            raise InvalidFeature(
                _("The geometry cannot be read."),
                {"geometry": _("is not GeoJSON geometry (%(e)s)") % {"e": exc}},
            ) from None
    if geometry.srid is None:
        geometry.srid = 4326
    elif geometry.srid != 4326:
        geometry = geometry.transform(4326, clone=True)
    if geometry.hasz:
        geometry = GEOSGeometry(_force_2d(geometry), srid=4326)
    allowed = GEOMETRY_FAMILIES[layer.geometry_type]
    if geometry.geom_type not in allowed:
        raise InvalidFeature(
            _("This layer holds %(kind)s; a %(type)s does not fit.")
            % {"kind": layer.get_geometry_type_display(), "type": geometry.geom_type},
            {"geometry": _("must be %(types)s") % {"types": " / ".join(allowed)}},
        )
    if geometry.empty:
        raise InvalidFeature(_("The geometry is empty."), {"geometry": _("is empty")})
    if not geometry.valid:
        raise InvalidFeature(
            _("The shape is not valid: %(reason)s. Redraw it so that its edges do not cross.")
            % {"reason": geometry.valid_reason},
            {"geometry": geometry.valid_reason},
        )
    return geometry


def _json(value) -> str:
    import json

    return json.dumps(value)


def _force_2d(geometry: GEOSGeometry) -> str:
    import shapely

    return shapely.to_wkt(shapely.force_2d(shapely.from_wkb(bytes(geometry.wkb))))


def properties_for(layer: Layer, properties: dict | None) -> dict:
    clean, errors = properties_clean(layer.fields, properties or {})
    if errors:
        raise InvalidFeature(_("Some values do not fit the layer's fields."), errors)
    return clean


def _save(feature: Feature, actor, reason: str) -> Feature:
    feature._history_user = actor
    feature._change_reason = reason
    feature.save()
    return feature


@transaction.atomic
def feature_create(*, layer: Layer, actor, geometry, properties: dict | None, source_id: str = "") -> Feature:
    """A new feature on `layer`, drawn or entered by `actor` (a granted editor or GIS admin)."""
    ensure(can_edit_features(actor, layer))
    feature = Feature(
        layer=layer,
        geometry=geometry_clean(layer, geometry),
        properties=properties_for(layer, properties),
        source_id=source_id,
        created_by=actor,
        updated_by=actor,
    )
    return _save(feature, actor, "created")


def _locked(feature: Feature, version: int | None) -> Feature:
    current = Feature.objects.select_for_update().select_related("layer").get(pk=feature.pk)
    if version is not None and current.version != int(version):
        raise StaleFeature(
            _(
                "Someone else saved this feature after you opened it (your version %(yours)s, now %(now)s). "
                "Its current state is shown; make your change again on top of it."
            )
            % {"yours": version, "now": current.version},
            current,
        )
    return current


def feature_lock(feature: Feature, version: int | None) -> Feature:
    """The feature as saved now, locked until the transaction ends; StaleFeature when `version`
    is not its version (the admin's form takes the same lock as the API)."""
    return _locked(feature, version)


@transaction.atomic
def feature_update(
    *, feature: Feature, actor, version: int | None, geometry=None, properties: dict | None = None
) -> Feature:
    """Change the geometry and/or properties; refused (StaleFeature) when `version` is not the
    version saved now, so nobody silently overwrites another person's edit."""
    ensure(can_edit_features(actor, feature.layer))
    current = _locked(feature, version)
    if current.deleted_at is not None:
        raise LayerError(_("This feature has been deleted; restore it first."))
    if geometry is not None:
        current.geometry = geometry_clean(current.layer, geometry)
    if properties is not None:
        clean = properties_for(current.layer, properties)
        # A text sent back as it is stored stays exactly as stored (imported with its spaces, or
        # empty): only what the person changed is cleaned, so editing one field never rewrites
        # the others.
        for name, stored in (current.properties or {}).items():
            if isinstance(stored, str) and properties.get(name) == stored:
                clean[name] = stored
        current.properties = clean
    current.version += 1
    current.updated_by = actor
    return _save(current, actor, "changed")


@transaction.atomic
def feature_delete(*, feature: Feature, actor, version: int | None) -> Feature:
    """Delete softly: the feature disappears from maps and downloads, and can be restored."""
    ensure(can_edit_features(actor, feature.layer))
    current = _locked(feature, version)
    if current.deleted_at is not None:
        return current
    current.deleted_at = timezone.now()
    current.deleted_by = actor
    current.version += 1
    current.updated_by = actor
    return _save(current, actor, "deleted")


@transaction.atomic
def feature_restore(
    *, feature: Feature, actor, history_id: int | None = None, version: int | None = None
) -> Feature:
    """Bring back an earlier version (geometry, properties, deleted or not) as a new version;
    without `history_id`, undelete. The version must still fit the layer's schema."""
    ensure(can_edit_features(actor, feature.layer))
    current = _locked(feature, version)
    if history_id is None:
        if current.deleted_at is None:
            return current
        current.deleted_at = None
        current.deleted_by = None
        reason = "restored"
    else:
        record = current.history.filter(history_id=history_id).first()
        if record is None:
            raise LayerError(_("This feature has no such version."))
        current.geometry = geometry_clean(current.layer, record.geometry)
        try:
            current.properties = properties_for(current.layer, record.properties)
        except InvalidFeature as exc:
            raise InvalidFeature(
                _(
                    "That version no longer fits the layer's fields (they changed since): %(errors)s. "
                    "Edit the feature instead."
                )
                % {"errors": "; ".join(f"{k} {v}" for k, v in exc.errors.items())},
                exc.errors,
            ) from None
        current.deleted_at = record.deleted_at
        current.deleted_by = record.deleted_by if record.deleted_at else None
        reason = f"restored version {record.version} of {record.history_date:%Y-%m-%d %H:%M}"
    current.version += 1
    current.updated_by = actor
    return _save(current, actor, reason)

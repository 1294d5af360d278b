"""Who may do what with GIS layers, in one place.

- Everybody sees public layers; staff (any staff role) also see staff-only layers. Everyone
  who may see a layer may download it.
- Layer editors (`gis_layers.change_feature`) edit the features of the layers they are
  granted (Layer.editors); GIS admins (`gis_layers.change_layer`) edit every layer's features.
- GIS admins create layers and change schemas, styles and grants (`add_layer`, `change_layer`),
  and import (`import_layer`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gis_layers.models import Layer


def is_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def can_view_layer(user, layer: Layer) -> bool:
    if layer.deleted_at is not None:
        return can_manage_layers(user)
    return layer.is_public or is_staff(user)


def can_create_layer(user) -> bool:
    return is_staff(user) and user.has_perm("gis_layers.add_layer")


def can_manage_layers(user) -> bool:
    """Schemas, styles, visibility, grants, deleting and restoring layers."""
    return is_staff(user) and user.has_perm("gis_layers.change_layer")


def can_edit_features(user, layer: Layer) -> bool:
    if not is_staff(user) or layer.deleted_at is not None or not user.has_perm("gis_layers.change_feature"):
        return False
    return can_manage_layers(user) or layer.editors.filter(pk=user.pk).exists()


def can_import(user, layer: Layer) -> bool:
    return can_manage_layers(user) and user.has_perm("gis_layers.import_layer") and layer.deleted_at is None


def can_export(user, layer: Layer) -> bool:
    return can_view_layer(user, layer)


def can_see_history(user, layer: Layer) -> bool:
    return is_staff(user) and can_view_layer(user, layer)


def ensure(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not do this with this layer."))

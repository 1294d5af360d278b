"""Who may do what with GIS layers, in one place.

- Everybody sees public layers; staff (any staff role) also see staff-only layers. Everyone
  who may see a layer may download it.
- Layer editors (`gis_layers.change_feature`) edit the features of the layers they are
  granted (Layer.editors); GIS admins (`gis_layers.change_layer`) edit every layer's features.
- GIS admins create layers and change schemas, styles and grants (`add_layer`, `change_layer`),
  and import (`import_layer`).
- The Django admin, a tool for editing, lists the layers a person may edit and the public
  ones (read-only); a staff-only layer shows there only to those who edit it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
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


# -- database forms of the rules above (the Django admin's lists and choices) ------------------


def editable_layers_q(user) -> Q:
    """The layers whose features `user` may edit, as a filter (the form of can_edit_features)."""
    if not is_staff(user) or not user.has_perm("gis_layers.change_feature"):
        return Q(pk__in=[])
    live = Q(deleted_at__isnull=True)
    if can_manage_layers(user):
        return live
    return live & Q(pk__in=Layer.editors.through.objects.filter(user_id=user.pk).values("layer_id"))


def admin_layers_q(user) -> Q:
    """The layers the admin shows `user`: every layer to GIS admins; otherwise the layers they
    edit and the public ones (read-only)."""
    if can_manage_layers(user):
        return Q()
    return editable_layers_q(user) | Q(visibility=Layer.Visibility.PUBLIC, deleted_at__isnull=True)


def can_see_in_admin(user, layer: Layer) -> bool:
    """The object form of admin_layers_q()."""
    if can_manage_layers(user):
        return True
    return (layer.is_public and layer.deleted_at is None) or can_edit_features(user, layer)


def can_move_feature(user, old_layer: Layer, new_layer: Layer) -> bool:
    """Moving a feature to another layer changes both: the user must edit features of each
    (otherwise a staff-only feature could be published by moving it into a public layer)."""
    return can_edit_features(user, old_layer) and can_edit_features(user, new_layer)


def import_jobs_q(user) -> Q:
    """The imports `user` may look at: all for those who import (GIS admins), else their own."""
    if can_manage_layers(user) and user.has_perm("gis_layers.import_layer"):
        return Q()
    if not is_staff(user):
        return Q(pk__in=[])
    return Q(created_by_id=user.pk)

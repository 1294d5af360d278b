"""Operations that change GIS layers and their features (see the modules for each subject)."""

from gis_layers.services.features import (
    feature_create,
    feature_delete,
    feature_restore,
    feature_update,
    geometry_clean,
)
from gis_layers.services.joins import join_create, join_delete
from gis_layers.services.layers import layer_create, layer_delete, layer_restore, layer_update

__all__ = [
    "feature_create",
    "feature_delete",
    "feature_restore",
    "feature_update",
    "geometry_clean",
    "join_create",
    "join_delete",
    "layer_create",
    "layer_delete",
    "layer_restore",
    "layer_update",
]

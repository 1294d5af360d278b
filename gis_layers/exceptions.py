"""Expected failures of GIS layer operations, with messages for people.

Views and the API turn them into a 400/409 page or `{"error": {...}}`; nobody sees a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class LayerError(Exception):
    """Something a person asked for cannot be done; `message` says why."""

    code = "invalid"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidInput(LayerError):
    """Values a person entered do not fit: `errors` maps a field to the reason."""

    def __init__(self, message: str, errors: dict[str, str]):
        super().__init__(message)
        self.errors = errors


class InvalidFeature(InvalidInput):
    """The geometry or properties do not fit the layer ("geometry" or a property name)."""

    code = "invalid_feature"


class InvalidLayer(InvalidInput):
    """The layer's settings, schema or style cannot be saved (field name -> reason)."""

    code = "invalid_layer"


class StaleFeature(LayerError):
    """The edit was based on an older version than the one saved now (someone else saved in
    between); `feature` is the current state."""

    code = "stale_version"

    def __init__(self, message: str, feature):
        super().__init__(message)
        self.feature = feature


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based, as a person counts the rows of the file
    field: str
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "reason": self.reason}


class ImportRefused(LayerError):
    """The file is refused before anything is read into the layer (size, type, safety)."""

    code = "import_refused"


class ImportRejected(LayerError):
    """Rows of the file break the schema or have no geometry; nothing was changed."""

    code = "import_rejected"

    def __init__(self, message: str, rows: list[RowError]):
        super().__init__(message)
        self.rows = rows

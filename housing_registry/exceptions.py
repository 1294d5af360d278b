"""Expected failures of the housing registry, each with a message for people."""

from __future__ import annotations

from dataclasses import dataclass, field


class RegistryError(Exception):
    """An action on the registry that cannot be done; `message` says why, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class StaleVersion(RegistryError):
    """A save based on an older version of a record: someone else saved in between.

    `changes` are the other people's versions since the one the form was based on (newest
    last), `conflicts` the fields both sides changed, `merged` the form values to offer
    again: the user's own edits on top of the current record.
    """

    current: object
    base_version: int
    changes: list = field(default_factory=list)
    conflicts: set[str] = field(default_factory=set)
    merged: dict = field(default_factory=dict)

    def __post_init__(self):
        from django.utils.translation import gettext as _

        super().__init__(
            _(
                "Your changes were not saved: someone else saved this record after you opened it "
                "(you edited version %(base)s, it is now version %(now)s). Their changes are shown below."
            )
            % {"base": self.base_version, "now": self.current.version}
        )


@dataclass
class RowError:
    """One problem of one row of an uploaded file (row 1 is the header)."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.column}: " if self.column else ""
        return f"{self.row}: {where}{self.reason}"


class ImportRejected(RegistryError):
    """An import that cannot be applied: the file is unreadable or rows are wrong."""

    def __init__(self, message: str, rows: list[RowError] | None = None):
        super().__init__(message)
        self.rows = rows or []


class UploadRejected(RegistryError):
    """A document or attachment refused: wrong type, too large, empty."""

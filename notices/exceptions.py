"""What a notice operation refuses, with a message per field for people."""

from __future__ import annotations


class NoticeRefused(Exception):
    """Bad input or a step that is not allowed: nothing was written. `errors` maps a form field
    (or "__all__") to its message."""

    def __init__(self, errors: dict[str, str] | str):
        if isinstance(errors, str):
            errors = {"__all__": errors}
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))

    @property
    def message(self) -> str:
        return " ".join(self.errors.values())

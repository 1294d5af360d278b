"""The OGC exception every refusal of /ogcapi/ raises: a status and {"code", "description"}."""

from __future__ import annotations


class OgcError(Exception):
    def __init__(self, status: int, code: str, description: str):
        super().__init__(description)
        self.status, self.code, self.description = status, code, description

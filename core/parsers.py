"""The API's JSON parser: a body nested too deeply for Python's parser (100,000 brackets) is a
bad request like any other malformed JSON, not a RecursionError that ends in a 500."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            # The C scanner gives up at the interpreter's recursion limit (~1,000 levels), at once.
            raise ParseError(_("The JSON is nested too deeply to be read.")) from None

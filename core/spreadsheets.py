"""Cells that a spreadsheet program must not run: one rule for every CSV and XLSX the portal writes.

Text a resident or an import put into the data (a request's text, an address, a feature's name)
may begin with "=", "+", "-" or "@": Excel and LibreOffice would take it for a formula
(=HYPERLINK(...), =cmd|...). CSV cells that begin so get a leading apostrophe (the OWASP rule:
the program shows the text as typed); numbers, also negative ones, stay numbers. XLSX cells are
written as strings (data type "s"), so nothing is changed in the text and nothing is a formula.
"""

from __future__ import annotations

import csv
import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def cell_safe(value):
    """`value` as a CSV cell that no spreadsheet program evaluates."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


def cell_unescape(value):
    """The text as it was before cell_safe: what the portal exported can be imported again."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def row_safe(row) -> list:
    return [cell_safe(v) for v in row]


class SafeWriter:
    """csv.writer whose rows go through cell_safe (same writerow/writerows, same return values)."""

    def __init__(self, out, **options):
        self._writer = csv.writer(out, **options)

    def writerow(self, row):
        return self._writer.writerow(row_safe(row))

    def writerows(self, rows):
        for row in rows:
            self._writer.writerow(row_safe(row))


def csv_writer(out, **options) -> SafeWriter:
    return SafeWriter(out, **options)


def _formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(("=", "+", "-", "@"))


def xlsx_text(cell):
    """The same openpyxl cell, kept as text when its value would otherwise be read as a formula."""
    if _formula_like(cell.value):
        cell.data_type = "s"
    return cell


def xlsx_value(sheet, value):
    """A value for sheet.append: strings that look like formulas become text cells."""
    if _formula_like(value):
        from openpyxl.cell import WriteOnlyCell

        return xlsx_text(WriteOnlyCell(sheet, value=value))
    return value


def xlsx_row(sheet, row) -> list:
    return [xlsx_value(sheet, v) for v in row]

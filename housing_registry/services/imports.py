# Over 400 lines: one registry import from upload to apply, kept together so every check a row passes reads in order.
"""Bulk import of building sheets from CSV or XLSX: read, preview, apply.

One row per building, found by its registry number or its address. Every row is checked
the way the sheet form checks it (Building.clean and the field validators) and against the
importer's sections. The preview lists each building's changes and each row's problems
with row numbers (row 1 is the header); applying writes nothing if any row is wrong, unless
the importer chose to skip the wrong rows. Each changed sheet gets a new version in its
history, as if edited by hand.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import uploads
from core.spreadsheets import cell_unescape
from housing_registry import permissions
from housing_registry.columns import CLEAR, EXPORT_COLUMNS, MATCH_COLUMNS, CellError, Lookups, parse_cell
from housing_registry.exceptions import ImportRejected, RowError
from housing_registry.history import Change, changes_between, record_values
from housing_registry.models import Building
from housing_registry.search import parse_address
from housing_registry.sections import SHEET_FIELDS, section_of_field
from housing_registry.selectors import building_address_index

MAX_ROWS = 5000
MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # 5,000 rows of a sheet unpack to a few MB; more is a zip bomb


@dataclass
class ImportTable:
    name: str
    header: list[str]
    rows: list[list]  # cell values, row i of the list is row i + 2 of the file


@dataclass
class RowResult:
    row: int
    building: Building | None = None
    changes: list[Change] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportPreview:
    table: ImportTable
    results: list[RowResult]
    header_errors: list[RowError] = field(default_factory=list)

    @property
    def errors(self) -> list[RowError]:
        return self.header_errors + [e for r in self.results for e in r.errors]

    @property
    def bad_rows(self) -> list[RowResult]:
        return [r for r in self.results if r.errors]

    @property
    def changed_rows(self) -> list[RowResult]:
        return [r for r in self.results if not r.errors and r.changes]

    @property
    def unchanged_rows(self) -> list[RowResult]:
        return [r for r in self.results if not r.errors and not r.changes]

    @property
    def versions(self) -> dict[str, int]:
        """The versions the preview was made against (a changed sheet makes it stale)."""
        return {str(r.building.pk): r.building.version for r in self.changed_rows}


# -- reading the file -----------------------------------------------------------------------------


def import_table_read(*, name: str, content: bytes) -> ImportTable:
    """The header and rows of an uploaded CSV (UTF-8 or Windows-1251, `,` or `;`) or XLSX."""
    if len(content) > MAX_BYTES:
        raise ImportRejected(_("The file is larger than %(n)s MB.") % {"n": MAX_BYTES // 1024 // 1024})
    extension = PurePath(name).suffix.lower()
    if extension not in (".xlsx", ".csv", ".txt"):
        raise ImportRejected(
            _("Send a .csv or .xlsx file (this one is “%(ext)s”).") % {"ext": extension or "?"}
        )
    # The content decides how the file is read (core.uploads): a workbook is a ZIP checked for
    # zip bombs and macros before openpyxl unpacks it; anything else binary is not a table.
    kind = uploads.sniff(content)
    shown = PurePath(name).name
    if kind == "zip":
        try:
            if uploads.office_kind(shown, content, max_unpacked=MAX_UNPACKED_BYTES) != "xlsx":
                raise uploads.UploadRefused(
                    _("“%(name)s” is not an Excel workbook (.xlsx).") % {"name": shown}
                )
        except uploads.UploadRefused as exc:
            raise ImportRejected(exc.message) from None
        rows = _read_xlsx(content)
    elif extension == ".xlsx":
        raise ImportRejected(_("“%(name)s” is not an Excel workbook (.xlsx).") % {"name": shown})
    elif kind is None and b"\x00" not in content[:65536]:
        rows = _read_csv(content)
    else:
        raise ImportRejected(
            _("“%(name)s” is not a CSV table or an Excel workbook (.xlsx), whatever its name says.")
            % {"name": shown}
        )
    while rows and not any(_filled(c) for c in rows[-1]):
        rows.pop()
    if not rows:
        raise ImportRejected(_("The file is empty."))
    header = [str(c).strip().lower() if c is not None else "" for c in rows[0]]
    body = rows[1:]
    if len(body) > MAX_ROWS:
        raise ImportRejected(
            _("The file has %(n)s rows; import at most %(max)s at a time.")
            % {"n": len(body), "max": MAX_ROWS}
        )
    if not body:
        raise ImportRejected(_("The file has a header but no rows."))
    return ImportTable(name=PurePath(name).name, header=header, rows=body)


def _filled(cell) -> bool:
    return cell is not None and str(cell).strip() != ""


def _read_csv(content: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1251 decodes any byte string
        raise ImportRejected(_("The file's text encoding is not UTF-8 or Windows-1251."))
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    # Our own exports put an apostrophe before text that a spreadsheet would take for a formula.
    try:
        return [[cell_unescape(c) for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as exc:  # a cell over csv's field limit (128 KB), a stray NUL: not a table
        raise ImportRejected(_("The file cannot be read as a CSV table (%(e)s).") % {"e": exc}) from None


def _read_xlsx(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportRejected(_("The file cannot be read as an Excel workbook (.xlsx).")) from exc
    sheet = book.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


# -- checking -------------------------------------------------------------------------------------


def import_preview(*, table: ImportTable, actor) -> ImportPreview:
    """Check every row and say what importing it would change; writes nothing."""
    permissions.ensure_can_view(actor)
    preview = ImportPreview(table=table, results=[])
    known = set(EXPORT_COLUMNS) | set(MATCH_COLUMNS)
    for i, column in enumerate(table.header, start=1):
        if column and column not in known:
            preview.header_errors.append(
                RowError(
                    1,
                    column,
                    _("unknown column (column %(n)s); the columns are those of the export") % {"n": i},
                )
            )
    if not set(MATCH_COLUMNS) & set(table.header):
        preview.header_errors.append(
            RowError(1, "", _("the file needs a registry_number or an address column to find the buildings"))
        )
    duplicated = {c for c in table.header if c and table.header.count(c) > 1}
    for column in sorted(duplicated):
        preview.header_errors.append(RowError(1, column, _("the column appears twice")))
    editable = permissions.editable_sections(actor)
    for column in table.header:
        section = section_of_field(column)
        if section and section not in editable and column not in MATCH_COLUMNS:
            preview.header_errors.append(
                RowError(1, column, _("your organisation is not responsible for this column's section"))
            )
    if preview.header_errors:
        return preview

    lookups = Lookups()
    by_registry = {b.registry_number: b for b in Building.objects.exclude(registry_number="")}
    by_address = building_address_index()
    seen: dict[int, int] = {}  # building -> the row that found it
    claimed: dict[str, tuple[int, int]] = {}  # registry number -> (building, row)
    for offset, cells in enumerate(table.rows):
        row = offset + 2
        if not any(_filled(c) for c in cells):
            continue
        values = dict(
            zip(table.header, list(cells) + [None] * (len(table.header) - len(cells)), strict=False)
        )
        result = RowResult(row=row)
        preview.results.append(result)
        building = _find(values, by_registry, by_address, result)
        if building is None:
            continue
        if building.pk in seen:
            result.errors.append(
                RowError(
                    row,
                    "",
                    _("the same building as row %(n)s (%(a)s)")
                    % {"n": seen[building.pk], "a": building.address},
                )
            )
            continue
        seen[building.pk] = row
        result.building = building
        _check_row(result, values, lookups, editable)
        number = building.registry_number
        if number and not result.errors:
            if number in claimed and claimed[number][0] != building.pk:
                result.errors.append(
                    RowError(
                        row,
                        "registry_number",
                        _("row %(n)s gives the same registry number") % {"n": claimed[number][1]},
                    )
                )
            claimed.setdefault(number, (building.pk, row))
    return preview


def _find(values: dict, by_registry: dict, by_address: dict, result: RowResult) -> Building | None:
    number = str(values.get("registry_number") or "").strip()
    if isinstance(values.get("registry_number"), float):
        number = str(int(values["registry_number"]))
    address = str(values.get("address") or "").strip()
    by_number = by_registry.get(number) if number else None
    at_address: list[Building] = []
    if address:
        query = parse_address(address)
        at_address = by_address.get(" ".join(query.words) + "|" + query.house, [])
    if by_number is not None:
        if address and by_number not in at_address:
            result.errors.append(
                RowError(
                    result.row,
                    "address",
                    _("registry number %(n)s belongs to %(a)s, not to this address")
                    % {"n": number, "a": by_number.address},
                )
            )
            return None
        return by_number
    if len(at_address) == 1:
        return at_address[0]
    if len(at_address) > 1:
        result.errors.append(RowError(result.row, "address", _("more than one building has this address")))
        return None
    if address:
        reason = _("no building at “%(a)s”") % {"a": address}
        if number:
            reason = _("no building with registry number %(n)s or at “%(a)s”") % {"n": number, "a": address}
        result.errors.append(RowError(result.row, "address", reason))
    elif number:
        result.errors.append(
            RowError(
                result.row, "registry_number", _("no building with registry number %(n)s") % {"n": number}
            )
        )
    else:
        result.errors.append(RowError(result.row, "", _("neither a registry number nor an address")))
    return None


def _check_row(result: RowResult, values: dict, lookups: Lookups, editable: frozenset[str]) -> None:
    building = result.building
    before = record_values(building)
    row_errors = result.errors
    for column, raw in values.items():
        if column not in SHEET_FIELDS:
            continue
        try:
            value = parse_cell(column, raw, lookups)
        except CellError as exc:
            row_errors.append(RowError(result.row, column, str(exc)))
            continue
        if value is None:
            continue
        if column == "registry_number" and value is not CLEAR and value == building.registry_number:
            continue
        field = Building._meta.get_field(column)
        if value is CLEAR:
            value = [] if column == "elevators" else (None if field.null else "")
        setattr(building, column, value)
    if row_errors:
        return
    try:
        building.full_clean(exclude=["footprint", "source_id"])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            column = name if name in values else ("" if name == "__all__" else name)
            for message in messages:
                row_errors.append(RowError(result.row, column, message))
        return
    result.changes = changes_between(before, record_values(building))
    for change in result.changes:
        if change.section not in editable:
            row_errors.append(
                RowError(result.row, change.field, _("your organisation is not responsible for this section"))
            )


# -- applying -------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    applied: list[RowResult]
    skipped: list[RowResult]


def import_apply(
    *, table: ImportTable, actor, skip_bad_rows: bool, expected_versions: dict[str, int]
) -> ImportResult:
    """Apply an import as previewed: all rows, or (when chosen) all but the wrong ones.

    Raises ImportRejected, writing nothing, when a row is wrong and skipping was not chosen,
    or when a sheet changed since the preview (the preview must be made again)."""
    with transaction.atomic():
        # Lock the previewed sheets so that nobody saves one between this check and the write.
        list(Building.objects.select_for_update().filter(pk__in=list(expected_versions)).values_list("pk"))
        preview = import_preview(table=table, actor=actor)
        if preview.header_errors:
            raise ImportRejected(
                _("The file's columns are wrong; nothing was imported."), preview.header_errors
            )
        if preview.bad_rows and not skip_bad_rows:
            raise ImportRejected(
                _("%(n)s rows are wrong; nothing was imported.") % {"n": len(preview.bad_rows)},
                preview.errors,
            )
        if preview.versions != expected_versions:
            raise ImportRejected(
                _(
                    "Some of these sheets were changed since the preview; nothing was imported. Check the preview again."
                )
            )
        reason = f"import:{table.name}"  # history.reason_text says it in the reader's language
        for result in preview.changed_rows:
            building = result.building
            building.version += 1
            building._history_user = actor
            building._change_reason = reason[:100]
            building.save()
        return ImportResult(applied=preview.changed_rows, skipped=preview.bad_rows)


# -- keeping an uploaded file between the preview and the confirmation --------------------------


def import_upload_store(*, name: str, content: bytes, actor) -> str:
    """Keep an uploaded file under MEDIA_ROOT for its confirmation; returns its token."""
    import uuid

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    token = uuid.uuid4().hex
    extension = PurePath(name).suffix.lower()[:6]
    default_storage.save(f"housing/imports/{actor.pk}/{token}{extension}", ContentFile(content))
    return token


def import_upload_load(*, token: str, name: str, actor) -> ImportTable:
    """The table of a stored upload of `actor` (ImportRejected if it is gone)."""
    from django.core.files.storage import default_storage

    if not token.isalnum():
        raise ImportRejected(_("The upload was not found; send the file again."))
    path = f"housing/imports/{actor.pk}/{token}{PurePath(name).suffix.lower()[:6]}"
    if not default_storage.exists(path):
        raise ImportRejected(_("The upload was not found; send the file again."))
    with default_storage.open(path, "rb") as f:
        content = f.read()
    return import_table_read(name=name, content=content)


def import_upload_discard(*, token: str, name: str, actor) -> None:
    from django.core.files.storage import default_storage

    if token.isalnum():
        default_storage.delete(f"housing/imports/{actor.pk}/{token}{PurePath(name).suffix.lower()[:6]}")

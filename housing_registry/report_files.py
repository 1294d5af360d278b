# Over 400 lines: one report rendered three ways (CSV, XLSX, paginated PDF) from the same columns.
"""Writing a report (reports.Report) or a table as CSV, XLSX (openpyxl) or PDF (reportlab).

The PDF uses DejaVu Sans (Debian package fonts-dejavu-core, installed by scripts/setup.sh and
the Dockerfile) so Ukrainian text renders; every page has the report's header and "page N of
M"; the last rows are the totals.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheets import csv_writer, xlsx_row, xlsx_text
from housing_registry.exceptions import RegistryError
from housing_registry.reports import Report

FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"


# -- cell text ----------------------------------------------------------------------------------


def _money(value: Decimal) -> str:
    whole, _dot, cents = f"{value:,.2f}".partition(".")
    return whole.replace(",", "\u202f") + "," + cents


def cell_text(value, kind: str, *, none_is_unknown: bool = True, short: bool = False) -> str:
    """How a cell reads on screen and in the PDF (unknown is said, never a zero)."""
    if value is None or value == "":
        if value is None and none_is_unknown:
            return _("unkn.") if short else _("unknown")
        return ""
    if isinstance(value, str):
        return value
    if kind == "money" and isinstance(value, Decimal | int | float):
        return _money(Decimal(value))
    if kind == "area" and isinstance(value, Decimal | int | float):
        return _money(Decimal(value))[:-1]  # one decimal place
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    return str(value)


def header_lines(report: Report) -> list[str]:
    lines = [_("Horishni Plavni City Council · housing registry")]
    lines += report.criteria
    generated = timezone.localtime(report.generated_at).strftime("%d.%m.%Y %H:%M")
    by = f", {report.generated_by}" if report.generated_by else ""
    lines.append(_("Generated %(when)s%(by)s") % {"when": generated, "by": by})
    return lines


# -- CSV ----------------------------------------------------------------------------------------


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def report_csv(report: Report) -> bytes:
    """Header row, data rows, then the totals row; UTF-8 with a BOM so Excel reads Cyrillic."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow([c.label for c in report.columns])
    for row in report.rows:
        writer.writerow([_plain(v) for v in row])
    if report.totals:
        writer.writerow([_plain(v) for v in report.totals])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def table_csv(header: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_plain(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# -- XLSX ---------------------------------------------------------------------------------------

XLSX_FORMATS = {"money": "#,##0.00", "area": "#,##0.0", "date": "DD.MM.YYYY", "int": "0"}


def report_xlsx(report: Report) -> bytes:
    """A workbook with the report's header, the table (frozen header row, filters), the
    totals and notes; printed landscape with the header row on every page and page numbers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Report")[:31])
    bold, title_font = Font(bold=True), Font(bold=True, size=14)
    fill = PatternFill("solid", fgColor="DDE6F0")
    top = Border(top=Side(style="thin"))
    for i, column in enumerate(report.columns, start=1):
        width = {"text": 14 * column.width, "date": 11, "money": 15, "area": 12}.get(column.kind, 9)
        sheet.column_dimensions[get_column_letter(i)].width = max(6, min(60, width))
    lines = header_lines(report)
    head_rows = 2 + len(lines)
    sheet.freeze_panes = f"A{head_rows + 1}"
    sheet.print_title_rows = f"{head_rows}:{head_rows}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToHeight = 0
    sheet.oddFooter.center.text = _("Page &P of &N")
    sheet.oddHeader.left.text = report.title

    def cell(value, *, font=None, fmt=None, fill_=None, border=None, wrap=False):
        c = xlsx_text(WriteOnlyCell(sheet, value=value))
        if font:
            c.font = font
        if fmt:
            c.number_format = fmt
        if fill_:
            c.fill = fill_
        if border:
            c.border = border
        if wrap:
            c.alignment = Alignment(wrap_text=True, vertical="top")
        return c

    sheet.append([xlsx_text(cell(report.title, font=title_font))])
    for line in lines:
        sheet.append(xlsx_row(sheet, [line]))
    sheet.append([cell(c.label, font=bold, fill_=fill, wrap=True) for c in report.columns])
    unknown = _("unknown")
    # One styled cell per column, its value changed for every row: a write-only sheet writes
    # each row out as it is appended, so the cell can be reused (ten times faster on 10k rows).
    pens = [cell(None, fmt=XLSX_FORMATS.get(c.kind)) for c in report.columns]
    for row in report.rows:
        out = []
        for column, pen, value in zip(report.columns, pens, row, strict=True):
            if value is None:
                out.append(unknown if column.none_is_unknown else None)
            else:
                pen.value = value
                out.append(xlsx_text(pen))
        sheet.append(out)
    if report.totals:
        sheet.append(
            [
                cell(
                    v, font=bold, border=top, fmt=XLSX_FORMATS.get(c.kind) if not isinstance(v, str) else None
                )
                for c, v in zip(report.columns, report.totals, strict=True)
            ]
        )
    for note in report.notes:
        sheet.append(xlsx_row(sheet, [note]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_xlsx(title: str, header: list[str], rows) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    head = []
    for name in header:
        c = WriteOnlyCell(sheet, value=name)
        c.font = bold
        head.append(c)
    sheet.append(head)
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- PDF ----------------------------------------------------------------------------------------


def register_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(settings.MISTO_PDF_FONT_DIR)
    regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
    if not regular.exists() or not bold.exists():
        raise RegistryError(
            _("The PDF font DejaVu Sans is not installed (%(dir)s); install the package fonts-dejavu-core.")
            % {"dir": folder}
        )
    pdfmetrics.registerFont(TTFont(FONT, str(regular)))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(bold)))


class _PdfLayout:
    """Sizes of the A4 landscape report page (points)."""

    def __init__(self):
        from reportlab.lib.pagesizes import A4, landscape
        from reportlab.lib.units import mm

        self.width, self.height = landscape(A4)
        self.margin = 12 * mm
        self.usable = self.width - 2 * self.margin
        self.top = self.height - 13 * mm  # below the running title
        self.bottom = 13 * mm  # above the page number
        self.size = 7.2  # table text
        self.leading = self.size + 1.8
        self.pad = 2.0


def report_pdf(report: Report) -> bytes:
    """A4 landscape, drawn straight on the canvas (fast for 10,000 rows): the report's title,
    what it covers and who made it; the table with its column header on every page; the
    totals and notes after the last row; "page N of M" and the title on every page."""
    from reportlab.lib import colors
    from reportlab.lib.rl_accel import fp_str
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.pdfgen.textobject import PDFTextObject

    register_fonts()
    L = _PdfLayout()
    formatted: dict[tuple, str] = {}
    measured: dict[tuple[str, str], float] = {}

    class Text(PDFTextObject):
        """A text object that formats each distinct string once (table values repeat a lot)."""

        def _formatText(self, text):
            key = (self._fontname, self._fontsize, text)
            found = formatted.get(key)
            if found is None:
                found = formatted[key] = super()._formatText(text)
            return found

        def put(self, x: float, y: float, text: str) -> None:
            """setTextOrigin + textOut in one step (this runs for every cell of the table)."""
            self._code.append(f"1 0 0 1 {fp_str(x, y)} Tm {self._formatText(text)}")

    def width_of(text: str, font: str) -> float:
        key = (text, font)
        found = measured.get(key)
        if found is None:
            found = measured[key] = stringWidth(text, font, size)
        return found

    size, leading, pad = L.size, L.leading, L.pad
    total_weight = sum(c.width for c in report.columns)
    widths = [L.usable * c.width / total_weight for c in report.columns]
    lefts = [L.margin + sum(widths[:i]) for i in range(len(widths))]
    right = [c.kind in ("int", "money", "area") for c in report.columns]
    cache: dict[tuple[str, int, str], list[str]] = {}

    def broken(word: str, room: float, font: str) -> list[str]:
        """A word wider than its column, in pieces that fit, each but the last ending in a hyphen."""
        pieces, piece = [], ""
        for char in word:
            if piece and stringWidth(piece + char + "-", font, size) > room:
                pieces.append(piece + "-")
                piece = ""
            piece += char
        return [*pieces, piece]

    def lines_of(text: str, i: int, font: str = FONT) -> list[str]:
        """The text of column i wrapped at spaces to the column's width, a word too long for
        it broken with a hyphen: every character is printed, none cut off (memoised)."""
        key = (text, i, font)
        found = cache.get(key)
        if found is not None:
            return found
        room = widths[i] - 2 * pad
        if len(text) * size < room or stringWidth(text, font, size) <= room:
            lines = [text]
        else:
            lines = []
            for line in simpleSplit(text, font, size, room):
                lines.extend([line] if stringWidth(line, font, size) <= room else broken(line, room, font))
        cache[key] = lines
        return lines

    def texts(values, font=FONT, known_blank=False):
        out = []
        for i, (c, v) in enumerate(zip(report.columns, values, strict=True)):
            shown = cell_text(v, c.kind, none_is_unknown=(c.none_is_unknown and not known_blank), short=True)
            # Numbers never wrap (a total may reach into the empty cell on its left).
            out.append([shown] if right[i] and not isinstance(v, str) else lines_of(shown, i, font))
        return out

    header = texts([c.label for c in report.columns], FONT_BOLD)
    header_h = max(len(x) for x in header) * leading + 2 * pad
    rows = [texts(row) for row in report.rows]
    totals = texts(report.totals, FONT_BOLD, known_blank=True) if report.totals else None

    # The first page starts with the report's header block.
    title_size, line_size = 14, 8.5
    intro = [(FONT_BOLD, title_size, report.title)]
    for line in header_lines(report):
        for part in simpleSplit(line, FONT, line_size, L.usable):
            intro.append((FONT, line_size, part))
    intro_h = title_size * 1.3 + (len(intro) - 1) * line_size * 1.35 + 10
    notes = [part for note in report.notes for part in simpleSplit(note, FONT, line_size, L.usable)]

    # Paginate first, so that every page can say "page N of M".
    pages: list[list[int]] = [[]]
    y = L.top - intro_h - header_h
    heights = [max(len(x) for x in r) * leading + 2 * pad for r in rows]
    for n, h in enumerate(heights):
        if y - h < L.bottom and pages[-1]:
            pages.append([])
            y = L.top - header_h
        pages[-1].append(n)
        y -= h
    tail_h = (max(len(x) for x in totals) * leading + 2 * pad + 4 if totals else 0) + len(
        notes
    ) * line_size * 1.35
    tail_on_new_page = y - tail_h < L.bottom
    page_count = len(pages) + (1 if tail_on_new_page else 0)

    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(L.width, L.height), pageCompression=1)
    canvas.setTitle(report.title)
    canvas.setAuthor("Misto")
    grey, rule, band = colors.HexColor("#4b5563"), colors.HexColor("#d1d5db"), colors.HexColor("#dde6f0")
    page_of = _("Page %(page)s of %(pages)s")

    def furniture(number: int) -> None:
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(grey)
        canvas.drawString(L.margin, L.height - 8 * 2.834, f"Misto · {report.title}")
        canvas.drawRightString(L.width - L.margin, 7 * 2.834, page_of % {"page": number, "pages": page_count})
        canvas.setFillColor(colors.black)

    pen = None

    def draw_row(cells, y_top: float, h: float, font: str) -> None:
        pen.setFont(font, size)
        for i, lines in enumerate(cells):
            baseline = y_top - pad - size
            for line in lines:
                if line:
                    if right[i]:
                        pen.put(lefts[i] + widths[i] - pad - width_of(line, font), baseline, line)
                    else:
                        pen.put(lefts[i] + pad, baseline, line)
                baseline -= leading

    def draw_header(y_top: float) -> float:
        canvas.setFillColor(band)
        canvas.rect(L.margin, y_top - header_h, L.usable, header_h, stroke=0, fill=1)
        canvas.setFillColor(colors.black)
        draw_row(header, y_top, header_h, FONT_BOLD)
        canvas.setStrokeColor(grey)
        canvas.setLineWidth(0.6)
        canvas.line(L.margin, y_top - header_h, L.margin + L.usable, y_top - header_h)
        return y_top - header_h

    y = L.top
    for number, members in enumerate(pages, start=1):
        furniture(number)
        pen = Text(canvas)
        y = L.top
        if number == 1:
            for font, font_size, line in intro:
                y -= font_size * (1.3 if font == FONT_BOLD else 1.35)
                canvas.setFont(font, font_size)
                canvas.drawString(L.margin, y, line)
            y -= 10
            if not rows:
                y = draw_header(y)
                canvas.setFont(FONT, size)
                canvas.drawString(L.margin + pad, y - pad - size, _("No records match."))
                y -= leading + 2 * pad
        if members:
            y = draw_header(y)
        canvas.setStrokeColor(rule)
        canvas.setLineWidth(0.25)
        for n in members:
            draw_row(rows[n], y, heights[n], FONT)
            y -= heights[n]
            canvas.line(L.margin, y, L.margin + L.usable, y)
        canvas.drawText(pen)
        if number < page_count:
            canvas.showPage()
    pen = Text(canvas)
    if tail_on_new_page:
        furniture(page_count)
        y = L.top
    if totals:
        h = max(len(x) for x in totals) * leading + 2 * pad
        canvas.setStrokeColor(colors.black)
        canvas.setLineWidth(0.9)
        canvas.line(L.margin, y - 2, L.margin + L.usable, y - 2)
        draw_row(totals, y - 2, h, FONT_BOLD)
        y -= h + 4
    canvas.drawText(pen)
    canvas.setFont(FONT, line_size)
    for part in notes:
        y -= line_size * 1.35
        canvas.drawString(L.margin, y, part)
    canvas.showPage()
    canvas.save()
    return out.getvalue()

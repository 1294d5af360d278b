"""Writing a report (reports.Report) or a table as CSV, XLSX (openpyxl) or PDF (reportlab).

The PDF uses DejaVu Sans (Debian package fonts-dejavu-core, installed by scripts/setup.sh and
the Dockerfile) so Ukrainian text renders; every page has the report's header and "page N of
M"; the last rows are the totals.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

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
    writer = csv.writer(out)
    writer.writerow([c.label for c in report.columns])
    for row in report.rows:
        writer.writerow([_plain(v) for v in row])
    if report.totals:
        writer.writerow([_plain(v) for v in report.totals])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def table_csv(header: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
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
        c = WriteOnlyCell(sheet, value=value)
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

    sheet.append([cell(report.title, font=title_font)])
    for line in lines:
        sheet.append([line])
    sheet.append([cell(c.label, font=bold, fill_=fill, wrap=True) for c in report.columns])
    unknown = _("unknown")
    for row in report.rows:
        out = []
        for column, value in zip(report.columns, row, strict=True):
            if value is None:
                out.append(unknown if column.none_is_unknown else None)
            else:
                out.append(cell(value, fmt=XLSX_FORMATS.get(column.kind)))
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
        sheet.append([note])
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
        sheet.append(list(row))
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


def report_pdf(report: Report) -> bytes:
    """A4 landscape: the header on every page, the table with its header row repeated,
    totals, notes, and "page N of M" at the foot of each page."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    register_fonts()
    page_w, page_h = landscape(A4)
    margin = 12 * mm
    usable = page_w - 2 * margin
    size = 7.2
    total_weight = sum(c.width for c in report.columns)
    widths = [usable * c.width / total_weight for c in report.columns]
    right = {i for i, c in enumerate(report.columns) if c.kind in ("int", "money", "area")}

    def fit(text: str, width: float, font: str = FONT) -> str:
        """Wrap to at most 3 lines of the column width (cheap: no Paragraph per cell)."""
        if stringWidth(text, font, size) <= width - 4:
            return text
        lines = simpleSplit(text, font, size, width - 4)
        if len(lines) > 3:
            lines = lines[:3]
            lines[-1] = lines[-1][: max(1, len(lines[-1]) - 1)] + "…"
        return "\n".join(lines)

    header = [fit(c.label, w, FONT_BOLD) for c, w in zip(report.columns, widths, strict=True)]
    body = []
    for row in report.rows:
        body.append(
            [
                fit(cell_text(v, c.kind, none_is_unknown=c.none_is_unknown, short=True), w)
                for c, v, w in zip(report.columns, row, widths, strict=True)
            ]
        )
    base_style = [
        ("FONT", (0, 0), (-1, -1), FONT, size),
        ("LEADING", (0, 0), (-1, -1), size + 1.6),
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, size),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6f0")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#4b5563")),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#d1d5db")),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
    ]
    for i in right:
        base_style.append(("ALIGN", (i, 0), (i, -1), "RIGHT"))

    story = []
    title_style = ParagraphStyle("title", fontName=FONT_BOLD, fontSize=14, leading=17, spaceAfter=3)
    line_style = ParagraphStyle("line", fontName=FONT, fontSize=8.5, leading=11)
    story.append(Paragraph(_escape(report.title), title_style))
    for line in header_lines(report):
        story.append(Paragraph(_escape(line), line_style))
    story.append(Spacer(1, 4 * mm))
    # Many small tables flow much faster than one long one; each repeats the header row.
    chunk = 60
    for start in range(0, max(len(body), 1), chunk):
        part = body[start : start + chunk]
        if not part:
            part = [[_("No records match.")] + [""] * (len(header) - 1)]
        table = Table([header, *part], colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle(base_style))
        story.append(table)
    if report.totals:
        totals = [
            fit(cell_text(v, c.kind, none_is_unknown=False, short=True), w, FONT_BOLD)
            for c, v, w in zip(report.columns, report.totals, widths, strict=True)
        ]
        table = Table([totals], colWidths=widths)
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), FONT_BOLD, size),
                    ("LINEABOVE", (0, 0), (-1, 0), 0.9, colors.black),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                    *[("ALIGN", (i, 0), (i, 0), "RIGHT") for i in right],
                ]
            )
        )
        story.append(table)
    for note in report.notes:
        story.append(Spacer(1, 2 * mm))
        story.append(Paragraph(_escape(note), line_style))

    title = report.title
    page_of = _("Page %(page)s of %(pages)s")

    class NumberedCanvas(Canvas):
        """Draws "page N of M" once the number of pages is known."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            count = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(FONT, 7.5)
                self.setFillColor(colors.HexColor("#4b5563"))
                self.drawString(margin, page_h - 8 * mm, f"Misto · {title}")
                self.drawRightString(
                    page_w - margin, 7 * mm, page_of % {"page": self._pageNumber, "pages": count}
                )
                super().showPage()
            super().save()

    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=(page_w, page_h),
        leftMargin=margin,
        rightMargin=margin,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=report.title,
        author="Misto",
    )
    document.build(story, canvasmaker=NumberedCanvas)
    return out.getvalue()


def _escape(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

"""Reports: the totals agree with the data, the four outputs agree with each other, and the PDF
has Ukrainian text, a header, totals and page numbers."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.db.models import Count, Sum
from openpyxl import load_workbook

from housing_registry.models import Building, WorkRecord
from housing_registry.reports import buildings_report, works_report
from housing_registry.selectors import BuildingFilters, WorkFilters, overdue_q

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_works_list_totals_match_the_database(city):
    report = works_report(filters=WorkFilters())
    assert len(report.rows) == WorkRecord.objects.count()
    expected = WorkRecord.objects.aggregate(s=Sum("cost"))["s"]
    assert report.totals[-1] == expected
    unknown = WorkRecord.objects.filter(cost__isnull=True).count()
    assert unknown and any(str(unknown) in note for note in report.notes)


def test_works_by_district_add_up_per_district_and_in_total(city):
    report = works_report(filters=WorkFilters(), group_by="district")
    per = {
        row["building__district__name_uk"]: row
        for row in WorkRecord.objects.values("building__district__name_uk").annotate(
            n=Count("id"), s=Sum("cost")
        )
    }
    for name, works, done, open_, overdue, cost, cost_done in report.rows:
        assert works == per[name]["n"]
        assert cost == per[name]["s"]
        assert done + open_ <= works and overdue <= open_ and cost_done <= cost
    assert report.totals[1] == WorkRecord.objects.count()
    assert report.totals[5] == WorkRecord.objects.aggregate(s=Sum("cost"))["s"]
    assert report.totals[4] == WorkRecord.objects.filter(overdue_q()).count()


@pytest.mark.parametrize("group_by", ["building", "month", "contractor", "status", "kind"])
def test_every_grouping_counts_every_work_once(city, group_by):
    report = works_report(filters=WorkFilters(), group_by=group_by)
    works_column = 2 if group_by == "building" else 1
    assert sum(r[works_column] for r in report.rows) == WorkRecord.objects.count()


def test_works_of_a_period_and_contractor(city):
    from datetime import date

    from housing_registry.models import Contractor

    contractor = Contractor.objects.get(name="ТОВ «Покрівля-Дніпро»")
    filters = WorkFilters(contractor=contractor.pk, date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))
    report = works_report(filters=filters)
    assert report.rows
    assert all(r[9] == contractor.name for r in report.rows)
    assert all((r[8] or r[7]).year == 2025 for r in report.rows)


def test_overdue_report_lists_open_late_works_with_days_late(city):
    report = works_report(filters=WorkFilters(overdue=True))
    assert len(report.rows) == WorkRecord.objects.filter(overdue_q()).count() > 0
    late = [c.key for c in report.columns].index("late")
    assert all(r[late] > 0 for r in report.rows)
    assert report.title == "Прострочені роботи"


def test_buildings_by_condition_and_heat_supplier(city):
    by_state = buildings_report(filters=BuildingFilters(), group_by="technical_state")
    assert by_state.totals[1] == Building.objects.count()
    good = Building.objects.filter(technical_state="good").count()
    assert ["добрий", good] == by_state.rows[[r[0] for r in by_state.rows].index("добрий")][:2]
    by_heat = buildings_report(filters=BuildingFilters(), group_by="heating_provider")
    teplo = Building.objects.filter(heating_provider__source_id="svc-teploenergo")
    row = next(r for r in by_heat.rows if r[0] == "КП «Теплоенерго»")
    assert row[1] == teplo.count()
    assert row[2] == teplo.aggregate(s=Sum("apartments"))["s"]
    assert by_heat.totals[3] == Building.objects.aggregate(s=Sum("total_area"))["s"]


def test_screen_csv_and_xlsx_agree(client, dispatcher):
    client.force_login(dispatcher)
    query = "/registry/reports/?report=works&work_group=status"
    html = client.get(query).content.decode()
    rows = list(csv.reader(io.StringIO(client.get(query + "&format=csv").content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Статус", "Роботи"]
    total_row = rows[-1]
    assert total_row[0] == "Разом" and int(total_row[1]) == WorkRecord.objects.count()
    book = load_workbook(io.BytesIO(client.get(query + "&format=xlsx").content))
    sheet = book.active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Роботи за ознакою «статус»"
    header = values.index(
        [
            "Статус",
            "Роботи",
            "Виконано",
            "Відкриті",
            "Прострочено",
            "Вартість, грн",
            "Вартість виконаних робіт, грн",
        ]
    )
    totals = values[header + 1 + len(rows) - 2]
    assert totals[0] == "Разом" and totals[1] == WorkRecord.objects.count()
    assert Decimal(str(totals[5])) == WorkRecord.objects.aggregate(s=Sum("cost"))["s"]
    assert "Разом" in html and f">{WorkRecord.objects.count()}<" in html.replace("\u202f", "")


def test_unknown_costs_read_as_unknown_not_zero_on_screen_and_in_xlsx(client, dispatcher):
    client.force_login(dispatcher)
    work = WorkRecord.objects.filter(cost__isnull=True).select_related("building").first()
    html = client.get(f"/registry/reports/?report=works&q={work.building.address}").content.decode()
    assert '<span class="unknown">невідомо</span>' in html
    book = load_workbook(
        io.BytesIO(
            client.get(f"/registry/reports/?report=works&format=xlsx&building={work.building_id}").content
        )
    )
    cells = [c.value for row in book.active.iter_rows() for c in row]
    assert "невідомо" in cells


def test_pdf_has_ukrainian_text_header_totals_and_page_numbers(client, dispatcher, artifacts, tmp_path):
    client.force_login(dispatcher)
    response = client.get("/registry/reports/?report=works&format=pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="works-')
    pdf = tmp_path / "works.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) > 10
    assert "Роботи" in pages[0] and "Горішньоплавнівська міська рада" in pages[0]
    assert "Сформовано" in pages[0] and "Віктор Мельник" in pages[0]
    for n, page in enumerate(pages, start=1):
        assert f"Сторінка {n} з {len(pages)}" in page
        assert "Адреса" in page and "Підрядник" in page  # the column header on every page
    assert f"Разом робіт: {WorkRecord.objects.count()}" in pages[-1]
    assert "вулиця" in text and "Заміна" in text  # Cyrillic data, not empty boxes
    shutil.copy(pdf, artifacts / "registry-report-works.pdf")
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf),
            str(artifacts / "registry-report-works"),
        ],
        check=True,
    )


def test_pdf_of_an_empty_report_says_so(client, dispatcher):
    client.force_login(dispatcher)
    response = client.get("/registry/reports/?report=works&q=вулиця+Неіснуюча")
    assert "Записів не знайдено" in response.content.decode()
    pdf = client.get("/registry/reports/?report=works&q=вулиця+Неіснуюча&format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_works_report_narrowed_by_the_buildings_filters(client, dispatcher):
    client.force_login(dispatcher)
    response = client.get("/registry/reports/?report=works&technical_state=emergency&format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:-1]
    expected = WorkRecord.objects.filter(building__technical_state="emergency").count()
    assert len(rows) == expected > 0
    html = client.get("/registry/reports/?report=works&technical_state=emergency").content.decode()
    assert "Технічний стан: аварійний" in html


def test_pdf_wraps_long_cell_text_instead_of_cutting_it(city, tmp_path, artifacts):
    """Issue 20: "електропост…" — a long word in a narrow column is broken with a hyphen and
    wrapped, and every value of the works report is printed whole."""
    from housing_registry.report_files import report_pdf

    report = works_report(filters=WorkFilters())
    pdf = tmp_path / "works.pdf"
    pdf.write_bytes(report_pdf(report))
    # -raw: in drawing order, so the lines of one cell come one after another.
    text = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "…" not in text

    def squeeze(value: str) -> str:
        return "".join(ch for ch in value if not ch.isspace() and ch != "-")

    printed = squeeze(text)
    texts = {v for row in report.rows for v in row if isinstance(v, str) and len(v) > 12}
    assert texts
    missing = [v for v in texts if squeeze(v) not in printed]
    assert not missing, missing[:5]
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "110",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf),
            str(artifacts / "registry-report-wrapped"),
        ],
        check=True,
    )

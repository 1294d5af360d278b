"""The leaders' dashboard (staff with the "view dashboard" right) and its public version, the
portal's open figures: one page, a heat layer as JSON, and CSV / XLSX exports, for a period."""

from __future__ import annotations

import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from citizen_requests.selectors.dashboard import Figures, Period, dashboard_figures, dashboard_heat, period_of
from citizen_requests.selectors.trend import answer_trend
from citizen_requests.views.trend_chart import median_chart, on_time_chart
from core.maps import map_options
from core.spreadsheets import csv_writer, xlsx_row

PERMISSION = "citizen_requests.view_dashboard"


class PeriodForm(forms.Form):
    date_from = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _period(request) -> tuple[PeriodForm, Period]:
    form = PeriodForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    period = period_of(data.get("date_from"), data.get("date_to"))
    form = PeriodForm(initial={"date_from": period.date_from, "date_to": period.date_to})
    return form, period


def _leader(request) -> None:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied(
            _("The dashboard is for the city's leaders, heads of services and the front office.")
        )


def _trend_context(request, period: Period) -> dict:
    """The monthly trend (public requests) of the whole city or of one service (?service=)."""
    trend = answer_trend(until=period.date_to)
    try:
        service = int(request.GET.get("service") or 0) or None
    except ValueError:
        service = None
    names = dict(trend.services)
    if service not in names:
        service = None
    rows = trend.of(service)
    return {
        "trend": trend,
        "trend_service": service,
        "trend_service_name": names.get(service) or _("All services"),
        "trend_rows": rows,
        "median_chart": median_chart(rows),
        "on_time_chart": on_time_chart(rows),
    }


def _page(request, *, public: bool):
    form, period = _period(request)
    figures = dashboard_figures(period=period, public=public)
    query = f"date_from={period.date_from:%Y-%m-%d}&date_to={period.date_to:%Y-%m-%d}"
    prefix = "public-figures" if public else "dashboard"
    return render(
        request,
        "citizen_requests/staff/dashboard.html",
        {
            "public": public,
            "form": form,
            "period": period,
            "figures": figures,
            "query": query,
            "csv_url": reverse(f"citizen_requests:{prefix}-csv") + "?" + query,
            "xlsx_url": reverse(f"citizen_requests:{prefix}-xlsx") + "?" + query,
            "map_options": map_options(heat=reverse(f"citizen_requests:{prefix}-heat") + "?" + query),
            **_trend_context(request, period),
        },
    )


def _heat(request, *, public: bool):
    _form, period = _period(request)
    points = dashboard_heat(period=period, public=public)
    return JsonResponse(
        {
            "period": [period.date_from.isoformat(), period.date_to.isoformat()],
            "requests": sum(p[2] for p in points),
            "points": points,
        }
    )


def _rows(figures: Figures) -> list[list]:
    """The figures as (section, name, value) rows: the same for CSV and XLSX."""
    answer = figures.answer_time
    rows: list[list] = [
        ["period", "from", figures.period.date_from.isoformat()],
        ["period", "to", figures.period.date_to.isoformat()],
        ["summary", "requests", figures.total],
        ["summary", "answered", answer.answered],
        ["summary", "median_hours_to_answer", _round(answer.median_hours)],
        ["summary", "p90_hours_to_answer", _round(answer.p90_hours)],
        ["summary", "answered_with_deadline", answer.with_deadline],
        ["summary", "answered_on_time", answer.on_time],
        ["summary", "on_time_share", _round(answer.on_time_share, 4)],
    ]
    for key, _title, table in figures.tables():
        rows += [[key, label, n] for label, n in table]
    return rows


def _round(value: float | None, digits: int = 2):
    return "" if value is None else round(value, digits)


def _filename(figures: Figures, ext: str) -> str:
    kind = "requests-figures" if figures.public else "requests-dashboard"
    return f"{kind}-{figures.period.date_from:%Y%m%d}-{figures.period.date_to:%Y%m%d}.{ext}"


def _csv(request, *, public: bool):
    _form, period = _period(request)
    figures = dashboard_figures(period=period, public=public)
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 CSV correctly with a byte order mark
    writer = csv_writer(out)
    writer.writerow(["section", "name", "value"])
    writer.writerows(_rows(figures))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(figures, "csv")}"'
    return response


def _xlsx(request, *, public: bool):
    _form, period = _period(request)
    figures = dashboard_figures(period=period, public=public)
    book = Workbook()
    sheet = book.active
    sheet.title = "figures"
    sheet.append(["section", "name", "value"])
    for row in _rows(figures):
        sheet.append(xlsx_row(sheet, row))
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 48
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(figures, "xlsx")}"'
    return response


# -- the leaders' dashboard ---------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request):
    _leader(request)
    return _page(request, public=False)


@login_required
@require_GET
def dashboard_heat_json(request):
    _leader(request)
    return _heat(request, public=False)


@login_required
@require_GET
def dashboard_csv(request):
    _leader(request)
    return _csv(request, public=False)


@login_required
@require_GET
def dashboard_xlsx(request):
    _leader(request)
    return _xlsx(request, public=False)


# -- the public figures (open data) -------------------------------------------------------------


@require_GET
def public_figures(request):
    return _page(request, public=True)


@require_GET
def public_figures_heat(request):
    return _heat(request, public=True)


@require_GET
def public_figures_csv(request):
    return _csv(request, public=True)


@require_GET
def public_figures_xlsx(request):
    return _xlsx(request, public=True)

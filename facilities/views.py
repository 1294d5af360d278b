"""Directory pages: the list with filters, a facility's page, and "nearest to me"."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from city.models import District
from core.maps import facility_map
from facilities import opening_hours
from facilities.filters import InvalidParameter, parse_facility_filter
from facilities.nearest import NEAREST_DEFAULT, facilities_nearest, nearest_query
from facilities.selectors import (
    category_groups_with_counts,
    facilities_filtered,
    facilities_public,
)

PAGE_SIZE = 25


@require_GET
def directory(request):
    error = None
    try:
        f = parse_facility_filter(request.GET)
        qs = facilities_filtered(f).select_related("category", "district").order_by("name_uk", "pk")
        if f.point is not None:
            qs = qs.order_by("distance", "pk")
    except InvalidParameter as exc:
        error, f, qs = exc, parse_facility_filter({}), facilities_public().none()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    periods = _periods_for(page.object_list)
    now = timezone.localtime()
    for facility in page.object_list:
        facility.open_now = (
            opening_hours.is_open(periods.get(facility.pk, []), now) if facility.opening_hours else None
        )
    query = request.GET.copy()
    query.pop("page", None)
    status = 400 if error else 200
    return render(
        request,
        "facilities/directory.html",
        {
            "filter": f,
            "error": error,
            "page": page,
            "groups": category_groups_with_counts(),
            "districts": District.objects.order_by("name_uk"),
            "query": query.urlencode(),
            "map_link": _map_link(request.GET),
        },
        status=status,
    )


def _periods_for(facilities) -> dict[int, list[opening_hours.Period]]:
    from facilities.models import OpeningPeriod

    out: dict[int, list[opening_hours.Period]] = {}
    for p in OpeningPeriod.objects.filter(facility__in=list(facilities)):
        out.setdefault(p.facility_id, []).append(
            opening_hours.Period(p.weekday, p.opens, p.closes, tuple(p.months))
        )
    return out


def _map_link(params) -> str:
    layers = params.get("category", "")
    return f"/map/?layers={layers}" if layers else "/map/"


@require_GET
def facility_detail(request, pk: int):
    facility = get_object_or_404(
        facilities_public()
        .select_related("category__parent", "district")
        .prefetch_related("opening_periods"),
        pk=pk,
    )
    periods = [
        opening_hours.Period(p.weekday, p.opens, p.closes, tuple(p.months))
        for p in facility.opening_periods.all()
    ]
    week = []
    for day, name in enumerate(_weekday_names()):
        spans = [p for p in periods if p.weekday == day]
        week.append({"name": name, "spans": [_span(p) for p in spans]})
    is_open = opening_hours.is_open(periods, timezone.localtime()) if facility.opening_hours else None
    return render(
        request,
        "facilities/detail.html",
        {
            "facility": facility,
            "week": week,
            "is_open": is_open,
            "map": facility_map(facility, label=_("Location of %(name)s") % {"name": facility.name}),
            "permalink": request.build_absolute_uri(request.path),
            "big_map": f"/map/?c={facility.location.y:.6f},{facility.location.x:.6f}&z=18&layers={facility.category.slug}&f={facility.pk}",
        },
    )


def _weekday_names() -> list[str]:
    return [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]


def _span(p: opening_hours.Period) -> str:
    months = ""
    if p.months:
        months = f" ({opening_hours.MONTHS[p.months[0] - 1]}–{opening_hours.MONTHS[p.months[-1] - 1]})"
    return f"{p.opens // 60:02d}:{p.opens % 60:02d}–{p.closes // 60:02d}:{p.closes % 60:02d}{months}"


@require_GET
def nearest(request):
    """The five facilities of a category nearest on foot to a point or an address, each with
    whether it is open now and until when; "open now only" leaves the closed ones out."""
    category = request.GET.get("category", NEAREST_DEFAULT) or NEAREST_DEFAULT
    address = " ".join(request.GET.get("address", "").split())
    error, place, answer, open_only = None, None, None, False
    try:
        category_ids, point, label, open_only = nearest_query(request.GET)
        if point is not None:
            place = {"label": label, "lat": point.y, "lon": point.x}
            answer = facilities_nearest(point=point, category_ids=category_ids, limit=5, open_only=open_only)
    except InvalidParameter as exc:
        error = exc
    return render(
        request,
        "facilities/nearest.html",
        {
            "groups": category_groups_with_counts(),
            "category": category,
            "address": address,
            "open_only": open_only,
            "place": place,
            "answer": answer,
            "error": error,
        },
        status=400 if error else 200,
    )

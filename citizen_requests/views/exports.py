"""The requests as open data: a CSV export of the list (with its filters) and an RSS feed."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from citizen_requests.models import Request
from citizen_requests.selectors.requests import RequestFilters, requests_filtered, requests_visible_to
from citizen_requests.views import session
from citizen_requests.views.pages import filters_from
from core.spreadsheets import csv_writer

EXPORT_LIMIT = 100_000


class _Echo:
    def write(self, value):
        return value


@require_GET
def export_csv(request):
    """The list as CSV, newest first (at most 100,000 rows: narrow the period for more).
    The published text only: the export is meant to be shared."""
    _form, filters = filters_from(request)
    rows = (
        requests_filtered(requests_visible_to(request.user, session.grants(request)), filters)
        .select_related("category__group", "district", "service")
        .order_by("-id")[:EXPORT_LIMIT]
    )
    header = [
        "number", "registered", "category_code", "category", "group", "status", "visibility", "district",
        "address", "lat", "long", "service", "deadline", "text",
    ]  # fmt: skip
    writer = csv_writer(_Echo())

    def lines():
        yield "\ufeff"  # Excel opens UTF-8 CSV correctly with a byte order mark
        yield writer.writerow(header)
        for r in rows.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    r.number, timezone.localtime(r.submitted_at).isoformat() if r.submitted_at else "",
                    r.category.slug, r.category.name, r.category.group.name, r.status, r.visibility,
                    r.district.name if r.district else "", r.address, f"{r.location.y:.6f}", f"{r.location.x:.6f}",
                    r.service.name if r.service else "", r.deadline.isoformat() if r.deadline else "", r.text_public,
                ]
            )  # fmt: skip

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="requests.csv"'
    return response


class RequestsFeed(Feed):
    """The newest public requests (a feed reader is nobody in particular: public ones only)."""

    def title(self):
        return _("Requests from residents of Horishni Plavni")

    def description(self):
        return _("New public requests on the Misto portal")

    def link(self):
        return reverse("citizen_requests:list")

    def get_object(self, request, *args, **kwargs):
        _form, filters = filters_from(request)
        return filters

    def items(self, filters: RequestFilters):
        return (
            requests_filtered(requests_visible_to(AnonymousUser()), filters)
            .select_related("category", "district")
            .order_by("-id")[:50]
        )

    def item_title(self, item: Request):
        return f"{item.number} · {item.category.name} · {item.address}"

    def item_description(self, item: Request):
        return item.text_public

    def item_link(self, item: Request):
        return reverse("citizen_requests:detail", args=[item.number])

    def item_pubdate(self, item: Request):
        return item.submitted_at

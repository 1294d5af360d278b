"""Read queries over requests, shared by the pages, the API, Open311, exports and feeds.

Every list starts from requests_visible_to(): the one place where visibility becomes SQL.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.contrib.gis.db.models import GeometryField, PointField
from django.contrib.gis.geos import Point, Polygon
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    F,
    FloatField,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.utils import timezone

from citizen_requests import permissions
from citizen_requests.models import Attachment, Category, CategoryGroup, Event, Request, Service, Subscription
from citizen_requests.routing import AreaFact, Named, RuleFact
from city.models import District, Municipality

OPEN_STATUSES = (
    Request.Status.SUBMITTED,
    Request.Status.TRIAGE,
    Request.Status.ASSIGNED,
    Request.Status.IN_PROGRESS,
    Request.Status.INFO_REQUESTED,
    Request.Status.IN_APPROVAL,
    Request.Status.APPROVED,
)
CLOSED_STATUSES = (Request.Status.RESOLVED, Request.Status.CLOSED, Request.Status.REJECTED)
NUMBER = re.compile(r"^\d{4}-\d{1,7}$")


# -- geography in metres ------------------------------------------------------------------


class AsGeography(Func):
    """A 4326 geometry as geography, so that distances are metres on the spheroid. The
    requests table has a GiST index on exactly this expression of `location`."""

    template = "(%(expressions)s)::geography"
    output_field = GeometryField(geography=True)


def _point_value(point: Point) -> Value:
    return Value(point, output_field=PointField(srid=4326))


def coordinate(axis: str) -> Func:
    """The longitude ("x") or latitude ("y") of `location`, read in SQL (no GEOS object per row)."""
    return Func(F("location"), function=f"ST_{axis.upper()}", output_field=FloatField())


def distance_m(point: Point) -> Func:
    return Func(
        AsGeography(F("location")),
        AsGeography(_point_value(point)),
        function="ST_Distance",
        output_field=FloatField(),
    )


def within_m(point: Point, metres: float) -> Func:
    return Func(
        AsGeography(F("location")),
        AsGeography(_point_value(point)),
        Value(float(metres)),
        function="ST_DWithin",
        output_field=BooleanField(),
    )


# -- the territory and the catalogue ----------------------------------------------------------


def point_in_city(point: Point) -> bool:
    """Is the place inside the hromada (on its boundary counts as inside)?"""
    return Municipality.objects.filter(boundary__covers=point).exists()


def district_at(point: Point) -> District | None:
    return (
        District.objects.filter(area__covers=point)
        .only("id", "name_uk", "name_en")
        .order_by("source_id")
        .first()
    )


def categories_active() -> QuerySet[Category]:
    return (
        Category.objects.filter(is_active=True)
        .select_related("group")
        .order_by("group__order", "group__slug", "order", "slug")
    )


def category_groups_active() -> list[CategoryGroup]:
    """Groups with their active categories attached as `.active` (for the form and filters)."""
    groups: dict[int, CategoryGroup] = {}
    for category in categories_active():
        group = groups.setdefault(category.group_id, category.group)
        group.__dict__.setdefault("active", []).append(category)
    return list(groups.values())


def front_office_service() -> Service | None:
    return Service.objects.filter(kind=Service.Kind.FRONT_OFFICE).order_by("pk").first()


ROUTING_SQL = """
select r.id, r.deadline_days, r.priority, r.default_owner_id, s.id, s.name_uk, s.name_en,
       a.id, a.source_id, a.name_uk, a.name_en,
       ST_Contains(a.area, p.geom), ST_Covers(a.area, p.geom), ST_Area(a.area::geography),
       exists(select 1 from citizen_requests_servicemembership m join auth_user u on u.id = m.user_id
              where m.service_id = s.id and u.is_active) as staffed
from citizen_requests_routingrule r
join citizen_requests_service s on s.id = r.service_id
left join citizen_requests_servicearea a on a.id = r.area_id
cross join (select ST_GeomFromEWKT(%s) as geom) p
where r.category_id = %s and r.is_active and (a.id is null or ST_Covers(a.area, p.geom))
"""


def routing_facts(*, category: Category, point: Point) -> list[RuleFact]:
    """The category's active rules that can apply at `point`, with what PostGIS says about the
    point and each rule's area: the facts routing.service_choose() decides on."""
    with connection.cursor() as cursor:
        cursor.execute(ROUTING_SQL, [point.ewkt, category.pk])
        rows = cursor.fetchall()
    facts = []
    for (
        rid,
        days,
        priority,
        owner,
        sid,
        s_uk,
        s_en,
        aid,
        key,
        a_uk,
        a_en,
        contains,
        covers,
        size,
        staffed,
    ) in rows:
        area = None
        if aid is not None:
            area = AreaFact(
                id=aid, key=key, name_uk=a_uk, name_en=a_en, contains=contains, covers=covers, size_m2=size
            )
        facts.append(
            RuleFact(
                id=rid,
                service=Named(sid, s_uk, s_en),
                area=area,
                deadline_days=days,
                priority=priority,
                default_owner_id=owner,
                service_staffed=staffed,
            )
        )
    return facts


def staffed_q(prefix: str = "") -> Q:
    """Services (or, with `prefix`, rows whose `prefix` is a service) with at least one active
    member on the portal: a request sent to any other would sit unseen."""
    return Q(**{f"{prefix}memberships__user__is_active": True})


def services_unstaffed() -> QuerySet[Service]:
    """The services that answer requests but have nobody on the portal (the front office aside),
    for the system check, the admin's warning and the forward form."""
    staffed = Service.objects.filter(staffed_q()).values("pk")
    return Service.objects.exclude(kind=Service.Kind.FRONT_OFFICE).exclude(pk__in=staffed).order_by("name_uk")


def services_staffed() -> QuerySet[Service]:
    """The services a request can be forwarded to: they answer requests and have staff."""
    staffed = Service.objects.filter(staffed_q()).values("pk")
    return Service.objects.exclude(kind=Service.Kind.FRONT_OFFICE).filter(pk__in=staffed).order_by("name_uk")


# -- requests -----------------------------------------------------------------------------------


def requests_visible_to(user, grants: Iterable[int] = ()) -> QuerySet[Request]:
    return Request.objects.filter(permissions.visibility_q(user, grants))


def request_get_visible(*, user, number: str, grants: Iterable[int] = ()) -> Request | None:
    """The request with this registration number if `user` may see it; None otherwise (the
    caller answers 404 either way, so existence is never revealed)."""
    if not NUMBER.match(number or ""):
        return None
    return (
        requests_visible_to(user, grants)
        .select_related("category__group", "service", "district", "applicant", "owner")
        .filter(number=number)
        .first()
    )


@dataclass(frozen=True)
class RequestFilters:
    category: str = ""
    group: str = ""
    status: str = ""  # "open", "closed" or one Request.Status value
    district: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""
    bbox: tuple[float, float, float, float] | None = None


def requests_filtered(queryset: QuerySet[Request], filters: RequestFilters) -> QuerySet[Request]:
    qs = queryset
    if filters.category:
        qs = qs.filter(category__slug=filters.category)
    if filters.group:
        qs = qs.filter(category__group__slug=filters.group)
    if filters.status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif filters.status == "closed":
        qs = qs.filter(status__in=CLOSED_STATUSES)
    elif filters.status in Request.Status.values:
        qs = qs.filter(status=filters.status)
    if filters.district:
        qs = qs.filter(district_id=filters.district)
    tz = timezone.get_current_timezone()
    if filters.date_from:
        qs = qs.filter(submitted_at__gte=dt.datetime.combine(filters.date_from, dt.time.min, tz))
    if filters.date_to:
        qs = qs.filter(
            submitted_at__lt=dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time.min, tz)
        )
    if filters.bbox:
        qs = qs.filter(location__intersects=Polygon.from_bbox(filters.bbox))
    q = filters.q.strip()
    if q:
        if NUMBER.match(q):
            qs = qs.filter(number=q)
        else:
            # Only the published text is searched: a search for a phone number must not find
            # the public request whose published text hides it.
            qs = qs.filter(text_public__icontains=q)
    return qs


def requests_page(
    queryset: QuerySet[Request], *, before: int | None, size: int
) -> tuple[list[Request], int | None]:
    """One page, newest first, by keyset (`before` = the last id of the previous page):
    constant time on a million rows, unlike OFFSET. Returns (rows, cursor of the next page)."""
    qs = queryset.order_by("-id")
    if before:
        qs = qs.filter(id__lt=before)
    rows = list(qs[: size + 1])
    return rows[:size], (rows[size - 1].id if len(rows) > size else None)


def requests_for_list(queryset: QuerySet[Request]) -> QuerySet[Request]:
    return queryset.select_related("category__group", "district", "service").only(
        "id", "number", "status", "visibility", "text_public", "address", "submitted_at", "created_at",
        "location", "applicant_id", "service_id", "status_notes",
        "category__slug", "category__name_uk", "category__name_en", "category__icon",
        "category__group__slug", "category__group__colour", "category__group__icon",
        "category__group__name_uk", "category__group__name_en",
        "district__name_uk", "district__name_en",
        "service__name_uk", "service__name_en",
    )  # fmt: skip


def requests_recent_public(*, limit: int = 5) -> list[Request]:
    """The newest requests anyone may see (the home page): chosen as for a visitor, whoever
    asks, and read through the published text and address only (requests_for_list)."""
    return list(requests_for_list(requests_visible_to(AnonymousUser())).order_by("-id")[:limit])


def requests_nearby_open_public(*, category: Category, point: Point, limit: int = 5) -> list[Request]:
    """Open public requests of the same category within the category's radius (metres, on the
    spheroid), nearest first, with `.distance_m` and `.subscriber_count`: the duplicate hints."""
    return list(
        Request.objects.filter(
            within_m(point, category.duplicate_radius_m),
            category=category,
            visibility=Request.Visibility.PUBLIC,
            status__in=OPEN_STATUSES,
        )
        .annotate(distance_m=distance_m(point), subscriber_count=Count("subscriptions"))
        .select_related("category")
        .order_by("distance_m", "-id")[:limit]
    )


def request_attachments_visible(request: Request, *, personal: bool, staff: bool = False) -> list[Attachment]:
    """Photos of a public request are public; documents, and everything of a confidential
    request, only for those who see its personal data. Documents of an answer are published
    with the answer once it is sent; before that only the staff see them."""
    attachments = list(request.attachments.select_related("response"))
    visible = []
    for a in attachments:
        if a.kind == Attachment.Kind.RESPONSE:
            sent = a.response is not None and a.response.sent_at is not None
            if staff or (sent and (personal or request.is_public)):
                visible.append(a)
        elif personal or (request.is_public and a.kind == Attachment.Kind.PHOTO):
            visible.append(a)
    return visible


def request_events_visible(request: Request, *, personal: bool, staff: bool | None = None) -> list[Event]:
    """The request's history: the staff working it see all of it (internal comments, the
    approval route); everybody else the public part."""
    events = request.events.select_related("actor")
    staff = personal if staff is None else staff
    return list(events if staff else events.filter(is_public=True))


def requests_of_applicant(user) -> QuerySet[Request]:
    return (
        Request.objects.filter(applicant=user)
        .exclude(status=Request.Status.UNCONFIRMED)
        .select_related("category__group", "service")
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.only("id", "request_id", "kind"))
        )
        .order_by("-id")
    )


def subscriptions_of(user) -> QuerySet[Subscription]:
    """The requests a resident follows (only those they may still see)."""
    visible = permissions.visibility_q(user)
    return (
        Subscription.objects.filter(user=user, request__in=Request.objects.filter(visible))
        .select_related("request__category")
        .order_by("-created_at")
    )


def subscription_exists(*, request: Request, user) -> bool:
    return Subscription.objects.filter(request=request, user=user).exists()


def requests_for_open311(client=None) -> QuerySet[Request]:
    """What an Open311 caller sees: the public requests, and an app also those it filed."""
    visible = permissions.visibility_q(AnonymousUser())
    if client is not None:
        visible |= Q(api_client=client) & ~Q(status=Request.Status.UNCONFIRMED)
    return Request.objects.filter(visible)


def first_photo_id() -> Subquery:
    return Subquery(
        Attachment.objects.filter(request=OuterRef("pk"), kind=Attachment.Kind.PHOTO)
        .order_by("order", "id")
        .values("id")[:1]
    )


OPEN311_FIELDS = (
    "id", "number", "status", "status_notes", "text", "text_public", "visibility", "api_client_id",
    "submitted_at", "updated_at", "closed_at", "deadline", "address", "media_url",
)  # fmt: skip
# Columns of related rows under names of their own (the document's SQL reads them by name).
OPEN311_RELATED = {
    path.replace("__", "_"): path
    for path in ("category__slug", "category__name_uk", "category__name_en", "service__name_uk", "service__name_en")
}  # fmt: skip


def open311_rows(queryset: QuerySet[Request]) -> QuerySet:
    """Plain rows for Open311 documents (citizen_requests/open311/documents.py wraps them in
    the SQL that writes the document): the columns they need, coordinates and the first photo."""
    related = {name: F(path) for name, path in OPEN311_RELATED.items()}
    return queryset.annotate(
        lat=coordinate("y"), lon=coordinate("x"), photo_id=first_photo_id(), **related
    ).values(*OPEN311_FIELDS, *related, "lat", "lon", "photo_id")

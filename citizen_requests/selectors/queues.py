"""The staff's work queues: new (to appoint), mine, awaiting my approval, overdue, by service.

Every queue is scoped by service membership (permissions.py): a member sees the requests of
their own services only, the front office sees every registered request. Nothing here is
wider than permissions.visibility_q(), so a confidential request of another service never
shows up in a list, a count or a bulk action. Queue counts are bounded (COUNT_CAP) so that a
queue of the whole city on a million requests still answers in milliseconds; the open requests
per service are counted in one grouped query over the partial index of open requests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citizen_requests import permissions
from citizen_requests.models import ApprovalStep, Request, Service, ServiceMembership
from citizen_requests.selectors.requests import OPEN_STATUSES, RequestFilters, requests_filtered

S = Request.Status
COUNT_CAP = 1000  # counts above this show as "1000+"

QUEUES = {
    "new": _("New, to appoint"),
    "mine": _("Mine"),
    "approval": _("Awaiting my approval"),
    "overdue": _("Overdue"),
    "service": _("By service"),
}

SORTS = {
    "deadline": ("deadline", "id"),
    "-deadline": ("-deadline", "-id"),
    "submitted": ("submitted_at", "id"),
    "-submitted": ("-submitted_at", "-id"),
    "number": ("number",),
}
DEFAULT_SORT = "deadline"


@dataclass(frozen=True)
class QueueFilters:
    category: str = ""
    district: int | None = None
    status: str = ""
    priority: str = ""
    q: str = ""
    sort: str = DEFAULT_SORT


def is_queue_user(user) -> bool:
    """Staff who work requests: a member of a service, or the front office."""
    return bool(permissions.member_service_ids(user)) or permissions.is_front_office(user)


def head_service_ids(user) -> frozenset[int]:
    """The services whose new requests `user` appoints (as their head)."""
    if not permissions.member_service_ids(user):
        return frozenset()
    cached = getattr(user, "_misto_head_service_ids", None)  # per request, like permissions.py
    if cached is None:
        cached = frozenset(
            ServiceMembership.objects.filter(user=user, position=ServiceMembership.Position.HEAD).values_list(
                "service_id", flat=True
            )
        )
        user._misto_head_service_ids = cached
    return cached


def _scope(user) -> Q:
    """The requests a queue may list for `user`: their services', or all for the front office."""
    return permissions.work_scope_q(user)


def _awaiting_approval_of(user) -> Exists:
    """The request's current answer waits for `user`: their step is pending and no step before
    it is (approval is strictly sequential)."""
    earlier_pending = ApprovalStep.objects.filter(
        response=OuterRef("response"), state=ApprovalStep.State.PENDING, order__lt=OuterRef("order")
    )
    return Exists(
        ApprovalStep.objects.filter(
            response__request=OuterRef("pk"), approver=user, state=ApprovalStep.State.PENDING
        ).filter(~Exists(earlier_pending))
    )


def queue_q(user, queue: str, *, today: dt.date | None = None) -> Q | Exists | None:
    """The condition of one queue for `user`; None when the queue is not theirs."""
    today = today or timezone.localdate()
    if queue == "new":
        heads = head_service_ids(user)
        # A request routed with its default process owner is in that owner's hands already.
        condition = Q(status=S.ASSIGNED, service_id__in=heads, owner__isnull=True) if heads else None
        if permissions.is_front_office(user):
            triage = Q(status__in=[S.SUBMITTED, S.TRIAGE])
            condition = triage if condition is None else condition | triage
        return condition
    if queue == "mine":
        return Q(owner=user, status__in=OPEN_STATUSES)
    if queue == "approval":
        return Q(status=S.IN_APPROVAL) & Q(_awaiting_approval_of(user))
    if queue == "overdue":
        return Q(status__in=OPEN_STATUSES, deadline__lt=today)
    if queue == "service":
        return Q()
    return None


def queue_services(user) -> QuerySet[Service]:
    """The services whose queue `user` may open: their own, or all for the front office."""
    services = Service.objects.only("id", "name_uk", "name_en").order_by("name_uk")
    if permissions.is_front_office(user):
        return services
    return services.filter(pk__in=permissions.member_service_ids(user))


def queue_requests(
    *, user, queue: str, filters: QueueFilters = QueueFilters(), service: Service | None = None
) -> QuerySet[Request]:
    """One queue of `user`, filtered and sorted (by deadline unless asked otherwise). An
    unknown queue, or a service the user may not open, gives an empty queryset."""
    condition = queue_q(user, queue)
    if condition is None or not is_queue_user(user):
        return Request.objects.none()
    qs = Request.objects.filter(_scope(user)).filter(condition)
    if service is not None:
        if not queue_services(user).filter(pk=service.pk).exists():
            return Request.objects.none()
        qs = qs.filter(service=service)
    qs = requests_filtered(
        qs,
        RequestFilters(
            category=filters.category, status=filters.status, district=filters.district, q=filters.q
        ),
    )
    if filters.priority in Request.Priority.values:
        qs = qs.filter(priority=filters.priority)
    order = SORTS.get(filters.sort, SORTS[DEFAULT_SORT])
    return qs.order_by(*order)


def queue_rows(queryset: QuerySet[Request], *, page: int, size: int) -> tuple[list[Request], bool]:
    """One page of a queue (offset pages; the queue's index keeps the sort) and whether
    another page follows."""
    start = (max(page, 1) - 1) * size
    rows = list(
        queryset.select_related("category__group", "district", "service", "owner").only(
            "id", "number", "status", "visibility", "priority", "deadline", "submitted_at", "address",
            "text_public", "category__slug", "category__name_uk", "category__name_en", "category__icon",
            "category__group__colour", "district__name_uk", "district__name_en", "service__name_uk",
            "service__name_en", "owner__username", "owner__first_name", "owner__last_name", "owner_unit",
        )[start : start + size + 1]
    )  # fmt: skip
    return rows[:size], len(rows) > size


def bounded_count(queryset: QuerySet[Request], cap: int = COUNT_CAP) -> int:
    """The size of a queue, counted up to `cap` + 1 (shown as "cap+")."""
    return queryset.order_by().values("pk")[: cap + 1].count()


def queue_counts(user, *, service: Service | None = None) -> dict[str, int]:
    """The size of each of `user`'s queues (bounded), for the side navigation."""
    counts = {}
    for name in QUEUES:
        if name == "service":
            continue
        if queue_q(user, name) is None:
            continue
        counts[name] = bounded_count(queue_requests(user=user, queue=name, service=service))
    return counts


def queue_service_counts(user) -> list[tuple[Service, int]]:
    """The services whose queue `user` may open, each with its open requests (one query)."""
    services = list(queue_services(user))
    counts = dict(
        Request.objects.filter(_scope(user), status__in=OPEN_STATUSES, service__in=[s.pk for s in services])
        .values_list("service")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(s, counts.get(s.pk, 0)) for s in services]


def appointable_owners(user) -> QuerySet:
    """Whom `user` may appoint as process owner: staff of the services they head (all staff
    of the services for the front office)."""
    User = get_user_model()
    if permissions.is_front_office(user):
        services = Service.objects.values("pk")
    else:
        services = list(head_service_ids(user))
    return (
        User.objects.filter(is_active=True, service_memberships__service__in=services)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )

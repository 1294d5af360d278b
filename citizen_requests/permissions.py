"""Who may see what of a request — in one place, for every interface.

- A public, registered request: everyone sees it, with the personal data in its text hidden
  and without the applicant's identity.
- A confidential request: only its applicant (their account, or a visitor holding the
  request's private link in this browser session), the staff of the responsible service and
  the front office. Everybody else is told it does not exist (404), whatever the interface.
- An unconfirmed request (a visitor's, before the e-mail link is opened) is nobody's yet.

`visibility_q()` is the database form of `can_view_request()`; the tests hold them equal.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from citizen_requests.models import Request, Service, ServiceMembership
from core.roles import ROLES

FRONT_OFFICE_GROUP = ROLES["front_office"].group


def _user_ok(user) -> bool:
    return bool(user) and not isinstance(user, AnonymousUser) and user.is_authenticated and user.is_active


def member_service_ids(user) -> frozenset[int]:
    """The services the user is a staff member of (cached on the user object per request)."""
    if not _user_ok(user):
        return frozenset()
    cached = getattr(user, "_misto_service_ids", None)
    if cached is None:
        cached = frozenset(user.service_memberships.values_list("service_id", flat=True))
        user._misto_service_ids = cached
    return cached


def is_front_office(user) -> bool:
    """Front office: the registrars' role, a member of the front-office service, or a superuser."""
    if not _user_ok(user):
        return False
    cached = getattr(user, "_misto_front_office", None)
    if cached is None:
        cached = bool(
            user.is_superuser
            or user.groups.filter(name=FRONT_OFFICE_GROUP).exists()
            or Service.objects.filter(
                kind=Service.Kind.FRONT_OFFICE, pk__in=member_service_ids(user)
            ).exists()
        )
        user._misto_front_office = cached
    return cached


def visibility_q(user, grants: Iterable[int] = ()) -> Q:
    """The requests `user` may see, as a filter (`grants`: request ids this session holds a
    private link for)."""
    registered = ~Q(status=Request.Status.UNCONFIRMED)
    if is_front_office(user):
        return registered
    seen = Q(visibility=Request.Visibility.PUBLIC)
    grants = [int(g) for g in grants]
    if grants:
        seen |= Q(pk__in=grants)
    if _user_ok(user):
        seen |= Q(applicant=user)
        services = member_service_ids(user)
        if services:
            seen |= Q(service_id__in=services)
    return registered & seen


def can_view_request(user, request: Request, grants: Iterable[int] = ()) -> bool:
    if request.status == Request.Status.UNCONFIRMED:
        return False
    if request.visibility == Request.Visibility.PUBLIC or is_front_office(user):
        return True
    return can_see_personal_data(user, request, grants)


def can_see_personal_data(user, request: Request, grants: Iterable[int] = ()) -> bool:
    """The applicant, the responsible service's staff and the front office see the original
    text, the applicant's name and contacts, and the documents."""
    if request.status == Request.Status.UNCONFIRMED:
        return False
    if request.pk in {int(g) for g in grants}:
        return True
    if not _user_ok(user):
        return False
    if request.applicant_id == user.pk or is_front_office(user):
        return True
    return request.service_id is not None and request.service_id in member_service_ids(user)


def is_rate_limit_exempt(user) -> bool:
    """Staff file requests for residents who phone or write in: no per-account limit."""
    return _user_ok(user) and user.is_staff


# -- the workflow: who may take which step (services/workflow.py asks here) ----------------------


def position_in(user, service_id: int | None) -> str | None:
    """The user's position in the service (ServiceMembership.Position), or None."""
    if not _user_ok(user) or service_id is None or service_id not in member_service_ids(user):
        return None
    cache = getattr(user, "_misto_positions", None)
    if cache is None:
        cache = dict(user.service_memberships.values_list("service_id", "position"))
        user._misto_positions = cache
    return cache.get(service_id)


def is_service_staff(user, request: Request) -> bool:
    """Staff who work requests of this service (any position) or the front office."""
    return is_front_office(user) or position_in(user, request.service_id) is not None


def can_manage(user, request: Request) -> bool:
    """Appoint, forward, reject: the head of the responsible service or the front office."""
    return is_front_office(user) or position_in(user, request.service_id) == ServiceMembership.Position.HEAD


def can_work(user, request: Request) -> bool:
    """Ask the applicant, draft the answer, send it for approval: the process owner or the head."""
    if not _user_ok(user):
        return False
    return request.owner_id == user.pk or can_manage(user, request)


def is_applicant(user, request: Request, grants: Iterable[int] = ()) -> bool:
    if request.pk in {int(g) for g in grants}:
        return True
    return _user_ok(user) and request.applicant_id == user.pk


def can_moderate(user, request: Request) -> bool:
    """Edit the published text and address of a request (FixMyStreet's moderation): the staff
    of the responsible service (any position) and the front office; never the applicant or
    another service."""
    return request.status != Request.Status.UNCONFIRMED and is_service_staff(user, request)


# -- staff lists: the queues and the Django admin ------------------------------------------------

# The fields of a request that are the applicant's personal data: shown only to those who
# `can_see_personal_data()` (the published text `text_public` stands in for `text`).
PERSONAL_FIELDS = (
    "text",
    "address_note",
    "street",
    "house_number",
    "location",
    "attributes",
    "applicant",
    "applicant_name",
    "applicant_email",
    "applicant_phone",
    "email_verified_at",
    "external_account_id",
    "device_id",
    "media_url",
)


def work_scope_q(user) -> Q:
    """The requests `user` works on as staff, as a filter: the registered requests of their
    services, every registered request for the front office. Staff lists (the queues, the
    Django admin) are never wider, so another service's request is absent from them even
    when it is public (its public page is the place to read it)."""
    registered = ~Q(status=Request.Status.UNCONFIRMED)
    if is_front_office(user):
        return registered
    services = member_service_ids(user)
    if not services:
        return Q(pk__in=[])
    return registered & Q(service_id__in=services)


def can_work_on(user, request: Request) -> bool:
    """The object form of `work_scope_q()`."""
    return request.status != Request.Status.UNCONFIRMED and is_service_staff(user, request)


def notifications_q(user) -> Q:
    """The outgoing messages `user` may look at: those about requests in their work scope (the
    addresses in them are personal data); messages about no request only for superusers."""
    if _user_ok(user) and user.is_superuser:
        return Q()
    return Q(request__in=Request.objects.filter(work_scope_q(user)).values("pk"))

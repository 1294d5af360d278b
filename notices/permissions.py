"""Who may do what with notices, in one place for every door.

- Anyone sees a notice once it is published (also after it is cancelled or closed); a draft is
  seen only by those who may manage it. Everybody else is told it does not exist (404).
- Publishing needs the permission "notices.publish_notice" (heads of services, the notices
  role). A head acts for the services they are a member of; the notices role and superusers
  for every service.
- Subscriptions are personal data: only their owner (account, or the secret link) sees them;
  staff see counts, never who.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from citizen_requests.models import Service
from citizen_requests.permissions import member_service_ids
from core.roles import ROLES
from notices.models import Notice

PUBLISH = "notices.publish_notice"
NOTICES_GROUP = ROLES["notices"].group


def _active(user) -> bool:
    return bool(user) and user.is_authenticated and user.is_active


def can_publish(user) -> bool:
    return _active(user) and user.has_perm(PUBLISH)


def acts_for_every_service(user) -> bool:
    if not can_publish(user):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_misto_notices_all", None)
    if cached is None:
        cached = user.groups.filter(name=NOTICES_GROUP).exists()
        user._misto_notices_all = cached
    return cached


def services_for(user) -> QuerySet[Service]:
    """The services `user` may publish notices for."""
    if not can_publish(user):
        return Service.objects.none()
    if acts_for_every_service(user):
        return Service.objects.all()
    return Service.objects.filter(pk__in=member_service_ids(user))


def can_manage(user, notice: Notice) -> bool:
    return can_publish(user) and (
        acts_for_every_service(user) or notice.service_id in member_service_ids(user)
    )


def manageable_q(user) -> Q:
    if not can_publish(user):
        return Q(pk__in=[])
    if acts_for_every_service(user):
        return Q()
    return Q(service_id__in=member_service_ids(user))


def visible_q(user) -> Q:
    """The database form of can_view."""
    public = ~Q(status=Notice.Status.DRAFT)
    return public | (Q(status=Notice.Status.DRAFT) & manageable_q(user)) if can_publish(user) else public


def can_view(user, notice: Notice) -> bool:
    return notice.is_public or can_manage(user, notice)

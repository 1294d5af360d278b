"""The two steps every notice operation shares: the actor's right, and the recorded change
(who, when, what) that queues the messages of a public change."""

from __future__ import annotations

from django.utils.translation import gettext as _

from notices import permissions
from notices.exceptions import NoticeRefused
from notices.models import Notice, NoticeChange
from notices.services.deliveries import deliveries_queue


def guard(actor, notice: Notice | None = None) -> None:
    if not permissions.can_publish(actor):
        raise NoticeRefused(_("You may not publish notices."))
    if notice is not None and not permissions.can_manage(actor, notice):
        raise NoticeRefused(_("This notice belongs to another service."))


def change_record(
    *, notice: Notice, kind: str, actor, fields: dict | None = None, comment: str = "", former_area=None
) -> NoticeChange:
    """Write the change (who, when, what) and, for a public change, queue its messages."""
    change = NoticeChange.objects.create(
        notice=notice, kind=kind, actor=actor, fields=fields or {}, comment=comment, version=notice.version
    )
    if kind in NoticeChange.NOTIFYING:
        deliveries_queue(change=change, former_area=former_area)
    return change

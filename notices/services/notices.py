"""A notice's life: drafted, published, updated (a new end time, text or area), cancelled or
closed; every change kept with who and when (NoticeChange), and each public change sent to the
subscribed households of the area (services/deliveries.py), exactly once per change and channel.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citizen_requests.models import Service
from notices import permissions
from notices.areas import area_build, area_households
from notices.exceptions import NoticeRefused
from notices.models import Notice, NoticeChange
from notices.services.changes import change_record, guard
from notices.services.links import linked_requests_answer

S = Notice.Status
TEXT_FIELDS = ("title_uk", "title_en", "text_uk", "text_en")
MAX_DURATION = dt.timedelta(days=366)


@dataclass
class NoticeInput:
    """What staff give for a notice (the form, the API or the demo loader)."""

    kind: str
    nature: str
    title_uk: str
    title_en: str
    text_uk: str
    text_en: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    service_id: int | None
    phone: str
    area_method: str
    area_source: dict = field(default_factory=dict)
    area_label_uk: str = ""
    area_label_en: str = ""


def notice_clean(*, actor, data: NoticeInput) -> dict:
    """The notice's field values from `data`, every problem reported at once per field."""
    errors: dict[str, str] = {}
    values: dict = {}
    if data.kind not in Notice.Kind.values:
        errors["kind"] = _("Choose the kind of notice.")
    if data.nature not in Notice.Nature.values:
        errors["nature"] = _("Say whether it is planned or an emergency.")
    for name in TEXT_FIELDS:
        value = (
            " ".join((getattr(data, name) or "").split())
            if name.startswith("title")
            else (getattr(data, name) or "").strip()
        )
        if not value:
            errors[name] = _("This text is empty: write it in both languages.")
        values[name] = value
    if data.starts_at is None:
        errors["starts_at"] = _("Give the start date and time.")
    if data.ends_at is None:
        errors["ends_at"] = _("Give the expected end date and time.")
    if data.starts_at and data.ends_at:
        if data.ends_at <= data.starts_at:
            errors["ends_at"] = _("The end must be after the start.")
        elif data.ends_at - data.starts_at > MAX_DURATION:
            errors["ends_at"] = _("A notice may last at most a year.")
    service = Service.objects.filter(pk=data.service_id).first() if data.service_id else None
    if service is None:
        errors["service"] = _("Choose the responsible service.")
    elif not permissions.services_for(actor).filter(pk=service.pk).exists():
        errors["service"] = _("You may publish notices only for your own service.")
    phone = " ".join((data.phone or (service.phone if service else "") or "").split())
    if not phone:
        errors["phone"] = _("Give the service's phone for residents.")
    try:
        area = area_build(data.area_method, data.area_source or {})
    except NoticeRefused as exc:
        errors.update(exc.errors)
        area = None
    if errors:
        raise NoticeRefused(errors)
    values.update(
        kind=data.kind,
        nature=data.nature,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        service=service,
        phone=phone[:40],
        area=area,
        area_method=data.area_method,
        area_source=data.area_source or {},
        area_label_uk=" ".join(data.area_label_uk.split())[:500],
        area_label_en=" ".join(data.area_label_en.split())[:500],
    )
    return values


def _lock(notice: Notice, version: int | None) -> Notice:
    current = Notice.objects.select_for_update().get(pk=notice.pk)
    if version is not None and current.version != version:
        raise NoticeRefused(_("The notice was changed by someone else meanwhile. Reload it and try again."))
    return current


def _plain(value):
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, Service):
        return value.pk
    if hasattr(value, "ewkt"):
        return None  # the area: recorded as "changed", not copied into the history
    return value


def _count(notice: Notice) -> None:
    notice.buildings_count, notice.households_count = area_households(notice.area)


@transaction.atomic
def notice_create(*, actor, data: NoticeInput, publish: bool = False) -> Notice:
    """A new notice, a draft unless `publish`; refused whole on bad input."""
    guard(actor)
    values = notice_clean(actor=actor, data=data)
    notice = Notice(**values, created_by=actor)
    if not publish:  # publishing counts them
        _count(notice)
    notice.save()
    change_record(notice=notice, kind=NoticeChange.Kind.CREATED, actor=actor)
    if publish:
        return notice_publish(notice=notice, actor=actor)
    return notice


@transaction.atomic
def notice_publish(*, notice: Notice, actor, version: int | None = None) -> Notice:
    """Publish a draft: the public sees it and the households of its area are told."""
    guard(actor, notice)
    notice = _lock(notice, version)
    if notice.status != S.DRAFT:
        raise NoticeRefused(_("Only a draft can be published."))
    if notice.ends_at <= timezone.now():
        raise NoticeRefused(
            {"ends_at": _("The expected end has already passed: change it before publishing.")}
        )
    now = timezone.now()
    notice.status, notice.published_at, notice.version = S.PUBLISHED, now, notice.version + 1
    _count(notice)
    notice.save()
    change_record(notice=notice, kind=NoticeChange.Kind.PUBLISHED, actor=actor)
    return notice


@transaction.atomic
def notice_edit(
    *, notice: Notice, actor, data: NoticeInput, version: int | None = None, comment: str = ""
) -> Notice:
    """Change a draft, or update a published notice (a new end time, text or area): the update
    is kept with who and when and sent to the area's households."""
    guard(actor, notice)
    notice = _lock(notice, version)
    if notice.status not in (S.DRAFT, S.PUBLISHED):
        raise NoticeRefused(_("A cancelled or closed notice cannot be changed."))
    values = notice_clean(actor=actor, data=data)
    if notice.status == S.PUBLISHED and values["ends_at"] <= timezone.now():
        raise NoticeRefused({"ends_at": _("The new end is in the past: close the notice instead.")})
    changed = {}
    former_area = notice.area
    for name, value in values.items():
        before = getattr(notice, name)
        same = before.equals_exact(value, 1e-9) if name == "area" else before == value
        if not same:
            changed[name] = [_plain(before), _plain(value)]
            setattr(notice, name, value)
    if not changed:
        raise NoticeRefused(_("Nothing was changed."))
    if "area" in changed:
        _count(notice)
    notice.version += 1
    notice.save()
    kind = NoticeChange.Kind.UPDATED if notice.status == S.PUBLISHED else NoticeChange.Kind.EDITED
    change_record(
        notice=notice,
        kind=kind,
        actor=actor,
        fields=changed,
        comment=comment.strip(),
        former_area=former_area if "area" in changed else None,
    )
    return notice


@transaction.atomic
def notice_cancel(*, notice: Notice, actor, reason: str, version: int | None = None) -> Notice:
    """Cancel a published notice (the works will not happen) with a reason people read."""
    guard(actor, notice)
    notice = _lock(notice, version)
    if notice.status != S.PUBLISHED:
        raise NoticeRefused(_("Only a published notice can be cancelled."))
    reason = reason.strip()
    if not reason:
        raise NoticeRefused({"reason": _("Say why the notice is cancelled.")})
    notice.status, notice.finished_at, notice.version = S.CANCELLED, timezone.now(), notice.version + 1
    notice.save()
    change_record(notice=notice, kind=NoticeChange.Kind.CANCELLED, actor=actor, comment=reason)
    return notice


@transaction.atomic
def notice_close(
    *, notice: Notice, actor, answer_uk: str, answer_en: str, version: int | None = None
) -> Notice:
    """Close a published notice (service restored) with the answer residents read; the linked
    requests are answered with it (services/links.py)."""
    guard(actor, notice)
    notice = _lock(notice, version)
    if notice.status != S.PUBLISHED:
        raise NoticeRefused(_("Only a published notice can be closed."))
    errors = {}
    if not answer_uk.strip():
        errors["answer_uk"] = _("This text is empty: write it in both languages.")
    if not answer_en.strip():
        errors["answer_en"] = _("This text is empty: write it in both languages.")
    if errors:
        raise NoticeRefused(errors)
    now = timezone.now()
    notice.status, notice.finished_at, notice.version = S.CLOSED, now, notice.version + 1
    notice.closing_text_uk, notice.closing_text_en = answer_uk.strip(), answer_en.strip()
    if notice.ends_at > now:
        notice.ends_at = max(now, notice.starts_at + dt.timedelta(seconds=1))
    notice.save()
    change_record(notice=notice, kind=NoticeChange.Kind.CLOSED, actor=actor)
    linked_requests_answer(notice=notice, actor=actor)
    return notice


def notice_input_of(notice: Notice) -> NoticeInput:
    """The notice's current values as input (an edit form starts from them)."""
    return NoticeInput(
        kind=notice.kind,
        nature=notice.nature,
        title_uk=notice.title_uk,
        title_en=notice.title_en,
        text_uk=notice.text_uk,
        text_en=notice.text_en,
        starts_at=notice.starts_at,
        ends_at=notice.ends_at,
        service_id=notice.service_id,
        phone=notice.phone,
        area_method=notice.area_method,
        area_source=notice.area_source,
        area_label_uk=notice.area_label_uk,
        area_label_en=notice.area_label_en,
    )

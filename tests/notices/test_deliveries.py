"""Alerts by place: each subscribed household inside the area hears of each public change once
per channel; quiet hours hold planned news until morning; a worker restart never sends twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from citizen_requests.sms import LoggingSmsBackend
from notices.models import Delivery, Notice
from notices.selectors import notice_reach
from notices.services import deliveries as deliveries_module
from notices.services.deliveries import deliveries_queue, deliveries_send, deliveries_sweep, quiet_until
from notices.services.notices import notice_cancel, notice_edit
from tests.notices.builders import (
    building_in,
    building_outside,
    district,
    make_notice,
    notice_input,
    subscribe_at,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def households(city):
    d = district()
    inside = building_in(d)
    resident = User.objects.get(username="resident")
    return {
        "account": subscribe_at(inside, user=resident, by_sms=True, phone="+380501112233"),
        "visitor": subscribe_at(inside, email="sosidka@example.org"),
        "outside": subscribe_at(building_outside(d), email="daleko@example.org"),
    }


def _sent_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def test_publishing_tells_each_household_in_the_area_once_per_channel(households, vodokanal_head, vodokanal):
    notice = make_notice(vodokanal_head, service=vodokanal)
    resident_mail = User.objects.get(username="resident").email
    assert len(_sent_to(resident_mail)) == 1
    assert len(_sent_to("sosidka@example.org")) == 1
    assert _sent_to("daleko@example.org") == []
    assert [to for to, _text in LoggingSmsBackend.sent] == ["+380501112233"]
    message = _sent_to("sosidka@example.org")[0]
    assert notice.title_uk in message.subject
    assert f"/notices/{notice.pk}/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    reach = notice_reach(notice)
    assert reach["households"] == 2  # two subscribers of the same house: each is a household
    assert reach["addresses"] == 1


def test_each_change_is_sent_again_but_queuing_a_change_twice_sends_nothing_more(
    households, vodokanal_head, vodokanal
):
    notice = make_notice(vodokanal_head, service=vodokanal)
    data = notice_input(service_id=vodokanal.pk, ends_at=notice.ends_at + dt.timedelta(hours=2))
    notice = notice_edit(notice=notice, actor=vodokanal_head, data=data)
    notice = notice_cancel(notice=notice, actor=vodokanal_head, reason="Роботи перенесено")
    assert len(_sent_to("sosidka@example.org")) == 3
    subjects = [m.subject for m in _sent_to("sosidka@example.org")]
    assert subjects[1].startswith("Оновлення") and subjects[2].startswith("Скасовано")
    before = len(mail.outbox)
    for change in notice.changes.filter(kind__in=["published", "updated", "cancelled"]):
        assert deliveries_queue(change=change) == 0  # the idempotency keys are already there
    deliveries_send()
    assert len(mail.outbox) == before


def test_a_worker_killed_mid_batch_never_sends_a_message_twice(
    households, vodokanal_head, vodokanal, monkeypatch
):
    """The worker dies after the first e-mail left: the restarted task (the broker redelivers it)
    and the beat's sweep send the rest, and nobody gets a second copy."""
    from django.core.mail.backends.locmem import EmailBackend

    real_send = EmailBackend.send_messages
    calls = {"n": 0}

    class WorkerKilled(BaseException):  # not an Exception: nothing in the worker catches it
        pass

    def dying_send(self, messages):
        calls["n"] += 1
        sent = real_send(self, messages)
        if calls["n"] == 1:
            raise WorkerKilled
        return sent

    monkeypatch.setattr(EmailBackend, "send_messages", dying_send)
    with pytest.raises(WorkerKilled):
        with override_settings(MISTO_NOTICE_QUIET_HOURS=(0, 0)):
            from notices.models import NoticeChange
            from notices.services.notices import notice_create

            notice = notice_create(
                actor=vodokanal_head, data=notice_input(service_id=vodokanal.pk), publish=False
            )
            # Queue without sending (as if the broker held the task), then the worker runs it.
            monkeypatch.setattr(deliveries_module, "task_enqueue", lambda *a: None)
            from notices.services.notices import notice_publish

            notice = notice_publish(notice=notice, actor=vodokanal_head)
            change = NoticeChange.objects.get(notice=notice, kind="published")
            deliveries_send(change_id=change.pk)
    assert len(mail.outbox) == 1
    # The restarted worker runs the same task again, and the sweep runs later.
    deliveries_send(change_id=change.pk)
    Delivery.objects.filter(state=Delivery.State.SENDING).update(
        sent_at=timezone.now() - dt.timedelta(hours=1)
    )
    deliveries_sweep()
    recipients = [to for m in mail.outbox for to in m.to]
    assert len(recipients) == len(set(recipients)), recipients
    assert set(recipients) == {User.objects.get(username="resident").email, "sosidka@example.org"}
    states = sorted(Delivery.objects.filter(change=change).values_list("state", flat=True))
    # The one in flight when the worker died is not sent again; every other message went out.
    assert states == ["interrupted", "sent", "sent"]


def test_a_refused_send_is_retried_later_and_then_sent_once(
    households, vodokanal_head, vodokanal, monkeypatch
):
    from django.core.mail.backends.locmem import EmailBackend

    real_send = EmailBackend.send_messages

    def refusing(self, messages):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailBackend, "send_messages", refusing)
    notice = make_notice(vodokanal_head, service=vodokanal)
    pending = Delivery.objects.filter(change__notice=notice, channel="email")
    assert set(pending.values_list("state", flat=True)) == {"pending"}
    assert all("mail server down" in e for e in pending.values_list("last_error", flat=True))
    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    deliveries_send(now=timezone.now() + dt.timedelta(hours=1))
    deliveries_send(now=timezone.now() + dt.timedelta(hours=2))
    assert len(_sent_to("sosidka@example.org")) == 1


def test_quiet_hours_hold_planned_news_until_morning_but_not_emergencies(
    households, vodokanal_head, vodokanal, settings
):
    settings.MISTO_NOTICE_QUIET_HOURS = (22, 8)
    night = timezone.make_aware(dt.datetime(2026, 3, 12, 23, 30), timezone.get_current_timezone())
    morning = quiet_until(night)
    assert timezone.localtime(morning).hour == 8 and timezone.localtime(morning).date() == dt.date(
        2026, 3, 13
    )
    assert quiet_until(night.replace(hour=12)) is None
    early = night.replace(hour=6)
    assert timezone.localtime(quiet_until(early)).date() == dt.date(2026, 3, 12)

    import notices.services.deliveries as d

    real_now = timezone.now
    with pytest.MonkeyPatch.context() as m:
        m.setattr(d.timezone, "now", lambda: night)
        planned = make_notice(
            vodokanal_head,
            service=vodokanal,
            starts_at=night + dt.timedelta(hours=10),
            ends_at=night + dt.timedelta(hours=14),
        )
        assert _sent_to("sosidka@example.org") == []
        emergency = make_notice(
            vodokanal_head, service=vodokanal, nature=Notice.Nature.EMERGENCY,
            starts_at=night - dt.timedelta(hours=1), ends_at=night + dt.timedelta(hours=3),
        )  # fmt: skip
        assert len(_sent_to("sosidka@example.org")) == 1
        assert emergency.title_uk in _sent_to("sosidka@example.org")[0].subject
    held = Delivery.objects.filter(change__notice=planned)
    assert set(held.values_list("state", flat=True)) == {"pending"}
    assert all(timezone.localtime(t).hour == 8 for t in held.values_list("not_before", flat=True))
    assert real_now() > morning  # the test's "night" is in the past: the sweep finds them due
    deliveries_sweep()
    assert len(_sent_to("sosidka@example.org")) == 2


def test_one_click_unsubscribe_stops_the_messages(households, vodokanal_head, vodokanal, client):
    visitor = households["visitor"]
    make_notice(vodokanal_head, service=vodokanal)
    url = f"/notices/unsubscribe/{visitor.token}/"
    assert url in _sent_to("sosidka@example.org")[0].extra_headers["List-Unsubscribe"]
    page = client.get(url)
    assert page.status_code == 200 and visitor.address in page.content.decode()
    # RFC 8058: the mail program POSTs "List-Unsubscribe=One-Click", with no CSRF token.
    answer = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    assert client.post(url).status_code == 404
    make_notice(vodokanal_head, service=vodokanal)
    assert len(_sent_to("sosidka@example.org")) == 1


def test_an_update_that_moves_the_area_also_tells_those_left_outside(households, vodokanal_head, vodokanal):
    notice = make_notice(vodokanal_head, service=vodokanal)
    assert len(_sent_to("daleko@example.org")) == 0
    other = building_outside(district())
    moved = notice_input(
        service_id=vodokanal.pk, area_method="buildings", area_source={"buildings": [other.pk]}
    )
    notice_edit(notice=notice, actor=vodokanal_head, data=moved)
    assert len(_sent_to("daleko@example.org")) == 1  # now inside
    assert len(_sent_to("sosidka@example.org")) == 2  # was inside: told of the change too

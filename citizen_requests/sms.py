"""SMS through a pluggable provider: settings.MISTO_SMS_BACKEND names a class with
`send(to: str, text: str) -> None` that raises on failure (the worker then retries).

The default backend only writes the message to the log, so nothing leaves the machine
until the city signs a contract with an SMS gateway and sets its provider's class.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("citizen_requests.sms")


class SmsBackend(Protocol):
    def send(self, *, to: str, text: str) -> None: ...


class LoggingSmsBackend:
    """Writes each SMS to the `citizen_requests.sms` log instead of sending it."""

    sent: list[tuple[str, str]] = []  # the last messages, for `make run` and the tests

    def send(self, *, to: str, text: str) -> None:
        log.info("SMS to %s: %s", to, text)
        LoggingSmsBackend.sent.append((to, text))
        del LoggingSmsBackend.sent[:-100]


def sms_backend() -> SmsBackend:
    return import_string(settings.MISTO_SMS_BACKEND)()


def sms_send(*, to: str, text: str) -> None:
    sms_backend().send(to=to, text=text[:480])

"""Single-use tokens: a token is spent once; a second use is a replay and is refused."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import UsedToken


def token_spend(*, purpose: str, token: str, valid_for: dt.timedelta) -> bool:
    """Spend `token` for `purpose`: True the first time, False when it was already spent.

    The primary key decides between two concurrent uses of the same token (one insert wins),
    so the check holds across processes and servers sharing the database."""
    now = timezone.now()
    digest = hashlib.sha256(f"{purpose}\n{token}".encode()).hexdigest()
    UsedToken.objects.filter(expires_at__lt=now).delete()
    try:
        with transaction.atomic():
            UsedToken.objects.create(digest=digest, expires_at=now + valid_for)
    except IntegrityError:
        return False
    return True

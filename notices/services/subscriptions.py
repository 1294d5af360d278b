"""Residents' address subscriptions: an account's are confirmed at once; a visitor's e-mail is
confirmed by a single-use link (core/tokens.py); every message carries a one-click unsubscribe."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from citizen_requests.services.notifications import absolute_url, render_text
from core.background import task_enqueue
from core.tokens import token_spend
from notices.exceptions import NoticeRefused
from notices.models import Subscription
from notices.places import Place

CONFIRM_SALT = "misto.notices.subscription"
CONFIRM_VALID = dt.timedelta(hours=48)
MAX_PER_RECIPIENT = 10
PHONE = re.compile(r"^\+380\d{9}$")


def phone_clean(value: str) -> str:
    digits = re.sub(r"[\s()\-]", "", value or "")
    if digits.startswith("0") and len(digits) == 10:
        digits = "+38" + digits
    if not PHONE.match(digits):
        raise NoticeRefused({"phone": _("Give a Ukrainian mobile number, e.g. +380501234567.")})
    return digits


@transaction.atomic
def subscription_create(
    *,
    place: Place,
    user=None,
    email: str = "",
    by_email: bool = True,
    by_sms: bool = False,
    phone: str = "",
    language: str = "uk",
) -> tuple[Subscription, bool]:
    """Subscribe an account (confirmed at once) or an e-mail (confirmed by a link sent to it)
    to `place`; returns (subscription, created). The same place twice is the same subscription."""
    account = user if user is not None and user.is_authenticated else None
    errors = {}
    if account is None:
        email = (email or "").strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Give a valid e-mail address to confirm the subscription.")
        by_sms, phone = False, ""  # a visitor's phone cannot be verified: SMS is for accounts
        by_email = True
    elif by_email and not account.email:
        errors["by_email"] = _("Your account has no e-mail address: add it or choose SMS.")
    if by_sms:
        try:
            phone = phone_clean(phone)
        except NoticeRefused as exc:
            errors.update(exc.errors)
    if not by_email and not by_sms:
        errors["by_email"] = _("Choose at least one way to be told: e-mail or SMS.")
    if language not in ("uk", "en"):
        language = "uk"
    if errors:
        raise NoticeRefused(errors)
    mine = (
        Subscription.objects.filter(user=account)
        if account
        else Subscription.objects.filter(user=None, email=email)
    )
    same = (
        mine.filter(building_id=place.building_id)
        if place.building_id
        else mine.filter(point__dwithin=(place.point, 0.00005))
    )
    existing = same.first()
    if existing is not None:
        return existing, False
    if mine.count() >= MAX_PER_RECIPIENT:
        raise NoticeRefused(
            {"address": _("At most %(n)s addresses may be followed.") % {"n": MAX_PER_RECIPIENT}}
        )
    subscription = Subscription.objects.create(
        user=account,
        email="" if account else email,
        phone=phone if by_sms else "",
        language=language,
        address=place.label[:255],
        point=place.point,
        building_id=place.building_id,
        by_email=by_email,
        by_sms=by_sms,
        confirmed_at=timezone.now() if account else None,
        token=secrets.token_urlsafe(32),
    )
    if account is None:
        task_enqueue("notices.tasks.subscription_confirm_send_task", subscription.pk)
    return subscription, True


def confirm_token(subscription: Subscription) -> str:
    return signing.dumps({"s": subscription.pk, "n": secrets.token_hex(8)}, salt=CONFIRM_SALT)


def subscription_confirm_send(*, subscription_id: int) -> bool:
    """E-mail the confirmation link of a visitor's subscription (the worker's job)."""
    subscription = Subscription.objects.filter(
        pk=subscription_id, confirmed_at__isnull=True, user=None
    ).first()
    if subscription is None:
        return False
    context = {
        "address": subscription.address,
        "confirm_url": absolute_url(
            reverse("notices:subscription-confirm", args=[confirm_token(subscription)])
        ),
        "hours": int(CONFIRM_VALID.total_seconds() // 3600),
    }
    with translation.override(subscription.language):
        subject = " ".join(render_text("notices/email/confirm_subject.txt", context).split())
        text = render_text("notices/email/confirm.txt", context)
        html = render_to_string("notices/email/confirm.html", context)
    message = EmailMultiAlternatives(subject, text, to=[subscription.email])
    message.attach_alternative(html, "text/html")
    message.send()
    return True


@transaction.atomic
def subscription_confirm(*, token: str) -> Subscription:
    """Confirm a visitor's subscription by its link: once; a second use is refused."""
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_VALID)
    except signing.SignatureExpired:
        raise NoticeRefused(
            _("This confirmation link has expired. Subscribe again to get a new one.")
        ) from None
    except signing.BadSignature:
        raise NoticeRefused(_("This confirmation link is not valid.")) from None
    subscription = Subscription.objects.select_for_update().filter(pk=payload.get("s")).first()
    if subscription is None:
        raise NoticeRefused(_("This subscription no longer exists."))
    if not token_spend(purpose="notices-subscription", token=token, valid_for=CONFIRM_VALID):
        raise NoticeRefused(_("This confirmation link was already used."))
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
    return subscription


def subscription_by_token(token: str) -> Subscription | None:
    if not token or len(token) > 64:
        return None
    return Subscription.objects.filter(token=token).first()


@transaction.atomic
def subscription_delete(*, subscription: Subscription) -> None:
    """Unsubscribe: the subscription and its personal data go; counts of past messages stay."""
    subscription.delete()

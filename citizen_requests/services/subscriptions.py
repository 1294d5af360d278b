"""Following a request instead of filing a duplicate, and what a resident wants to hear."""

from __future__ import annotations

import secrets

from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from citizen_requests import permissions
from citizen_requests.exceptions import LinkInvalid, RequestRefused
from citizen_requests.models import Event, NotificationPreference, Request, Subscription
from citizen_requests.services.intake import key_hash
from citizen_requests.services.notifications import Draft, absolute_url, notification_queue
from citizen_requests.services.transitions import event_record


@transaction.atomic
def subscription_create(
    *, request: Request, user=None, email: str = "", language: str = "uk"
) -> Subscription:
    """Follow `request`: an account at once; a visitor's e-mail after its confirmation link.
    Only a request the follower may see can be followed."""
    if user is not None and user.is_authenticated:
        if not permissions.can_view_request(user, request):
            raise RequestRefused(_("This request cannot be followed."))
        try:
            with transaction.atomic():
                subscription = Subscription.objects.create(
                    request=request, user=user, confirmed_at=timezone.now()
                )
        except IntegrityError:
            return Subscription.objects.get(request=request, user=user)
        event_record(request=request, kind=Event.Kind.SUBSCRIBED, actor=user, public=False)
        return subscription
    if not request.is_public or request.status == Request.Status.UNCONFIRMED:
        raise RequestRefused(_("This request cannot be followed."))
    email = (email or "").strip()
    try:
        validate_email(email)
    except Exception:
        raise RequestRefused(_("Give an e-mail address to follow the request."), field="email") from None
    subscription, created = Subscription.objects.get_or_create(
        request=request, user=None, email=email.lower(), defaults={"confirmed_at": None}
    )
    if subscription.confirmed_at is None:
        key = secrets.token_urlsafe(24)
        subscription.confirmation_hash = key_hash(key)
        subscription.save(update_fields=["confirmation_hash"])
        link = absolute_url(reverse("citizen_requests:subscription-confirm", args=[key]))
        notification_queue(
            draft=Draft("subscription_confirm", subscription.email, language, None, {"link": link}),
            request=request,
            dedupe_key=f"subscription_confirm:s{subscription.pk}:{subscription.confirmation_hash[:16]}",
        )
    return subscription


@transaction.atomic
def subscription_confirm(*, key: str) -> Subscription:
    subscription = (
        Subscription.objects.select_for_update()
        .select_related("request")
        .filter(confirmation_hash=key_hash(key or ""))
        .first()
    )
    if subscription is None or not key:
        raise LinkInvalid(_("This link is not valid. Check that it was copied whole."))
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
        event_record(
            request=subscription.request, kind=Event.Kind.SUBSCRIBED, actor_label="e-mail", public=False
        )
    return subscription


def subscription_delete(*, subscription: Subscription) -> None:
    subscription.delete()


@transaction.atomic
def unsubscribe(*, payload: dict) -> str:
    """Act on a signed unsubscribe link: stop following a request, or stop one kind of
    message; returns what was stopped ("subscription" or the preference's name)."""
    if "s" in payload:
        Subscription.objects.filter(pk=payload["s"]).delete()
        return "subscription"
    if "u" in payload and payload.get("p") in ("email_own_requests", "email_subscriptions"):
        preference, _created = NotificationPreference.objects.get_or_create(user_id=payload["u"])
        setattr(preference, payload["p"], False)
        preference.save(update_fields=[payload["p"]])
        return payload["p"]
    raise LinkInvalid(_("This link is not valid. Check that it was copied whole."))


def preferences_update(
    *,
    user,
    email_own_requests: bool,
    email_subscriptions: bool,
    language: str,
    sms_own_requests: bool = False,
    phone: str = "",
) -> NotificationPreference:
    """The resident's channels: e-mail about their requests and those they follow, SMS about
    their requests (to `phone`), and the language of the messages."""
    preference, _created = NotificationPreference.objects.get_or_create(user=user)
    preference.email_own_requests = email_own_requests
    preference.email_subscriptions = email_subscriptions
    preference.sms_own_requests = bool(sms_own_requests and phone)
    preference.phone = phone
    preference.language = language if language in ("uk", "en") else "uk"
    preference.save()
    return preference

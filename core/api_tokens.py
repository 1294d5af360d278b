"""Personal API tokens: made, named and revoked by their owner, accepted by the API doors.

A token is `misto_` followed by 40 random URL-safe characters (240 bits), so a digest without
salt or stretching is enough to keep it: nobody can guess one, and the database never holds
the token itself. Clients send it as the password of HTTP Basic (any user name: QGIS's
authentication manager and GDAL's GDAL_HTTP_USERPWD send Basic) or as `Authorization: Bearer`.

Failures (an unknown, revoked or malformed token) are counted by django-axes like failed
password logins, per client address and per token prefix; while either is locked, even a good
token is refused (429). Tokens are read from the primary database, so a revocation holds at
once, also on the reads that otherwise go to the replica.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.models import ApiToken

PREFIX = "misto_"
TOKEN_CHARS = 40  # secrets.token_urlsafe(30) gives 40 characters
SHOWN_CHARS = len(PREFIX) + 6  # what the account page shows to tell tokens apart
MAX_ACTIVE_TOKENS = 20
# last_used_at is written at most this often per token, not on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenRefused(Exception):
    """A token cannot be made or revoked; `message` says why, for the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TokenAuthFailed(Exception):
    """The request's token is not accepted: `status` 401 (unknown, revoked, malformed) or 429
    (too many failures from this address or with this token)."""

    def __init__(self, status: int, code: str, message: str, scheme: str):
        super().__init__(message)
        self.status, self.code, self.message, self.scheme = status, code, message, scheme


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user` named `name`: (the stored row, the token — shown this once)."""
    name = (name or "").strip()
    if not name:
        raise TokenRefused(_("Give the token a name, e.g. “QGIS at the office”."))
    if len(name) > 100:
        raise TokenRefused(_("The name is longer than 100 characters."))
    active = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise TokenRefused(
            _("You already have %(n)d active tokens; revoke one you no longer use first.")
            % {"n": MAX_ACTIVE_TOKENS}
        )
    token = PREFIX + secrets.token_urlsafe(30)
    row = ApiToken.objects.create(user=user, name=name, prefix=token[:SHOWN_CHARS], digest=_digest(token))
    return row, token


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """Revoke `token` (only its owner may); from now on every request with it is refused."""
    if token.user_id != actor.pk:
        raise TokenRefused(_("This is not your token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_tokens_of(user):
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")


# -- reading a request's token -------------------------------------------------------------


@dataclass(frozen=True)
class Presented:
    token: str
    scheme: str  # "Bearer" or "Basic"
    username: str = ""


def token_presented(authorization: str) -> Presented | None:
    """The token in an Authorization header, or None when the header carries none (no header,
    another scheme, or Basic with a password that is not a token: that is a password login,
    for the doors that take one)."""
    scheme, _sep, value = (authorization or "").strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer":
        return Presented(token=value, scheme="Bearer")
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        username, sep, password = decoded.partition(":")
        if sep and password.startswith(PREFIX):
            return Presented(token=password, scheme="Basic", username=username)
    return None


def _axes_credentials(presented: Presented) -> dict:
    # Counted per token prefix (and, by django-axes, per address): a forgotten QGIS project
    # sending a revoked token locks that token, not its owner's password login.
    return {"username": "token:" + presented.token[:SHOWN_CHARS]}


def _locked(scheme: str) -> TokenAuthFailed:
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    message = ngettext(
        "Too many failed logins. Try again in %(minutes)d minute.",
        "Too many failed logins. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    return TokenAuthFailed(429, "locked_out", message, scheme)


def token_authenticate(request, presented: Presented):
    """The user behind `presented`, or TokenAuthFailed. `request` is Django's HttpRequest."""
    from axes.handlers.proxy import AxesProxyHandler

    credentials = _axes_credentials(presented)
    if settings.AXES_ENABLED and not AxesProxyHandler.is_allowed(request, credentials):
        raise _locked(presented.scheme)
    row = None
    if presented.token.startswith(PREFIX) and len(presented.token) == len(PREFIX) + TOKEN_CHARS:
        row = (
            ApiToken.objects.using(DEFAULT_DB_ALIAS)
            .select_related("user")
            .filter(digest=_digest(presented.token))
            .first()
        )
    if row is None or row.revoked_at is not None or not row.user.is_active:
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            # Answered here in the door's own format, not by the login page of AxesMiddleware.
            request.axes_locked_out = False
            raise _locked(presented.scheme)
        if row is not None and row.revoked_at is not None:
            message = _("This API token has been revoked. Make a new one in your account.")
        else:
            message = _("The API token is not valid. Check it, or make a new one in your account.")
        raise TokenAuthFailed(401, "invalid_token", message, presented.scheme)
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.using(DEFAULT_DB_ALIAS).filter(pk=row.pk).update(last_used_at=now)
    return row.user, row

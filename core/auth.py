"""Login throttling (django-axes) at every door where a password is accepted.

The login form and HTTP Basic (the API) both authenticate through django.contrib.auth with
the request, so django-axes counts their failures per user name and per client address, and
refuses even the right password while either is locked (settings: AXES_*). The Open311 and
route API keys are machine keys, not passwords, and are not counted here.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, status
from rest_framework.authentication import BasicAuthentication


def cool_off_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def lockout_response(request, original_response, credentials):
    """The login page saying why the login was refused (AXES_LOCKOUT_CALLABLE), with the
    status django-axes gives a lockout (429)."""
    return render(
        request,
        "registration/locked_out.html",
        {"cool_off_minutes": cool_off_minutes()},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses a login while its user name or client address is locked out.

    Every HTTP door passes the request. Only code inside the process authenticates without
    one (the test client's login(), a management shell): there is no client to count, so the
    check is skipped instead of failing as django-axes would.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class LoginLockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"
    default_detail = _("Too many failed logins. Try again later.")


class ThrottledBasicAuthentication(BasicAuthentication):
    """HTTP Basic counted by the login throttle; a locked-out client gets 429, not 401."""

    def authenticate_credentials(self, userid, password, request=None):
        try:
            return super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed:
            # django-axes marks the request it refused (the DRF request wraps Django's).
            if settings.AXES_ENABLED and getattr(request, "axes_locked_out", False):
                minutes = cool_off_minutes()
                message = ngettext(
                    "Too many failed logins. Try again in %(minutes)d minute.",
                    "Too many failed logins. Try again in %(minutes)d minutes.",
                    minutes,
                )
                raise LoginLockedOut(message % {"minutes": minutes}) from None
            raise


class ThrottledBasicScheme(OpenApiAuthenticationExtension):
    """The API schema names ThrottledBasicAuthentication as plain HTTP Basic."""

    target_class = ThrottledBasicAuthentication
    name = "basicAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "basic"}

"""Login throttling (django-axes) at every door where a password is accepted, and personal API
tokens (core/api_tokens.py) at the API doors: DRF for /api/v1/, a middleware for /ogcapi/ and
the GIS layers' vector tiles.

The login form and HTTP Basic (the API) both authenticate through django.contrib.auth with
the request, so django-axes counts their failures per user name and per client address, and
refuses even the right password while either is locked (settings: AXES_*). The Open311 and
route API keys are machine keys, not passwords, and are not counted here.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, status
from rest_framework.authentication import BaseAuthentication, BasicAuthentication

from core import bad_input
from core.api_tokens import TokenAuthFailed, token_authenticate, token_presented
from core.bad_input import door_error


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


# -- personal API tokens ---------------------------------------------------------------------

REALM = "Misto API"


def _challenge(scheme: str) -> str:
    return f'{scheme} realm="{REALM}", charset="UTF-8"' if scheme == "Basic" else f'Bearer realm="{REALM}"'


class ApiTokenAuthentication(BaseAuthentication):
    """/api/v1/: a personal API token as `Authorization: Bearer <token>` or as the password of
    HTTP Basic (any user name). Basic with a real password is left to ThrottledBasicAuthentication."""

    def authenticate(self, request):
        presented = token_presented(request.META.get("HTTP_AUTHORIZATION", ""))
        if presented is None:
            return None
        try:
            return token_authenticate(request._request, presented)
        except TokenAuthFailed as exc:
            if exc.status == 429:
                raise LoginLockedOut(exc.message) from None
            raise exceptions.AuthenticationFailed(exc.message, code=exc.code) from None

    def authenticate_header(self, request):
        return _challenge("Bearer")


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The API schema names the token as an HTTP bearer scheme (Basic with the token works too)."""

    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (Account → API tokens), as a Bearer token or as "
            "the password of HTTP Basic with any user name.",
        }


# The doors that take a token outside DRF (DRF's /api/v1/ uses ApiTokenAuthentication): the
# OGC API, and the vector tiles of GIS layers (QGIS sends its authentication there too; the
# public ones are answered before Django by gis_layers.fast_tiles, the same for everybody).
TOKEN_DOORS = ("/ogcapi/", "/tiles/layers/")


class ApiTokenMiddleware:
    """On /ogcapi/ and GIS layer tiles, a request with an Authorization header is the token's user, or is refused
    (401, or 429 while locked out) in the door's format — never silently anonymous. A token
    request needs no CSRF token: browsers never attach it on their own, and writes take JSON
    bodies, which another site cannot send without a CORS preflight the portal never allows."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(TOKEN_DOORS):
            return self.get_response(request)
        # Only the schemes a token travels in are this door's business: another scheme (an
        # Open311 app's "ApiKey") is read as no credentials, as every other door reads it.
        scheme = request.META.get("HTTP_AUTHORIZATION", "").strip().partition(" ")[0].lower()
        response = self._authenticate(request) if scheme in ("basic", "bearer") else None
        if response is None:
            response = self.get_response(request)
        patch_vary_headers(response, ("Authorization",))
        return response

    def _authenticate(self, request):
        presented = token_presented(request.META["HTTP_AUTHORIZATION"])
        if presented is None:
            message = gettext(
                "This API takes a personal API token, not a password: send it as the password of "
                "HTTP Basic or as “Authorization: Bearer <token>”. Make one in your account."
            )
            response = door_error(request, 401, "invalid_token", message, ogc_code="InvalidToken")
            response["WWW-Authenticate"] = _challenge("Bearer")
            return response
        try:
            user, token = token_authenticate(request, presented)
        except TokenAuthFailed as exc:
            ogc_code = "TooManyRequests" if exc.status == 429 else "InvalidToken"
            response = door_error(request, exc.status, exc.code, exc.message, ogc_code=ogc_code)
            if exc.status == 401:
                response["WWW-Authenticate"] = _challenge(exc.scheme)
            return response
        request.user = user
        request.api_token = token
        request._dont_enforce_csrf_checks = True
        return None


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a write to /ogcapi/ without a token or CSRF token is refused in the
    OGC exception format (401 for visitors: they need a token); other doors as core.bad_input
    says (their own error format; pages keep Django's 403 page)."""
    if request.path.startswith(TOKEN_DOORS):
        if not request.user.is_authenticated:
            message = gettext(
                "Log in with a personal API token (HTTP Basic with the token as the password, or "
                "“Authorization: Bearer <token>”) to change data."
            )
            response = door_error(request, 401, "not_authenticated", message, ogc_code="NotAuthenticated")
            response["WWW-Authenticate"] = _challenge("Bearer")
            return response
        message = gettext("The CSRF token is missing or wrong; reload the page, or use an API token.")
        return door_error(request, 403, "csrf_failed", message, ogc_code="Forbidden")
    return bad_input.csrf_failure(request, reason)

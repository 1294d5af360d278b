"""What a visitor's browser session holds: the requests it has private links for (opened from
an e-mail) and the e-mail addresses it has verified."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

GRANTS = "misto_request_grants"
VERIFIED = "misto_verified_emails"
LIMIT = 50


def grants(request) -> list[int]:
    return list(request.session.get(GRANTS, []))


def grant(request, request_id: int) -> None:
    held = [g for g in request.session.get(GRANTS, []) if g != request_id]
    request.session[GRANTS] = [request_id, *held][:LIMIT]


def verified_emails(request) -> set[str]:
    return set(request.session.get(VERIFIED, []))


def verify_email(request, email: str) -> None:
    if email:
        held = [e for e in request.session.get(VERIFIED, []) if e != email.lower()]
        request.session[VERIFIED] = [email.lower(), *held][:LIMIT]


def client_ip(request) -> str:
    """The client's address as the web server saw it (a proxy in front sets REMOTE_ADDR via
    its own configuration, e.g. gunicorn --forwarded-allow-ips)."""
    return request.META.get("REMOTE_ADDR", "")


def not_found():
    """The one answer for a request that does not exist and one the viewer may not see."""
    return Http404(_("No request with this number."))

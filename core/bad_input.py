"""One rule for every door: text that no field of the portal can hold is refused before any view.

NUL and the other C0 control characters (except tab, newline and carriage return, which a
multi-line description legitimately has) in the path, a query parameter, a form field or a JSON
string are refused with 400 — PostgreSQL cannot store NUL in text, and no person types the
others. JSON bodies must be objects (every JSON-accepting endpoint takes an object) and are
parsed once here, so nesting too deep for Python's parser is a 400 too, not a crash.

The answer speaks the format of the door it came through: the /api/v1/ error object, the OGC API
exception, the Open311 error list (JSON or XML) and an HTML page for people.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

# C0 controls without \t \n \r, and DEL.
FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
JSON_MEDIA = re.compile(r"^application/([\w.+-]+\+)?json$")
# No query parameter of the portal needs more (searches, bboxes, slug lists are far shorter).
MAX_QUERY_VALUE = 1000
# ... except a CQL2 filter of the OGC API (Part 3), which may carry a polygon drawn in QGIS.
LONG_QUERY_VALUES = {"filter": 8000}


class BadInput(Exception):
    def __init__(self, parameter: str, message: str, status: int = 400):
        super().__init__(message)
        self.parameter, self.message, self.status = parameter, message, status


def _check_text(parameter: str, text: str) -> None:
    if FORBIDDEN.search(text):
        raise BadInput(
            parameter,
            _("%(name)s contains a control character (such as NUL), which is not allowed.")
            % {"name": parameter},
        )


def _check_json(parameter: str, value) -> None:
    # Iterative, so that any depth the parser accepted is walked without recursion.
    stack = [(parameter, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            _check_text(where, item)
        elif isinstance(item, dict):
            for key, inner in item.items():
                _check_text(where, key)
                stack.append((key, inner))
        elif isinstance(item, list):
            stack.extend((where, inner) for inner in item)


def check_request(request) -> None:
    """Raise BadInput if the request carries text the portal refuses (see the module docstring)."""
    _check_text("path", request.path)
    for name, values in request.GET.lists():
        _check_text(name[:40], name)
        for value in values:
            _check_text(name[:40], value)
            most = LONG_QUERY_VALUES.get(name, MAX_QUERY_VALUE)
            if len(value) > most or len(name) > MAX_QUERY_VALUE:
                raise BadInput(
                    name[:40],
                    _("%(name)s is longer than %(n)d characters.") % {"name": name[:40], "n": most},
                )
    if request.method not in ("POST", "PUT", "PATCH"):
        return
    media = (request.content_type or "").lower()
    if media in ("application/x-www-form-urlencoded", "multipart/form-data") and request.method == "POST":
        for name, values in request.POST.lists():
            _check_text(name[:40], name)
            for value in values:
                _check_text(name[:40], value)
    elif JSON_MEDIA.match(media):
        body = request.body
        if not body.strip():
            return
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            raise BadInput("body", _("The request body is not valid JSON.")) from None
        if not isinstance(data, dict):
            raise BadInput("body", _("The request body must be a JSON object ({…}).")) from None
        _check_json("body", data)


def bad_input_response(request, exc: BadInput):
    """The refusal in the format of the interface the request came to."""
    code = "invalid_body" if exc.parameter == "body" else "invalid_parameter"
    return door_error(
        request, exc.status, code, exc.message, parameter=exc.parameter, ogc_code="InvalidParameterValue"
    )


# Doors whose errors have a format of their own, registered by the app that owns the door
# (citizen_requests registers Open311's error list): URL prefix -> render(request, status, message).
_DOOR_FORMATS: dict[str, Callable[[HttpRequest, int, str], HttpResponse]] = {}


def door_format_register(prefix: str, render: Callable[[HttpRequest, int, str], HttpResponse]) -> None:
    """Answer refusals under `prefix` with `render` (called from an app's AppConfig.ready())."""
    _DOOR_FORMATS[prefix] = render


def door_error(request, status: int, code: str, message: str, *, parameter="", ogc_code=""):
    """An error in the format of the door: /api/v1/ and /tiles/ error object, OGC exception,
    a registered door's own format (Open311); the 400 page for HTML."""
    path = request.path
    for prefix, render_error in _DOOR_FORMATS.items():
        if path.startswith(prefix):
            return render_error(request, status, message)
    if path.startswith("/ogcapi/"):
        return JsonResponse({"code": ogc_code, "description": message}, status=status)
    if path.startswith(("/api/", "/tiles/")):
        error = {"code": code, **({"parameter": parameter} if parameter else {}), "message": message}
        return JsonResponse({"error": error}, status=status)
    return render(request, "core/bad_input.html", {"message": message}, status=status)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a refused form post keeps Django's page; a machine door (/ogcapi/ …)
    answers in its own error format, as its other refusals do."""
    if request.path.startswith(("/ogcapi/", "/open311/", "/api/", "/tiles/")):
        message = _(
            "The request was refused: the CSRF token is missing or wrong (a session needs it to write)."
        )
        return door_error(request, 403, "csrf_failed", message, ogc_code="Forbidden")
    from django.views.csrf import csrf_failure as django_csrf_failure

    return django_csrf_failure(request, reason=reason)


def page_not_found(request, exception=None):
    """handler404: an address no route knows, answered in the format of its door (an API client
    reading /api/v1/layers/<bad slug>/ gets the JSON error, not an HTML page)."""
    if request.path.startswith(("/ogcapi/", "/open311/", "/api/", "/tiles/")):
        message = _("There is nothing at this address.")
        return door_error(request, 404, "not_found", message, ogc_code="NotFound")
    # People get the portal's own page (core/templates/404.html): translated, with a way back.
    return defaults.page_not_found(request, exception, template_name="404.html")


class BadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check_request(request)
        except BadInput as exc:
            return bad_input_response(request, exc)
        except RequestDataTooBig:
            too_big = BadInput("body", _("The request body is too large."), status=413)
            return bad_input_response(request, too_big)
        except TooManyFieldsSent:
            return bad_input_response(request, BadInput("query", _("The request has too many fields.")))
        return self.get_response(request)

"""GeoReport v2 at /open311/v2/: discovery, services, service definitions, requests (POST and
GET), a request, tokens — in .xml (the default) and .json, errors as the spec's error list."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from citizen_requests.exceptions import RequestRefused
from citizen_requests.models import Request
from citizen_requests.open311 import documents
from citizen_requests.open311.formats import errors, respond
from citizen_requests.selectors.requests import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    categories_active,
    open311_rows,
    requests_for_open311,
)
from citizen_requests.services.api_clients import api_client_authenticate, api_client_throttle
from citizen_requests.services.attachments import upload_read
from citizen_requests.services.intake import Contact, Upload, location_from_address, request_submit
from city.models import Municipality

ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")
MAX_SPAN = dt.timedelta(days=90)
DEFAULT_LIMIT = 1000
MAX_PAGE = 1_000_000


class Refusal(Exception):
    def __init__(self, status: int, *descriptions: str):
        self.status, self.descriptions = status, descriptions


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _param(request, name: str) -> str:
    """A parameter as text (control characters, which no field may hold, removed)."""
    source = request.POST if request.method == "POST" else request.GET
    return CONTROL.sub("", source.get(name) or request.GET.get(name) or "").strip()


def _jurisdiction_check(request) -> None:
    """This endpoint serves one jurisdiction: no jurisdiction_id is fine, a wrong one is not."""
    given = _param(request, "jurisdiction_id")
    if not given:
        return
    known = {settings.MISTO_OPEN311_JURISDICTION_ID}
    known |= set(Municipality.objects.exclude(katotth="").values_list("katotth", flat=True))
    if given not in known:
        raise Refusal(
            404,
            _("jurisdiction_id “%(given)s” was not found; this endpoint serves “%(ours)s”.")
            % {"given": given, "ours": settings.MISTO_OPEN311_JURISDICTION_ID},
        )


def endpoint(view):
    """Common to every call: the format, the jurisdiction, refusals as the error list."""

    def wrapper(request, *args, fmt: str = "xml", **kwargs):
        fmt = fmt or "xml"
        try:
            _jurisdiction_check(request)
            return view(request, *args, fmt=fmt, **kwargs)
        except Refusal as refusal:
            return errors(fmt, refusal.status, *refusal.descriptions)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@require_GET
@endpoint
def discovery(request, fmt):
    return respond(fmt, "discovery", documents.discovery())


@require_GET
@endpoint
def services(request, fmt):
    return respond(fmt, "services", [documents.service(c) for c in categories_active()])


@require_GET
@endpoint
def service_definition(request, code: str, fmt):
    category = categories_active().filter(slug=code).first()
    if category is None:
        raise Refusal(404, _("service_code “%(code)s” was not found.") % {"code": code})
    return respond(fmt, "service_definition", documents.service_definition(category))


@csrf_exempt  # apps authenticate with their api_key, not with a browser session
@require_http_methods(["GET", "POST"])
@endpoint
def requests_collection(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    return _search(request, fmt)


def _create(request, fmt):
    """POST Service Request: api_key, service_code, a location (lat & long, or address_string),
    attribute[code]=value, the applicant's details, description, media_url (and, as an
    extension, an uploaded `media` file)."""
    client = api_client_authenticate(_param(request, "api_key"))
    if client is None:
        raise Refusal(403, _("Invalid api_key received -- can't proceed with create_request."))
    code = _param(request, "service_code")
    if not code:
        raise Refusal(400, _("service_code was not provided."))
    category = categories_active().filter(slug=code).first()
    if category is None:
        raise Refusal(404, _("service_code “%(code)s” was not found.") % {"code": code})
    if not api_client_throttle(client):
        raise Refusal(429, _("Too many requests from this app; try again in a minute."))
    location = _location(request)
    media_url = _param(request, "media_url")
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise Refusal(400, _("media_url is not an http(s) URL.")) from None
    try:
        uploads = [Upload(f.name, upload_read(f)) for f in request.FILES.getlist("media")]
        filed = request_submit(
            category=category,
            text=_param(request, "description"),
            location=location,
            address=_param(request, "address_string"),
            contact=Contact(
                " ".join(p for p in (_param(request, "first_name"), _param(request, "last_name")) if p),
                _param(request, "email"),
                _param(request, "phone"),
            ),
            files=uploads,
            attributes=_attributes(request),
            channel=Request.Channel.OPEN311,
            api_client=client,
            device_id=_param(request, "device_id"),
            external_account_id=_param(request, "account_id"),
            media_url=media_url,
            language=request.LANGUAGE_CODE,
        )
    except RequestRefused as exc:
        raise Refusal(400, exc.message) from None
    return respond(fmt, "service_requests", [documents.created(filed)])


def _location(request) -> Point:
    lat, long = _param(request, "lat"), _param(request, "long")
    if lat or long:
        try:
            return Point(float(long), float(lat), srid=4326)
        except ValueError:
            raise Refusal(400, _("lat and long must both be given, as decimal degrees (WGS84).")) from None
    address = _param(request, "address_string")
    if address:
        try:
            return location_from_address(address)
        except RequestRefused as exc:
            raise Refusal(400, exc.message) from None
    if _param(request, "address_id"):
        raise Refusal(400, _("address_id is not used here: send lat and long, or address_string."))
    raise Refusal(400, _("A location is required: lat and long, or address_string."))


def _attributes(request) -> dict[str, list[str]]:
    """attribute[code]=value and, for multivaluelist, attribute[code][]=value1&…"""
    answers: dict[str, list[str]] = {}
    for key in request.POST:
        match = ATTRIBUTE.match(key)
        if match:
            answers.setdefault(match.group(1), []).extend(
                CONTROL.sub("", v) for v in request.POST.getlist(key)
            )
    return answers


def _w3c_param(request, name: str) -> dt.datetime | None:
    value = _param(request, name)
    if not value:
        return None
    parsed = parse_datetime(value.replace(" ", "+"))  # a '+' in a query string arrives as a space
    if parsed is None:
        raise Refusal(
            400, _("%(name)s must be a W3C date and time such as 2010-01-01T00:00:00Z.") % {"name": name}
        )
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _client_of(request):
    key = _param(request, "api_key")
    return api_client_authenticate(key) if key else None


def _search(request, fmt):
    """GET Service Requests: service_request_id (overrides the rest), service_code, start_date,
    end_date (at most 90 days; the last 90 by default), status; newest first, at most 1000
    (extension: page, page_size)."""
    client = _client_of(request)
    queryset = requests_for_open311(client)
    ids = [i.strip() for i in _param(request, "service_request_id").split(",") if i.strip()]
    if ids:
        rows = open311_rows(queryset.filter(number__in=ids[:DEFAULT_LIMIT]).order_by("-id"))
        return respond(
            fmt, "service_requests", documents.service_requests(rows, owner_id=client and client.pk)
        )
    codes = [c.strip() for c in _param(request, "service_code").split(",") if c.strip()]
    if codes:
        queryset = queryset.filter(category__slug__in=codes)
    statuses = {s.strip() for s in _param(request, "status").split(",") if s.strip()}
    unknown = statuses - {"open", "closed"}
    if unknown:
        raise Refusal(400, _("status may be open or closed (or both, comma separated)."))
    if statuses == {"open"}:
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif statuses == {"closed"}:
        queryset = queryset.filter(status__in=CLOSED_STATUSES)
    start, end = _w3c_param(request, "start_date"), _w3c_param(request, "end_date")
    if start and end and end - start > MAX_SPAN:
        raise Refusal(400, _("start_date and end_date may not be more than 90 days apart."))
    if start and end and end < start:
        raise Refusal(400, _("end_date is before start_date."))
    if not start and not end:
        end = timezone.now()
    start = start or end - MAX_SPAN
    end = end or start + MAX_SPAN
    queryset = queryset.filter(submitted_at__gte=start, submitted_at__lte=end)
    page, size = _paging(request)
    rows = open311_rows(queryset.order_by("-submitted_at", "-id"))[(page - 1) * size : page * size]
    return respond(fmt, "service_requests", documents.service_requests(rows, owner_id=client and client.pk))


def _paging(request) -> tuple[int, int]:
    try:
        page = max(int(_param(request, "page") or 1), 1)
        size = min(max(int(_param(request, "page_size") or DEFAULT_LIMIT), 1), DEFAULT_LIMIT)
    except ValueError:
        raise Refusal(400, _("page and page_size must be whole numbers.")) from None
    if page > MAX_PAGE:  # beyond it the offset overflows PostgreSQL's bigint
        raise Refusal(400, _("page must be at most %(n)d.") % {"n": MAX_PAGE})
    return page, size


@require_GET
@endpoint
def request_one(request, request_id: str, fmt):
    client = _client_of(request)
    rows = open311_rows(requests_for_open311(client).filter(number=request_id))
    found = documents.service_requests(rows, owner_id=client and client.pk)
    if found == "[]":
        raise Refusal(404, _("service_request_id “%(id)s” was not found.") % {"id": request_id})
    return respond(fmt, "service_requests", found)


@require_GET
@endpoint
def token(request, token_id: str, fmt):
    """The service request id of a token (POST answers at once, so a token is only a second way
    to look a request up; it is known to the app that filed the request alone)."""
    found = Request.objects.filter(open311_token=token_id).exclude(status=Request.Status.UNCONFIRMED).first()
    if found is None or not token_id:
        raise Refusal(404, _("token “%(token)s” was not found.") % {"token": token_id})
    return respond(fmt, "service_requests", [{"service_request_id": found.number, "token": token_id}])

"""Filing a request: checks, registration number, routing, receipt — and a visitor's
confirmation by e-mail before any of it counts."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citizen_requests import permissions
from citizen_requests.attributes import CONFIDENTIAL_ATTRIBUTE, attributes_clean
from citizen_requests.exceptions import (
    AddressNotFound,
    AttachmentRefused,
    LinkInvalid,
    OutsideCity,
    RateLimited,
    RequestRefused,
)
from citizen_requests.models import ApiClient, Attachment, Category, Event, Request
from citizen_requests.selectors.addresses import public_address
from citizen_requests.selectors.requests import (
    district_at,
    point_in_city,
)
from citizen_requests.services.attachments import CleanFile, attachment_clean, attachment_store
from citizen_requests.services.moderation import public_text_derive
from citizen_requests.services.notifications import Draft, notification_queue
from citizen_requests.services.registration import (
    access_link,
    receipt_queue,
    registration_number_allocate,
    request_route,
    routing_decide,
)
from citizen_requests.services.transitions import event_record, request_transition
from citizen_requests.throttling import throttle_hit
from city.addresses import address_at, address_resolve

MIN_TEXT = 10
MAX_TEXT = 4000  # the Open311 limit for a description


@dataclass(frozen=True)
class Contact:
    name: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# -- checks ------------------------------------------------------------------------------------


def intake_throttle(*, ip: str, user=None, email: str = "") -> None:
    """Count one filing against the limits of its IP address, account and e-mail; raise
    RateLimited past any of them. Staff (filing for residents who phone in) are exempt."""
    if permissions.is_rate_limit_exempt(user):
        return
    limits = settings.MISTO_REQUEST_RATE_LIMITS
    checks = [("ip", ip)]
    if user is not None and user.is_authenticated:
        checks = [("user", str(user.pk))]
    elif email:
        checks.append(("email", email.strip().lower()))
    for scope, key in checks:
        limit, window = limits[scope]
        if key and not throttle_hit(scope=f"intake:{scope}", key=key, limit=limit, window=window):
            raise RateLimited(
                _(
                    "Too many requests from you in a short time. Please try again in an hour, or call the city's hotline."
                )
            )


def location_check(point: Point) -> Point:
    """The place as a 4326 point inside the hromada; OutsideCity otherwise."""
    if point.srid and point.srid != 4326:
        point = point.transform(4326, clone=True)
    point = Point(round(point.x, 7), round(point.y, 7), srid=4326)
    if not (-180 <= point.x <= 180 and -90 <= point.y <= 90):
        raise OutsideCity(_("These are not coordinates of a place on Earth."), field="location")
    if not point_in_city(point):
        raise OutsideCity(
            _(
                "This place is outside the Horishni Plavni hromada. The portal accepts requests about "
                "its territory only; for other places contact their council."
            ),
            field="location",
        )
    return point


def location_from_address(address: str) -> Point:
    match = address_resolve(address)
    if match is None:
        raise AddressNotFound(
            _(
                "“%(address)s” was not found among the city's streets and buildings. Choose a suggestion or the place on the map."
            )
            % {"address": address},
            field="address",
        )
    return match.point


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _text_check(text: str, *, required: bool) -> str:
    text = CONTROL.sub("", (text or "").replace("\r\n", "\n")).strip()
    if len(text) > MAX_TEXT:
        raise RequestRefused(
            _("The text is %(n)s characters long; %(max)s at most, please.")
            % {"n": len(text), "max": MAX_TEXT},
            field="text",
        )
    if required and len(text) < MIN_TEXT:
        raise RequestRefused(_("Describe the problem in a few words (at least 10 characters)."), field="text")
    return text


def _files_clean(files: Sequence[Upload]) -> list[CleanFile]:
    if len(files) > settings.MISTO_REQUEST_MAX_FILES:
        raise AttachmentRefused(
            _("At most %(n)s files, please.") % {"n": settings.MISTO_REQUEST_MAX_FILES}, field="files"
        )
    return [attachment_clean(name=f.name, data=f.data) for f in files]


def photo_location_in_city(files: Sequence[Upload]) -> Point | None:
    """The first photo's GPS position, when it lies in the hromada: a proposal for the place."""
    for upload in files:
        try:
            clean = attachment_clean(name=upload.name, data=upload.data)
        except AttachmentRefused:
            continue
        if clean.gps:
            point = Point(clean.gps[1], clean.gps[0], srid=4326)
            if point_in_city(point):
                return point
    return None


# -- filing ------------------------------------------------------------------------------------


@transaction.atomic
def request_submit(
    *,
    category: Category,
    text: str,
    location: Point,
    visibility: str = Request.Visibility.PUBLIC,
    address: str = "",
    applicant=None,
    contact: Contact = Contact(),
    files: Sequence[Upload] = (),
    attributes: Mapping[str, Sequence[str]] | None = None,
    channel: str = Request.Channel.WEB,
    api_client: ApiClient | None = None,
    device_id: str = "",
    external_account_id: str = "",
    media_url: str = "",
    email_verified: bool = False,
    language: str = "uk",
) -> Request:
    """File a request. A resident with an account, a visitor whose e-mail this session has
    verified, and an Open311 app get it registered at once (number, routing, receipt); any
    other visitor gets a confirmation link by e-mail and the request waits for it, unseen.
    Every check comes first: a refusal (RequestRefused) writes nothing."""
    if not category.is_active:
        raise RequestRefused(_("This category is no longer in use; choose another."), field="category")
    text = _text_check(text, required=channel != Request.Channel.OPEN311) or category.name_uk
    point = location_check(location)
    raw = dict(attributes or {})
    answers = attributes_clean([*category.attributes, CONFIDENTIAL_ATTRIBUTE], raw)
    if answers.pop("confidential", "no") == "yes":
        visibility = Request.Visibility.CONFIDENTIAL
    if visibility not in Request.Visibility.values:
        raise RequestRefused(_("Choose whether the request is public or confidential."), field="visibility")
    user = applicant if applicant is not None and applicant.is_authenticated else None
    contact = _contact_check(contact, user=user, channel=channel)
    clean_files = _files_clean(files)
    needs_confirmation = user is None and channel == Request.Channel.WEB and not email_verified
    place = address_at(point)
    now = timezone.now()
    request = Request(
        category=category,
        text=text,
        location=point,
        # Published: derived from the point. What the resident typed stays a private note.
        address=public_address(point, place),
        address_note=" ".join((address or "").split())[:255],
        street_id=place.street_id if place else None,
        house_number=place.house_number if place else "",
        district=district_at(point),
        visibility=visibility,
        channel=channel,
        language=language[:8],
        attributes=answers,
        applicant=user,
        applicant_name=contact.name,
        applicant_email=contact.email,
        applicant_phone=contact.phone,
        api_client=api_client,
        device_id=device_id[:100],
        external_account_id=external_account_id[:100],
        media_url=media_url[:500],
        created_at=now,
        email_verified_at=None if needs_confirmation or user or channel == Request.Channel.OPEN311 else now,
    )
    request.text_public = public_text_derive(request)
    actor_label = _actor_label(user, api_client, channel)
    key = ""
    if channel == Request.Channel.OPEN311:
        request.open311_token = secrets.token_hex(16)
    if user is None and contact.email:
        key = secrets.token_urlsafe(24)
        request.access_key_hash = key_hash(key)
    if needs_confirmation:
        request.status = Request.Status.UNCONFIRMED
        request.confirmation_expires_at = now + timedelta(hours=settings.MISTO_REQUEST_CONFIRM_HOURS)
        request.save()
        _attachments_save(request, clean_files)
        event_record(request=request, kind=Event.Kind.FILED, actor_label=actor_label,
                     to_status=request.status, public=False)  # fmt: skip
        notification_queue(
            draft=Draft("request_confirm", contact.email, language, None, {"link": access_link(key)}),
            request=request,
            dedupe_key=f"request_confirm:r{request.pk}",
        )
        return request
    decision = routing_decide(request)
    request.status = Request.Status.SUBMITTED
    request.number = registration_number_allocate(year=timezone.localdate(now).year)
    request.submitted_at = now
    request.save()
    _attachments_save(request, clean_files)
    event_record(request=request, kind=Event.Kind.FILED, actor=user, actor_label=actor_label,
                 to_status=request.status)  # fmt: skip
    request_route(request, decision, actor=user, actor_label=actor_label)
    receipt_queue(request, key=key)
    return request


def _contact_check(contact: Contact, *, user, channel: str) -> Contact:
    name = " ".join((contact.name or "").split())[:255]
    email = (contact.email or "").strip()[:254]
    phone = " ".join((contact.phone or "").split())[:40]
    if user is not None:
        return Contact(name or user.get_full_name() or user.username, email or user.email, phone)
    if email:
        try:
            validate_email(email)
        except Exception:
            raise RequestRefused(
                _("“%(email)s” is not an e-mail address.") % {"email": email}, field="email"
            ) from None
    elif channel == Request.Channel.WEB:
        raise RequestRefused(
            _("Give your e-mail address: the link that registers the request is sent there."), field="email"
        )
    if channel == Request.Channel.WEB and not name:
        raise RequestRefused(_("Give your name: the answer is addressed to you."), field="name")
    return Contact(name, email, phone)


def _actor_label(user, api_client, channel) -> str:
    if api_client is not None:
        return f"Open311: {api_client.name}"
    if user is None:
        return "applicant (e-mail)"
    return ""


def _attachments_save(request: Request, files: Sequence[CleanFile]) -> None:
    for order, clean in enumerate(files):
        attachment = Attachment(
            request=request,
            kind=clean.kind,
            content_type=clean.content_type,
            size=len(clean.content),
            width=clean.width,
            height=clean.height,
            original_name=clean.original_name,
            sha256=clean.sha256,
            order=order,
        )
        attachment_store(attachment, clean)


@transaction.atomic
def request_access(*, key: str) -> Request:
    """The request a visitor's private link opens. The first opening confirms the e-mail and
    registers the request; later openings just let the holder see it again."""
    request = (
        Request.objects.select_for_update()
        .select_related("category")
        .filter(access_key_hash=key_hash(key or ""))
        .first()
        if key
        else None
    )
    if request is None:
        raise LinkInvalid(_("This link is not valid. Check that it was copied whole."))
    if request.status != Request.Status.UNCONFIRMED:
        return request
    now = timezone.now()
    if request.confirmation_expires_at and request.confirmation_expires_at < now:
        raise LinkInvalid(_("This link has expired: the request was not registered. Please file it again."))
    decision = routing_decide(request)
    request_transition(
        request=request,
        to=Request.Status.SUBMITTED,
        kind=Event.Kind.CONFIRMED,
        actor_label="applicant (e-mail)",
        fields=dict(
            number=registration_number_allocate(year=timezone.localdate(now).year),
            submitted_at=now,
            email_verified_at=now,
            confirmation_expires_at=None,
        ),
    )
    request_route(request, decision, actor_label="applicant (e-mail)")
    receipt_queue(request, key=key)
    return request


def unconfirmed_purge(*, older_than: timedelta | None = None) -> int:
    """Delete visitors' requests whose confirmation link expired (and their files)."""
    cutoff = timezone.now() - (older_than or timedelta(0))
    stale = Request.objects.filter(status=Request.Status.UNCONFIRMED, confirmation_expires_at__lt=cutoff)
    count = 0
    for request in stale:
        for attachment in request.attachments.all():
            attachment.file.delete(save=False)
        request.delete()
        count += 1
    return count

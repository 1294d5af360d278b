"""Builders for the citizen requests tests: places in the demo city, requests filed through
the public service function, and photos / documents made on the fly."""

from __future__ import annotations

import io
import math
import re

import pytest
from django.contrib.auth.models import User
from django.contrib.gis.db.models.functions import PointOnSurface
from django.contrib.gis.geos import Point
from PIL import Image

from citizen_requests.models import Category, Request, ServiceArea
from citizen_requests.services.intake import Contact, Upload, request_submit
from housing_registry.models import Building


def user(username: str) -> User:
    return User.objects.get(username=username)


DUTY_OFFICER = "duty-officer"


def services_staff_ensure() -> User:
    """One active member ("member" position, no role) in every service that has no staff, so
    that routing sends requests where the rules say rather than to the front office's triage."""
    from citizen_requests.models import Service, ServiceMembership

    duty, _ = User.objects.get_or_create(
        username=DUTY_OFFICER, defaults={"first_name": "Черговий", "last_name": "Служби", "is_active": True}
    )
    for service in Service.objects.exclude(kind=Service.Kind.FRONT_OFFICE).exclude(
        memberships__user__is_active=True
    ):
        ServiceMembership.objects.get_or_create(service=service, user=duty, defaults={"position": "member"})
    return duty


def service_unstaff(source_id: str) -> None:
    """Take the duty officer off a service, leaving it with nobody on the portal (in the test's
    transaction, rolled back afterwards)."""
    from citizen_requests.models import ServiceMembership

    ServiceMembership.objects.filter(service__source_id=source_id, user__username=DUTY_OFFICER).delete()


def area_point(source_id: str) -> Point:
    """A point well inside a service area."""
    return ServiceArea.objects.annotate(p=PointOnSurface("area")).get(source_id=source_id).p


def building_point(address: str) -> Point:
    return Building.objects.annotate(p=PointOnSurface("footprint")).get(address=address).p


def offset(point: Point, *, north_m: float = 0, east_m: float = 0) -> Point:
    """A point `north_m` / `east_m` metres away (local flat approximation, good to 0.1% here)."""
    lat = point.y + north_m / 111_132.0
    lon = point.x + east_m / (111_320.0 * math.cos(math.radians(point.y)))
    return Point(lon, lat, srid=4326)


CENTRE = "вулиця Шкільна, 7"


def file_request(
    *,
    category: str = "pothole",
    text: str = "Глибока яма посеред проїжджої частини, машини об'їжджають.",
    location: Point | None = None,
    applicant: str | None = "resident",
    visibility: str = Request.Visibility.PUBLIC,
    files: list[Upload] | None = None,
    attributes: dict | None = None,
    contact: Contact | None = None,
    **extra,
) -> Request:
    """File a request through the service function, as the portal does."""
    return request_submit(
        category=Category.objects.get(slug=category),
        text=text,
        location=location or building_point(CENTRE),
        applicant=user(applicant) if applicant else None,
        visibility=visibility,
        files=files or [],
        attributes=attributes or {},
        contact=contact or Contact(),
        **extra,
    )


def jpeg_bytes(
    *,
    gps: tuple[float, float] | None = None,
    comment: bytes | None = None,
    size=(64, 48),
    exif_text: str = "",
) -> bytes:
    """A JPEG photo, optionally with EXIF GPS (lat, lon), a camera model and a comment."""
    from PIL import ExifTags

    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = exif_text or "Misto Test Camera"
    exif[ExifTags.Base.Orientation] = 1
    if gps:
        lat, lon = gps

        def dms(value):
            value = abs(value)
            d = int(value)
            m = int((value - d) * 60)
            s = round((value - d - m / 60) * 3600, 4)
            return (float(d), float(m), float(s))

        exif[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N" if lat >= 0 else "S",
            ExifTags.GPS.GPSLatitude: dms(lat),
            ExifTags.GPS.GPSLongitudeRef: "E" if lon >= 0 else "W",
            ExifTags.GPS.GPSLongitude: dms(lon),
        }
    out = io.BytesIO()
    kwargs = {"exif": exif}
    if comment:
        kwargs["comment"] = comment
    image.save(out, format="JPEG", **kwargs)
    return out.getvalue()


def png_bytes(*, text: str = "") -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    if text:
        info.add_text("Author", text)
    out = io.BytesIO()
    Image.new("RGBA", (40, 30), (10, 200, 10, 128)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def pdf_bytes(*, javascript: bool = False) -> bytes:
    action = b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>" if javascript else b""
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R " + action + b" >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def ensure_test_database() -> None:
    """pytest-django creates the test database only when a collected test asks for `db`; a test
    that commits for real must never run against a real database."""
    from django.db import connection

    if not connection.settings_dict["NAME"].startswith("test_"):
        pytest.fail("this test commits to the database: run it with the suite (or any test that uses `db`)")


PER_RESPONSE = re.compile(rb'(nonce="|name="csrfmiddlewaretoken" value="|name="next" value=")[^"]*"')


def per_response_values_masked(body: bytes) -> bytes:
    """A page without what every response draws anew (the CSP nonce, the masked CSRF token) and
    the address the viewer asked for (echoed for the language switch): two answers are
    indistinguishable when what is left is byte for byte the same."""
    return PER_RESPONSE.sub(rb'\1-"', body)

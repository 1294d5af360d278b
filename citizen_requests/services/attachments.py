"""Photos and PDF documents residents attach (and staff attach to answers), through the portal's
one upload policy (core.uploads): checked by their content (never by the name), photos
re-encoded with Pillow so that no EXIF, GPS, comment, XMP or riding payload is stored.

A photo's GPS position is read before it is stripped: the form may propose it as the place.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import ExifTags, Image

from citizen_requests.exceptions import AttachmentRefused
from citizen_requests.models import Attachment
from core import uploads
from core.uploads import UploadRefused


@dataclass(frozen=True)
class CleanFile:
    kind: str
    content: bytes
    content_type: str
    extension: str
    original_name: str
    sha256: str
    width: int | None = None
    height: int | None = None
    gps: tuple[float, float] | None = None  # (lat, lon) read from the photo before stripping


def sniff(data: bytes) -> str | None:
    """What the bytes are (see core.uploads.sniff)."""
    return uploads.sniff(data)


def safe_name(name: str) -> str:
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C")
    return name.strip()[:100] or "file"


def upload_read(upload) -> bytes:
    """The bytes of an uploaded file, refused before reading when it is over the size limit."""
    try:
        return uploads.read_limited(
            upload, safe_name(getattr(upload, "name", "")), settings.MISTO_REQUEST_MAX_FILE_BYTES
        )
    except UploadRefused as exc:
        raise AttachmentRefused(exc.message, field="files") from None


def attachment_clean(*, name: str, data: bytes) -> CleanFile:
    """Check one file by its content and make it safe to keep: a photo re-encoded as JPEG
    without metadata, or a PDF without active content. Raises AttachmentRefused."""
    name = safe_name(name)
    if not data:
        raise AttachmentRefused(_("“%(name)s” is empty.") % {"name": name}, field="files")
    kind = sniff(data)
    try:
        if kind == "pdf":
            return _clean_pdf(name, data)
        if kind in uploads.IMAGE_KINDS:
            return _clean_photo(name, data)
        if kind == "svg":
            raise uploads.svg_refused(name)
    except UploadRefused as exc:
        raise AttachmentRefused(exc.message, field="files") from None
    if kind == "heif":
        raise AttachmentRefused(
            _(
                "“%(name)s” is a HEIC photo, which the portal cannot read yet. Choose “Most compatible” "
                "(JPEG) in the camera settings, or attach a screenshot of it."
            )
            % {"name": name},
            field="files",
        )
    raise AttachmentRefused(
        _("“%(name)s” is not a photo (JPEG, PNG, WebP, GIF, TIFF) or a PDF document, whatever its name says.")
        % {"name": name},
        field="files",
    )


def attachment_store(attachment: Attachment, clean: CleanFile) -> Attachment:
    """Write the cleaned file under a random name (never the uploaded one) and save the row."""
    attachment.file.save(f"{secrets.token_hex(16)}.{clean.extension}", ContentFile(clean.content), save=False)
    attachment.save()
    return attachment


def _clean_photo(name: str, data: bytes) -> CleanFile:
    image = uploads.image_open(name, data)
    gps = photo_gps(image)  # read before the metadata is stripped: the form may propose the place
    content = uploads.image_encode(name, image, fmt="JPEG", max_side=settings.MISTO_REQUEST_PHOTO_MAX_SIDE)
    with Image.open(io.BytesIO(content)) as stored:
        width, height = stored.size
    return CleanFile(
        kind=Attachment.Kind.PHOTO,
        content=content,
        content_type="image/jpeg",
        extension="jpg",
        original_name=name,
        sha256=hashlib.sha256(content).hexdigest(),
        width=width,
        height=height,
        gps=gps,
    )


def photo_gps(image: Image.Image) -> tuple[float, float] | None:
    """(lat, lon) from a photo's EXIF GPS tags, or None when absent or nonsense."""
    try:
        gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    except Exception:  # malformed EXIF: no position, the photo itself is still fine
        return None
    try:
        lat = _degrees(gps[ExifTags.GPS.GPSLatitude], gps.get(ExifTags.GPS.GPSLatitudeRef, "N"), "S")
        lon = _degrees(gps[ExifTags.GPS.GPSLongitude], gps.get(ExifTags.GPS.GPSLongitudeRef, "E"), "W")
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    return round(lat, 7), round(lon, 7)


def _degrees(value, ref, negative: str) -> float:
    d, m, s = (float(v) for v in value)
    result = d + m / 60 + s / 3600
    if isinstance(ref, bytes):
        ref = ref.decode(errors="ignore")
    return -result if str(ref).strip().upper() == negative else result


def _clean_pdf(name: str, data: bytes) -> CleanFile:
    uploads.pdf_check(name, data)
    return CleanFile(
        kind=Attachment.Kind.DOCUMENT,
        content=data,
        content_type="application/pdf",
        extension="pdf",
        original_name=name,
        sha256=hashlib.sha256(data).hexdigest(),
    )

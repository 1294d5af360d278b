"""Photos and PDF documents residents attach: checked by their content (never by the name),
photos re-encoded with Pillow so that no EXIF, GPS, comment or XMP metadata is stored.

A photo's GPS position is read before it is stripped: the form may propose it as the place.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from citizen_requests.exceptions import AttachmentRefused
from citizen_requests.models import Attachment

MAX_PIXELS = 50_000_000  # a 50-megapixel photo is the largest a phone takes
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}
# Active content a PDF can carry; a document a resident attaches needs none of it.
PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA|SubmitForm|ImportData)\b")
HEIF_BRANDS = (b"ftypheic", b"ftypheix", b"ftyphevc", b"ftypmif1", b"ftypmsf1", b"ftypavif")


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
    """What the bytes are: "jpeg", "png", "webp", "pdf", "heif", or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data[4:12] in HEIF_BRANDS:
        return "heif"
    return None


def safe_name(name: str) -> str:
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C")
    return name.strip()[:100] or "file"


def upload_read(upload) -> bytes:
    """The bytes of an uploaded file, refused before reading when it is over the size limit."""
    limit = settings.MISTO_REQUEST_MAX_FILE_BYTES
    name = safe_name(getattr(upload, "name", ""))
    if upload.size is not None and upload.size > limit:
        raise AttachmentRefused(
            _("“%(name)s” is larger than %(limit)s MB.") % {"name": name, "limit": limit // (1024 * 1024)},
            field="files",
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise AttachmentRefused(
            _("“%(name)s” is larger than %(limit)s MB.") % {"name": name, "limit": limit // (1024 * 1024)},
            field="files",
        )
    return data


def attachment_clean(*, name: str, data: bytes) -> CleanFile:
    """Check one file by its content and make it safe to keep: a photo re-encoded as JPEG
    without metadata, or a PDF without active content. Raises AttachmentRefused."""
    name = safe_name(name)
    if not data:
        raise AttachmentRefused(_("“%(name)s” is empty.") % {"name": name}, field="files")
    kind = sniff(data)
    if kind == "pdf":
        return _clean_pdf(name, data)
    if kind in ("jpeg", "png", "webp"):
        return _clean_photo(name, data)
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
        _("“%(name)s” is not a photo (JPEG, PNG, WebP) or a PDF document, whatever its name says.")
        % {"name": name},
        field="files",
    )


def attachment_store(attachment: Attachment, clean: CleanFile) -> Attachment:
    """Write the cleaned file under a random name (never the uploaded one) and save the row."""
    attachment.file.save(f"{secrets.token_hex(16)}.{clean.extension}", ContentFile(clean.content), save=False)
    attachment.save()
    return attachment


def _damaged(name: str) -> AttachmentRefused:
    return AttachmentRefused(
        _("“%(name)s” looks like a photo but cannot be read: it is damaged or incomplete.") % {"name": name},
        field="files",
    )


def _clean_photo(name: str, data: bytes) -> CleanFile:
    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in IMAGE_FORMATS:
            raise _damaged(name)
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise AttachmentRefused(
                _("“%(name)s” is too large a picture (%(w)s × %(h)s pixels).")
                % {"name": name, "w": width, "h": height},
                field="files",
            )
        image.load()
        gps = photo_gps(image)
        image = ImageOps.exif_transpose(image)
        if image.mode in ("RGBA", "LA", "P", "PA"):
            rgba = image.convert("RGBA")
            image = Image.new("RGB", rgba.size, (255, 255, 255))
            image.paste(rgba, mask=rgba.getchannel("A"))
        elif image.mode != "RGB":
            image = image.convert("RGB")
        side = settings.MISTO_REQUEST_PHOTO_MAX_SIDE
        if max(image.size) > side:
            image.thumbnail((side, side), Image.Resampling.LANCZOS)
        image.info.clear()  # no EXIF, GPS, comment, XMP or ICC travels into the stored file
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=85, optimize=True)
    except AttachmentRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise _damaged(name) from exc
    content = out.getvalue()
    return CleanFile(
        kind=Attachment.Kind.PHOTO,
        content=content,
        content_type="image/jpeg",
        extension="jpg",
        original_name=name,
        sha256=hashlib.sha256(content).hexdigest(),
        width=image.width,
        height=image.height,
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
    if b"%%EOF" not in data[-2048:]:
        raise AttachmentRefused(
            _("“%(name)s” is an incomplete PDF document (it has no end).") % {"name": name}, field="files"
        )
    # PDF names may spell letters as #xx: decode them before looking for active content.
    plain = re.sub(rb"#([0-9a-fA-F]{2})", lambda m: bytes([int(m.group(1), 16)]), data)
    if PDF_ACTIVE.search(plain):
        raise AttachmentRefused(
            _("“%(name)s” contains scripts, forms or embedded files; attach a plain PDF (print it to PDF).")
            % {"name": name},
            field="files",
        )
    return CleanFile(
        kind=Attachment.Kind.DOCUMENT,
        content=data,
        content_type="application/pdf",
        extension="pdf",
        original_name=name,
        sha256=hashlib.sha256(data).hexdigest(),
    )

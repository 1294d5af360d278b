"""Documents and attachments of the registry (sheets' documents, work records' acts and photos),
checked through the portal's one upload policy (core.uploads): the content decides the type
(never the name), PDFs with active content are refused, pictures are re-encoded with Pillow,
office documents with macros or zip bombs are refused, SVG is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from core import uploads
from core.uploads import UploadRefused
from housing_registry.exceptions import UploadRejected

ACCEPTED = ("pdf", "png", "jpg", "tif", "docx", "xlsx", "odt", "ods", "doc", "xls")
# Pictures are stored as JPEG when they came as JPEG, TIFF (every page) as TIFF, others as PNG.
PICTURE_FORMAT = {"jpeg": ("JPEG", "jpg"), "tiff": ("TIFF", "tif")}


@dataclass(frozen=True)
class CleanUpload:
    name: str  # a safe file name whose extension matches the content
    content: ContentFile
    size: int


def upload_check(upload) -> CleanUpload:
    """The checked (and, for pictures, re-encoded) file, or UploadRejected saying what is wrong."""
    shown = PurePath((getattr(upload, "name", "") or "file").replace("\\", "/")).name
    try:
        data = uploads.read_limited(upload, shown, settings.MISTO_REGISTRY_UPLOAD_MAX_MB * 1024 * 1024)
        content, extension = _clean(shown, data)
    except UploadRefused as exc:
        raise UploadRejected(exc.message) from None
    stem = get_valid_filename(PurePath(shown).stem)[:140] or "file"
    return CleanUpload(name=f"{stem}.{extension}", content=ContentFile(content), size=len(content))


def _clean(name: str, data: bytes) -> tuple[bytes, str]:
    kind = uploads.sniff(data)
    if kind == "pdf":
        uploads.pdf_check(name, data)
        return data, "pdf"
    if kind in uploads.IMAGE_KINDS:
        image = uploads.image_open(name, data)
        fmt, extension = PICTURE_FORMAT.get(kind, ("PNG", "png"))
        return uploads.image_encode(name, image, fmt=fmt), extension
    if kind == "svg":
        raise uploads.svg_refused(name)
    if kind == "zip":
        limit = settings.MISTO_REGISTRY_UPLOAD_MAX_MB * 1024 * 1024 * 10
        return data, uploads.office_kind(name, data, max_unpacked=limit)
    if kind == "ole":
        # Old Word/Excel files: the name tells which of the two it is; the content that it is one.
        extension = PurePath(name).suffix.lower().lstrip(".")
        if extension in ("doc", "xls"):
            return data, extension
    raise UploadRefused(
        _("“%(name)s” is not a file of an accepted type (%(allowed)s), whatever its name says.")
        % {"name": name, "allowed": ", ".join(ACCEPTED)}
    )

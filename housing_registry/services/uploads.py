"""Checks on uploaded documents and attachments: size, type by extension and by content."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from housing_registry.exceptions import UploadRejected

ZIP, OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"
# extension -> the first bytes such a file starts with
SIGNATURES = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "tif": (b"II*\x00", b"MM\x00*"),
    "tiff": (b"II*\x00", b"MM\x00*"),
    "docx": (ZIP,),
    "xlsx": (ZIP,),
    "odt": (ZIP,),
    "ods": (ZIP,),
    "doc": (OLE,),
    "xls": (OLE,),
}


def upload_check(upload) -> str:
    """A safe file name for `upload`, or UploadRejected saying what is wrong with it."""
    limit = settings.MISTO_REGISTRY_UPLOAD_MAX_MB * 1024 * 1024
    if upload is None or not upload.size:
        raise UploadRejected(_("The file is empty."))
    if upload.size > limit:
        raise UploadRejected(
            _("The file is %(size).1f MB; the limit is %(limit)s MB.")
            % {"size": upload.size / 1024 / 1024, "limit": settings.MISTO_REGISTRY_UPLOAD_MAX_MB}
        )
    name = PurePath(upload.name or "file").name
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in SIGNATURES:
        raise UploadRejected(
            _("Files of type “%(ext)s” are not accepted; send %(allowed)s.")
            % {"ext": extension or "?", "allowed": ", ".join(sorted(SIGNATURES))}
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in SIGNATURES[extension]):
        raise UploadRejected(
            _("The file is named .%(ext)s but its content is not a %(ext)s file.") % {"ext": extension}
        )
    return get_valid_filename(name)[:150] or f"file.{extension}"

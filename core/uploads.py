"""The one upload policy of the portal: every door that takes a file goes through these checks.

Used by request attachments and answer documents (citizen_requests), building and work documents
and the sheet import (housing_registry) and layer imports (gis_layers). It lives in portal/, the
lowest layer every app already imports, and depends on nothing of theirs.

The rules, the same everywhere:
- a file is what its bytes say (`sniff`), never what its name says;
- size limits come from settings and are checked before the bytes are read;
- a PDF with JavaScript, launch actions, embedded files or forms is refused, with one message;
- pictures are decoded and re-encoded with Pillow, so whatever rides along (a ZIP appended to a
  JPEG, a script in a GIF comment, EXIF/GPS) is left behind;
- SVG is refused: it is a document that can carry scripts, and we do not sanitise it;
- ZIP containers (archives, .xlsx, .docx) are checked before anything is unpacked: member count,
  unpacked size, pack ratio (zip bombs), paths leaving the folder, links, nested archives, macros.

Each function raises UploadRefused; the apps turn it into their own refusal.
"""

from __future__ import annotations

import io
import re
import secrets
import stat
import time
import zipfile
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

MAX_PIXELS = 50_000_000  # a 50-megapixel photo is the largest a phone takes
# Active content a PDF can carry; a document sent to or by the city needs none of it.
PDF_ACTIVE = re.compile(
    rb"/(?:JavaScript|JS|Launch|EmbeddedFile|EmbeddedFiles|RichMedia|XFA|SubmitForm|ImportData|GoToE)\b"
)
HEIF_BRANDS = (b"ftypheic", b"ftypheix", b"ftyphevc", b"ftypmif1", b"ftypmsf1", b"ftypavif")
IMAGE_KINDS = {"jpeg", "png", "webp", "gif", "tiff"}
ZIP_MAX_MEMBERS = 1000
ZIP_MAX_RATIO = 100  # real documents and geodata pack at most ~20:1; a zip bomb thousands to one
ZIP_RATIO_FLOOR = 1024 * 1024  # tiny members may pack well without meaning harm
ARCHIVE_SUFFIXES = (".zip", ".kmz", ".gz", ".tar", ".7z", ".rar", ".jar", ".xlsx", ".docx")


class UploadRefused(Exception):
    """A file the policy refuses; `message` is translated and says what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def sniff(data: bytes) -> str | None:
    """What the bytes are: jpeg, png, webp, gif, tiff, pdf, heif, svg, html, zip, ole — or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data[4:12] in HEIF_BRANDS:
        return "heif"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    text = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<"):
        if b"<svg" in text:
            return "svg"
        if b"<html" in text or b"<script" in text or text.startswith(b"<!doctype html"):
            return "html"
    return None


def size_check(name: str, size: int | None, limit: int) -> None:
    """Refuse an empty file or one over `limit` bytes (checked on the declared size, before reading)."""
    if size is not None and size > limit:
        raise UploadRefused(
            _("“%(name)s” is %(size)s; the limit is %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    if size == 0:
        raise UploadRefused(_("“%(name)s” is empty.") % {"name": name})


def read_limited(upload, name: str, limit: int) -> bytes:
    """The bytes of an uploaded file, never more than `limit` (a lying size header is caught too)."""
    size_check(name, getattr(upload, "size", None), limit)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    size_check(name, len(data), limit)
    return data


def svg_refused(name: str) -> UploadRefused:
    return UploadRefused(
        _(
            "“%(name)s” is an SVG drawing; SVG files can carry scripts and are not accepted. Send a PNG or PDF."
        )
        % {"name": name}
    )


def pdf_check(name: str, data: bytes) -> None:
    """Refuse an incomplete PDF or one with active content (scripts, launch actions, embedded files)."""
    if b"%%EOF" not in data[-2048:]:
        raise UploadRefused(_("“%(name)s” is an incomplete PDF document (it has no end).") % {"name": name})
    # PDF names may spell letters as #xx: decode them before looking for active content.
    plain = re.sub(rb"#([0-9a-fA-F]{2})", lambda m: bytes([int(m.group(1), 16)]), data)
    if PDF_ACTIVE.search(plain):
        raise UploadRefused(
            _("“%(name)s” contains scripts, forms or embedded files; attach a plain PDF (print it to PDF).")
            % {"name": name}
        )


def _damaged(name: str) -> UploadRefused:
    return UploadRefused(
        _("“%(name)s” looks like a photo but cannot be read: it is damaged or incomplete.") % {"name": name}
    )


def image_open(name: str, data: bytes) -> Image.Image:
    """Decode a picture fully (refusing damaged ones and pixel bombs) so it can be re-encoded."""
    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in ("JPEG", "PNG", "WEBP", "GIF", "TIFF"):
            raise _damaged(name)
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise UploadRefused(
                _("“%(name)s” is too large a picture (%(w)s × %(h)s pixels).")
                % {"name": name, "w": width, "h": height}
            )
        image.load()
    except UploadRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise _damaged(name) from exc
    return image


def image_encode(name: str, image: Image.Image, *, fmt: str = "JPEG", max_side: int | None = None) -> bytes:
    """Only the pixels, written anew: no metadata, comments, trailing data or extra frames
    (a TIFF keeps its pages: a scanned document is several)."""
    if fmt == "TIFF":
        return _tiff_encode(name, image)
    try:
        image = ImageOps.exif_transpose(image)
        if fmt == "JPEG":
            if image.mode in ("RGBA", "LA", "P", "PA"):
                rgba = image.convert("RGBA")
                flat = Image.new("RGB", rgba.size, (255, 255, 255))
                flat.paste(rgba, mask=rgba.getchannel("A"))
                image = flat
            elif image.mode != "RGB":
                image = image.convert("RGB")
        elif image.mode not in ("RGB", "RGBA", "L", "LA", "1"):
            image = image.convert("RGBA")
        if max_side and max(image.size) > max_side:
            image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        image.info.clear()  # no EXIF, GPS, comment, XMP or ICC travels into the stored file
        out = io.BytesIO()
        if fmt == "JPEG":
            image.save(out, format="JPEG", quality=85, optimize=True)
        else:
            image.save(out, format="PNG", optimize=True)
    except (OSError, ValueError) as exc:
        raise _damaged(name) from exc
    return out.getvalue()


def _tiff_encode(name: str, image: Image.Image) -> bytes:
    try:
        pages = []
        for frame in ImageSequence.Iterator(image):
            page = frame.convert("RGB") if frame.mode not in ("1", "L", "RGB") else frame.copy()
            page.info.clear()
            pages.append(page)
        out = io.BytesIO()
        pages[0].save(out, format="TIFF", compression="tiff_deflate", save_all=True, append_images=pages[1:])
    except (OSError, ValueError) as exc:
        raise _damaged(name) from exc
    return out.getvalue()


def zip_members(
    archive: zipfile.ZipFile, *, max_unpacked: int, allow_archives: bool = False
) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """The files of an archive with safe relative paths, or UploadRefused for a zip bomb, a path
    that leaves the folder, a link, an encrypted member or (unless allowed) an archive inside."""
    infos = [i for i in archive.infolist() if not i.is_dir()]
    if not infos:
        raise UploadRefused(_("The archive is empty."))
    if len(infos) > ZIP_MAX_MEMBERS:
        raise UploadRefused(
            _("The archive holds %(n)d files; at most %(max)d are accepted.")
            % {"n": len(infos), "max": ZIP_MAX_MEMBERS}
        )
    members = [(info, _member_path(info)) for info in infos]
    total = sum(info.file_size for info in infos)
    if total > max_unpacked:
        raise UploadRefused(
            _(
                "The archive would unpack to %(size)s; the limit is %(limit)s. It is refused (it may be a zip bomb)."
            )
            % {"size": filesizeformat(total), "limit": filesizeformat(max_unpacked)}
        )
    for info, path in members:
        if info.file_size > ZIP_RATIO_FLOOR and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1):
            raise UploadRefused(
                _(
                    "“%(name)s” in the archive packs %(ratio)d:1 — far more than real data does. "
                    "The archive is refused as a likely zip bomb."
                )
                % {"name": info.filename, "ratio": info.file_size // max(info.compress_size, 1)}
            )
        if not allow_archives and path.suffix.lower() in ARCHIVE_SUFFIXES:
            raise UploadRefused(
                _("The archive holds another archive (“%(name)s”); unpack it and upload the data itself.")
                % {"name": info.filename}
            )
    return members


def _member_path(info: zipfile.ZipInfo) -> PurePosixPath:
    name = info.filename.replace("\\", "/")
    path = PurePosixPath(name)
    if (
        name.startswith("/")
        or (len(name) > 1 and name[1] == ":")
        or any(part == ".." for part in path.parts)
        or "\x00" in name
    ):
        raise UploadRefused(
            _("The archive holds a path that leaves its folder (“%(name)s”); such archives are refused.")
            % {"name": info.filename}
        )
    if stat.S_ISLNK(info.external_attr >> 16):
        raise UploadRefused(
            _("The archive holds a link (“%(name)s”); archives with links are refused.")
            % {"name": info.filename}
        )
    if info.flag_bits & 0x1:
        raise UploadRefused(_("The archive is encrypted; upload it without a password."))
    return path


def office_kind(name: str, data: bytes, *, max_unpacked: int) -> str:
    """docx, xlsx, odt or ods from a ZIP container's own parts (not its name); macros, zip bombs
    and other archives inside are refused."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = zip_members(archive, max_unpacked=max_unpacked, allow_archives=True)
            names = {str(path) for _info, path in members}
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError, KeyError) as exc:
        raise UploadRefused(_("“%(name)s” is a damaged archive.") % {"name": name}) from exc
    if any(n.lower().endswith("vbaproject.bin") or n.lower().startswith("basic/") for n in names):
        raise UploadRefused(
            _("“%(name)s” contains macros; save it as a document without macros.") % {"name": name}
        )
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if mimetype == b"application/vnd.oasis.opendocument.text":
        return "odt"
    if mimetype == b"application/vnd.oasis.opendocument.spreadsheet":
        return "ods"
    raise UploadRefused(
        _("“%(name)s” is an archive, not a document; such files are not accepted.") % {"name": name}
    )


class PendingUploads:
    """Files a form accepted while the form itself came back with an error, kept for the same
    browser session so that the person does not attach them again (issue 20).

    Only bytes the caller's policy has already checked and cleaned are kept (a photo re-encoded
    without its metadata), in `storage` under pending/<scope>/, never served directly: the form
    reads them back by a random token that only this session holds. At most `limit` files, for
    `max_age` seconds; clear() after the form succeeds, purge() for what abandoned forms left.
    """

    SESSION_KEY = "misto_pending_uploads"

    def __init__(self, session, *, scope: str, storage, limit: int = 10, max_age: int = 86400):
        self.session, self.scope, self.storage = session, scope, storage
        self.limit, self.max_age = limit, max_age

    def _entries(self) -> list[dict]:
        entries = self.session.get(self.SESSION_KEY, {}).get(self.scope, [])
        now = time.time()
        return [e for e in entries if now - e.get("at", 0) < self.max_age]

    def _save(self, entries: list[dict]) -> None:
        everything = dict(self.session.get(self.SESSION_KEY, {}))
        everything[self.scope] = entries
        self.session[self.SESSION_KEY] = everything

    def _path(self, token: str) -> str:
        return f"pending/{self.scope}/{token}"

    def list(self) -> list[dict]:
        """The kept files: token, name, size, content_type, in the order they were added."""
        return [e for e in self._entries() if self.storage.exists(self._path(e["token"]))]

    def add(self, *, name: str, data: bytes, content_type: str) -> str | None:
        """Keep one checked file; None when `limit` files are kept already."""
        entries = self.list()
        if len(entries) >= self.limit:
            return None
        token = secrets.token_urlsafe(18)
        self.storage.save(self._path(token), ContentFile(data))
        entries.append(
            {
                "token": token,
                "name": name[:120],
                "size": len(data),
                "content_type": content_type,
                "at": time.time(),
            }
        )
        self._save(entries)
        return token

    def read(self, token: str) -> bytes | None:
        """The bytes of a file this session keeps; None for any other token."""
        if not any(e["token"] == token for e in self.list()):
            return None
        with self.storage.open(self._path(token), "rb") as handle:
            return handle.read()

    def remove(self, token: str) -> None:
        entries = self.list()
        if any(e["token"] == token for e in entries):
            self.storage.delete(self._path(token))
            self._save([e for e in entries if e["token"] != token])

    def clear(self) -> None:
        for entry in self._entries():
            self.storage.delete(self._path(entry["token"]))
        self._save([])

    @staticmethod
    def purge(*, storage, scope: str, older_than: int = 86400) -> int:
        """Delete kept files of `scope` older than `older_than` seconds (abandoned forms)."""
        folder = f"pending/{scope}"
        try:
            _dirs, names = storage.listdir(folder)
        except FileNotFoundError:
            return 0
        cutoff = time.time() - older_than
        count = 0
        for name in names:
            path = f"{folder}/{name}"
            if storage.get_modified_time(path).timestamp() < cutoff:
                storage.delete(path)
                count += 1
        return count

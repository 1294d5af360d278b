"""Checks every uploaded file passes before GDAL reads a byte of it.

Refused, each with a message a person can act on and nothing changed: files over the size limit,
names with an extension we do not read, contents that are not what the extension claims
(a renamed picture, a text file called .gpkg), archives that would unpack to far more than they
weigh (zip bombs), archives with paths that leave their folder (../, absolute paths, links),
encrypted or nested archives, and shapefiles missing their .shx/.dbf (or .prj, unless the person
states the coordinate system).

`unpack` returns the dataset ready to read: a file in a private working folder.
"""

from __future__ import annotations

import os
import shutil
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core import uploads
from core.uploads import UploadRefused
from gis_layers.exceptions import ImportRefused

EXTENSIONS = {
    ".zip": "zip",
    ".gpkg": "gpkg",
    ".geojson": "geojson",
    ".json": "geojson",
    ".kml": "kml",
    ".kmz": "kmz",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".ods": "ods",
    ".dbf": "dbf",
}
FORMAT_NAMES = {
    "shapefile": "ESRI Shapefile",
    "gpkg": "GeoPackage",
    "geojson": "GeoJSON",
    "kml": "KML",
    "csv": "CSV",
    "xlsx": "Excel (XLSX)",
    "ods": "OpenDocument (ODS)",
    "dbf": "dBASE (DBF)",
}
# Spreadsheets are zip packages GDAL opens itself: the same archive policy applies to them.
SPREADSHEET_MARKERS = {"xlsx": "xl/workbook.xml", "ods": "content.xml"}
DBF_VERSIONS = {0x02, 0x03, 0x04, 0x05, 0x30, 0x31, 0x43, 0x63, 0x83, 0x8B, 0xCB, 0xF5, 0xFB}
# Inside an archive: the datasets we read, and the files that travel with a shapefile.
DATASET_EXTENSIONS = {".shp": "shapefile", ".gpkg": "gpkg", ".geojson": "geojson", ".json": "geojson",
                      ".kml": "kml", ".csv": "csv"}  # fmt: skip
SHAPEFILE_SIDECARS = {".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".qmd", ".xml", ".qpj"}
HARMLESS = {".txt", ".md", ".pdf", ".html", ".htm", ".qml", ".sld", ".lyr", ".lyrx"}
CPG_ENCODINGS = {
    "utf-8": "utf-8", "utf8": "utf-8", "65001": "utf-8",
    "1251": "cp1251", "cp1251": "cp1251", "windows-1251": "cp1251", "ansi 1251": "cp1251", "win1251": "cp1251",
    "866": "cp866", "cp866": "cp866", "1252": "cp1252", "cp1252": "cp1252", "iso-8859-1": "latin-1",
    "latin1": "latin-1", "koi8-u": "koi8-u", "koi8-r": "koi8-r",
}  # fmt: skip
# dBASE language driver ids (byte 29 of the .dbf header) that name an encoding.
DBF_LDID = {0xC9: "cp1251", 0x26: "cp866", 0x65: "cp866", 0x57: None, 0x03: "cp1252", 0x00: None}


@dataclass
class Unpacked:
    """A dataset ready for GDAL: `path` to read, its `format`, and what the package said."""

    format: str
    path: Path
    workdir: Path
    choices: list[str] = field(default_factory=list)  # other datasets of the archive (shapefiles)
    encoding: str | None = None  # from a .cpg or the .dbf header
    encoding_source: str = ""  # "cpg", "dbf", "" (not stated)
    has_prj: bool = True
    notes: list[str] = field(default_factory=list)


def max_bytes() -> int:
    return settings.MISTO_IMPORT_MAX_BYTES


def check_size(size: int) -> None:
    if size > max_bytes():
        raise ImportRefused(
            _(
                "The file is %(size)s; the limit is %(limit)s. Split it, or ask the administrator to raise the limit."
            )
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes())}
        )
    if size == 0:
        raise ImportRefused(_("The file is empty."))


def check_name(name: str) -> str:
    """The upload's kind from its extension, or ImportRefused naming what we read."""
    suffix = Path(name).suffix.lower()
    if suffix in (".shp", ".shx", ".prj", ".cpg"):
        raise ImportRefused(
            _(
                "A shapefile is several files: put the .shp, .shx, .dbf and .prj (and .cpg) into one .zip and upload that."
            )
        )
    if suffix not in EXTENSIONS:
        raise ImportRefused(
            _("Files ending in “%(ext)s” cannot be imported. Upload %(known)s.")
            % {"ext": suffix or name, "known": ", ".join(sorted(EXTENSIONS))}
        )
    return EXTENSIONS[suffix]


def _head(path: Path, n: int = 4096) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(n)


def _text_head(head: bytes) -> str:
    return head.lstrip(b"\xef\xbb\xbf").lstrip().decode("utf-8", "ignore")


def check_content(path: Path, kind: str, shown_name: str) -> None:
    """Refuse a file whose bytes are not of the kind its name claims."""
    head = _head(path)
    if uploads.sniff(head) == "svg":
        raise ImportRefused(uploads.svg_refused(shown_name).message)
    not_what = _("“%(name)s” is not a %(kind)s file (its content is something else); nothing was imported.")
    if kind in ("zip", "kmz"):
        if not head.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(path):
            raise ImportRefused(not_what % {"name": shown_name, "kind": "ZIP" if kind == "zip" else "KMZ"})
    elif kind == "gpkg":
        if not head.startswith(b"SQLite format 3\x00") or len(head) < 72:
            raise ImportRefused(not_what % {"name": shown_name, "kind": "GeoPackage"})
        application_id = head[68:72]
        if application_id not in (b"GPKG", b"GP10", b"GP11"):
            raise ImportRefused(
                _("“%(name)s” is an SQLite database but not a GeoPackage; nothing was imported.")
                % {"name": shown_name}
            )
    elif kind == "geojson":
        text = _text_head(head)
        if b"\x00" in head or not text.startswith("{"):
            raise ImportRefused(not_what % {"name": shown_name, "kind": "GeoJSON"})
    elif kind == "kml":
        text = _text_head(head)
        if b"\x00" in head or not text.startswith("<") or "<kml" not in text[:2048].lower():
            raise ImportRefused(not_what % {"name": shown_name, "kind": "KML"})
    elif kind == "csv":
        if b"\x00" in _head(path, 65536):
            raise ImportRefused(not_what % {"name": shown_name, "kind": "CSV"})
    elif kind == "shapefile":
        if head[:4] != struct.pack(">i", 9994):
            raise ImportRefused(not_what % {"name": shown_name, "kind": ".shp"})
    elif kind in SPREADSHEET_MARKERS:
        shown_kind = FORMAT_NAMES[kind]
        if not head.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(path):
            raise ImportRefused(not_what % {"name": shown_name, "kind": shown_kind})
        with zipfile.ZipFile(path) as archive:
            _check_archive(archive)
            if SPREADSHEET_MARKERS[kind] not in archive.namelist():
                raise ImportRefused(not_what % {"name": shown_name, "kind": shown_kind})
    elif kind == "dbf":
        if not head or head[0] not in DBF_VERSIONS:
            raise ImportRefused(not_what % {"name": shown_name, "kind": "dBASE"})
        _dbf_check(path)


def _check_archive(archive: zipfile.ZipFile) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """The archive's members through the portal's one upload policy (zip bombs, ../ and absolute
    paths, links, encryption, archives inside archives)."""
    try:
        return uploads.zip_members(archive, max_unpacked=settings.MISTO_IMPORT_MAX_UNPACKED_BYTES)
    except UploadRefused as exc:
        raise ImportRefused(exc.message) from None


def _extract(archive: zipfile.ZipFile, members, target: Path) -> None:
    """Copy members out with a byte budget: a member that unpacks to more than it declared
    (a forged header) is stopped, not written to the end."""
    budget = settings.MISTO_IMPORT_MAX_UNPACKED_BYTES
    for info, path in members:
        # Flatten into the working folder: data files are found by name, folders do not matter,
        # and nothing can be written outside it.
        destination = target / "/".join(path.parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        if not destination.resolve().is_relative_to(target.resolve()):
            raise ImportRefused(
                _("The archive holds a path that leaves its folder; such archives are refused.")
            )
        written = 0
        with archive.open(info) as src, open(destination, "wb") as dst:
            while chunk := src.read(1024 * 1024):
                written += len(chunk)
                budget -= len(chunk)
                if written > info.file_size or budget < 0:
                    raise ImportRefused(
                        _("The archive unpacks to more than it declares; it is refused (a likely zip bomb).")
                    )
                dst.write(chunk)


def _read_cpg(path: Path) -> str | None:
    try:
        text = path.read_text("ascii", errors="ignore").strip().lower()
    except OSError:
        return None
    return CPG_ENCODINGS.get(text)


def _dbf_encoding(path: Path) -> str | None:
    head = _head(path, 32)
    if len(head) < 30:
        return None
    return DBF_LDID.get(head[29])


def unpack(
    upload: Path, original_name: str, workdir: Path, *, source_layer: str = "", table: bool = False
) -> Unpacked:
    """Check the upload and return the dataset to read, or ImportRefused. `table`: the target is
    an attribute table, so a lone .dbf (in a zip with its .cpg, or alone) is a dataset too."""
    check_size(upload.stat().st_size)
    kind = check_name(original_name)
    check_content(upload, kind, original_name)
    workdir.mkdir(parents=True, exist_ok=True)
    if kind in ("gpkg", "geojson", "kml", "csv", "xlsx", "ods", "dbf"):
        target = workdir / f"data{Path(original_name).suffix.lower()}"
        if upload.resolve() != target.resolve():
            shutil.copyfile(upload, target)
        if kind == "dbf":
            return _dbf_dataset(target, workdir, table)
        return Unpacked(format=kind, path=target, workdir=workdir)
    with zipfile.ZipFile(upload) as archive:
        members = _check_archive(archive)
        unpacked = workdir / "unpacked"
        _extract(archive, members, unpacked)
    if kind == "kmz":
        kmls = sorted(p for p in unpacked.rglob("*") if p.suffix.lower() == ".kml")
        if not kmls:
            raise ImportRefused(_("The KMZ holds no .kml document."))
        doc = next((p for p in kmls if p.name.lower() == "doc.kml"), kmls[0])
        check_content(doc, "kml", doc.name)
        return Unpacked(format="kml", path=doc, workdir=workdir)
    return _dataset_in_folder(unpacked, workdir, source_layer, table)


def _dbf_dataset(path: Path, workdir: Path, table: bool) -> Unpacked:
    """A dBASE table without its shapefile: attributes only, for an attribute table."""
    if not table:
        raise ImportRefused(
            _(
                "A .dbf file holds attributes only. For a map layer upload the whole shapefile "
                "(.shp, .shx, .dbf, .prj) in one .zip; a .dbf alone goes into an attribute table."
            )
        )
    cpg = next((p for p in path.parent.iterdir() if p.stem == path.stem and p.suffix.lower() == ".cpg"), None)
    encoding = _read_cpg(cpg) if cpg else None
    encoding_source = "cpg" if encoding else ""
    if encoding is None:
        encoding = _dbf_encoding(path)
        encoding_source = "dbf" if encoding else ""
    return Unpacked(
        format="dbf", path=path, workdir=workdir, encoding=encoding, encoding_source=encoding_source
    )


def _dataset_in_folder(folder: Path, workdir: Path, source_layer: str, table: bool = False) -> Unpacked:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    datasets = [p for p in files if p.suffix.lower() in DATASET_EXTENSIONS]
    unknown = [
        p.name
        for p in files
        if p.suffix.lower() not in DATASET_EXTENSIONS
        and p.suffix.lower() not in SHAPEFILE_SIDECARS
        and p.suffix.lower() not in HARMLESS
    ]
    if unknown:
        raise ImportRefused(
            _("The archive holds files that are not geodata (%(names)s); upload only the data.")
            % {"names": ", ".join(unknown[:5])}
        )
    for document in (p for p in files if p.suffix.lower() == ".pdf"):
        # A PDF travelling with the data is never kept, but the rule for PDFs is the same everywhere.
        try:
            uploads.pdf_check(document.name, document.read_bytes())
        except UploadRefused as exc:
            raise ImportRefused(exc.message) from None
    dbfs = [p for p in files if p.suffix.lower() == ".dbf"]
    if not datasets and table and dbfs:
        chosen_dbf = next((p for p in dbfs if p.stem == source_layer), dbfs[0])
        check_content(chosen_dbf, "dbf", chosen_dbf.name)
        return _dbf_dataset(chosen_dbf, workdir, table)
    if not datasets:
        sidecars = [p.name for p in files if p.suffix.lower() in (".dbf", ".shx", ".prj")]
        if sidecars:
            raise ImportRefused(
                _("The archive has no .shp file (only %(names)s).") % {"names": ", ".join(sidecars[:5])}
            )
        raise ImportRefused(_("The archive holds no data file (.shp, .gpkg, .geojson, .kml or .csv)."))
    shapefiles = [p for p in datasets if p.suffix.lower() == ".shp"]
    others = [p for p in datasets if p.suffix.lower() != ".shp"]
    if shapefiles and others or len(others) > 1:
        raise ImportRefused(
            _("The archive holds several kinds of data (%(names)s); upload one data set at a time.")
            % {"names": ", ".join(p.name for p in datasets[:6])}
        )
    if others:
        kind = DATASET_EXTENSIONS[others[0].suffix.lower()]
        check_content(others[0], kind, others[0].name)
        return Unpacked(format=kind, path=others[0], workdir=workdir)
    names = [p.stem for p in shapefiles]
    chosen = next((p for p in shapefiles if p.stem == source_layer), shapefiles[0])
    check_content(chosen, "shapefile", chosen.name)
    siblings = {p.suffix.lower(): p for p in chosen.parent.iterdir() if p.stem == chosen.stem}
    missing = [ext for ext in (".shx", ".dbf") if ext not in siblings]
    if missing:
        raise ImportRefused(
            _(
                "The shapefile %(name)s is incomplete: %(missing)s missing. A shapefile needs its .shp, .shx and .dbf (and .prj)."
            )
            % {"name": chosen.name, "missing": ", ".join(chosen.stem + m for m in missing)}
        )
    dbf_head = _head(siblings[".dbf"], 1)
    if not dbf_head or dbf_head[0] not in DBF_VERSIONS:
        raise ImportRefused(
            _("%(name)s is not a dBASE table; the shapefile is damaged.") % {"name": siblings[".dbf"].name}
        )
    _dbf_check(siblings[".dbf"])
    if ".shx" in siblings and _head(siblings[".shx"], 4) != struct.pack(">i", 9994):
        raise ImportRefused(
            _("%(name)s is not a shapefile index; the shapefile is damaged.")
            % {"name": siblings[".shx"].name}
        )
    encoding, encoding_source = None, ""
    if ".cpg" in siblings:
        encoding = _read_cpg(siblings[".cpg"])
        encoding_source = "cpg" if encoding else ""
    if encoding is None:
        encoding = _dbf_encoding(siblings[".dbf"])
        encoding_source = "dbf" if encoding else ""
    return Unpacked(
        format="shapefile",
        path=chosen,
        workdir=workdir,
        choices=names,
        encoding=encoding,
        encoding_source=encoding_source,
        has_prj=".prj" in siblings,
    )


def _dbf_check(path: Path) -> None:
    """A .dbf whose header promises more records or fields than the file holds is cut short
    (an interrupted copy or download): refused here, before any reader trips over it."""
    data_size = path.stat().st_size
    head = _head(path, 32)
    damaged = _("%(name)s is truncated or damaged (it holds less than its header promises); the shapefile cannot be read. Copy it again from the source.")  # fmt: skip
    if len(head) < 32:
        raise ImportRefused(damaged % {"name": path.name})
    records, header_size, record_size = struct.unpack("<IHH", head[4:12])
    if header_size < 33 or record_size < 1 or data_size < header_size + records * record_size:
        raise ImportRefused(damaged % {"name": path.name})
    with open(path, "rb") as fh:
        fields = fh.read(header_size)
    if 0x0D not in fields[32:]:
        raise ImportRefused(damaged % {"name": path.name})


def cleanup(workdir: Path) -> None:
    shutil.rmtree(workdir, ignore_errors=True)


def stored_upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path

"""Reading a checked dataset with GDAL (pyogrio): shapefile, GeoPackage, GeoJSON, KML, CSV.

Text encodings: a shapefile's .cpg (or its .dbf header) decides; without one the person chooses,
and until they do the reader guesses (UTF-8 when every text decodes as UTF-8, else cp1251) and
says that it guessed. CSV files are UTF-8 unless the person chooses otherwise; their geometry
comes from lon/lat columns or a WKT column. Coordinates are reprojected to EPSG:4326 from the
file's CRS, or from the one the person states when the file has none.

A GeoPackage, KML/KMZ or spreadsheet (XLSX, ODS) is read one sublayer (table, folder, sheet) at a
time: the person's choice, else the first that fits the target layer (gis_layers.importers.sublayers).
A spreadsheet's sheet becomes points through lon/lat or WKT columns, like a CSV. An attribute
table (a layer without geometry) reads only the attributes: CSV, XLSX, ODS, a lone DBF, or a
GeoPackage's attribute table (any geometry in the file is left out, and the preview says so). Text is kept exactly as in
the file (no trimming; an empty text stays "" and is not NULL). Columns named like what the
engine reserves (id, fid, geometry...) are renamed (id -> source_id) and the preview says so.
"""

from __future__ import annotations

import struct
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pyproj
from django.utils.translation import gettext as _

from gis_layers.exceptions import ImportRefused
from gis_layers.importers.columns import LAT_NAMES, LON_NAMES, WKT_NAMES, points_from_columns
from gis_layers.importers.limits import crs_area_check, crs_area_problem, vertex_limits_check
from gis_layers.importers.safety import FORMAT_NAMES, Unpacked
from gis_layers.importers.sublayers import sublayer_default, sublayers_list
from gis_layers.schema import RESERVED_NAMES

ENCODINGS = {
    "utf-8": "UTF-8",
    "cp1251": "Windows-1251 (cp1251)",
    "cp866": "DOS 866 (cp866)",
    "koi8-u": "KOI8-U",
}
DRIVERS = {"shapefile": "ESRI Shapefile", "gpkg": "GPKG", "geojson": "GeoJSON", "kml": None, "csv": "CSV"}
SUBLAYERED = ("gpkg", "kml", "xlsx", "ods")
# Every cell as the text the sheet shows ("007" stays "007"; the layer's schema types it), the
# first row as the column names. GDAL's XLSX and ODS drivers take these as configuration options
# (process-wide; the portal reads spreadsheets only here).
SPREADSHEET_OPTIONS: dict = {}
pyogrio.set_gdal_config_options(
    {
        "OGR_XLSX_HEADERS": "FORCE",
        "OGR_XLSX_FIELD_TYPES": "STRING",
        "OGR_ODS_HEADERS": "FORCE",
        "OGR_ODS_FIELD_TYPES": "STRING",
    }
)


@dataclass
class ReadResult:
    frame: gpd.GeoDataFrame  # index: row numbers from 1, in file order; geometry in EPSG:4326
    columns: list[str]
    source_crs: str  # as found or stated, e.g. "EPSG:32636"
    crs_stated_by_user: bool
    encoding: str | None
    encoding_source: str  # "cpg", "dbf", "user", "guess", "utf-8 (format)"
    layers: list[str] = field(default_factory=list)  # layers/shapefiles of the source
    layer: str = ""
    sublayers: list[dict] = field(default_factory=list)  # name, geometry, count (GeoPackage, KML)
    renamed: dict[str, str] = field(default_factory=dict)  # reserved column name -> name read as
    format_name: str = ""
    notes: list[str] = field(default_factory=list)


def _crs_name(crs) -> str:
    if crs is None:
        return ""
    epsg = pyproj.CRS.from_user_input(crs).to_epsg()
    return f"EPSG:{epsg}" if epsg else pyproj.CRS.from_user_input(crs).name


def parse_crs(text: str) -> pyproj.CRS | None:
    text = (text or "").strip()
    if not text:
        return None
    if text.isdigit():
        text = f"EPSG:{text}"
    try:
        return pyproj.CRS.from_user_input(text)
    except pyproj.exceptions.CRSError:
        raise ImportRefused(
            _("“%(crs)s” is not a coordinate system we know; write an EPSG code such as EPSG:32636.")
            % {"crs": text}
        ) from None


def guess_encoding(dbf: Path, max_records: int = 5000) -> str:
    """UTF-8 if every text value of the .dbf decodes as UTF-8, else cp1251 (Ukrainian Windows).

    Reads the raw bytes of the character fields itself: GDAL would already recode them."""
    data = dbf.read_bytes()
    if len(data) < 32:
        return "utf-8"
    records, header_size, record_size = struct.unpack("<IHH", data[4:12])
    header_size = min(header_size, len(data))  # a cut file: read what is there, no further
    fields, offset, position = [], 1, 32
    while position + 32 <= header_size and data[position] != 0x0D:
        kind, size = chr(data[position + 11]), data[position + 16]
        if kind == "C":
            fields.append((offset, size))
        offset += size
        position += 32
    for n in range(min(records, max_records)):
        start = header_size + n * record_size
        record = data[start : start + record_size]
        for field_offset, size in fields:
            value = record[field_offset : field_offset + size].rstrip(b" \x00")
            try:
                value.decode("utf-8")
            except UnicodeDecodeError as exc:
                # A UTF-8 letter cut by a full field's end is still UTF-8.
                cut_at_the_end = exc.start >= len(value) - 3 and len(value) >= size - 3
                if not cut_at_the_end:
                    return "cp1251"
    return "utf-8"


def _csv_text_encoding(path: Path) -> str:
    raw = path.read_bytes()[: 4 * 1024 * 1024]
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start > len(raw) - 4:  # a character cut by the sample's end
            return "utf-8"
        return "cp1251"


def _csv_options(path: Path, encoding: str, *, geometry: bool = True) -> dict:
    header = path.read_bytes()[:8192].decode(encoding, "replace").lstrip("\ufeff").splitlines()
    first = header[0] if header else ""
    separator = ";" if first.count(";") > first.count(",") else ("\t" if "\t" in first else ",")
    names = [c.strip().strip('"').lower() for c in first.split(separator)]
    options = {"KEEP_GEOM_COLUMNS": "NO", "AUTODETECT_TYPE": "NO", "EMPTY_STRING_AS_NULL": "NO"}
    if separator == ";":
        options["SEPARATOR"] = "SEMICOLON"
    elif separator == "\t":
        options["SEPARATOR"] = "TAB"
    if not geometry:
        return options
    lon = next((n for n in LON_NAMES if n in names), None)
    lat = next((n for n in LAT_NAMES if n in names), None)
    wkt = next((n for n in WKT_NAMES if n in names), None)
    if lon and lat:
        options["X_POSSIBLE_NAMES"] = lon
        options["Y_POSSIBLE_NAMES"] = lat
    elif wkt:
        options["GEOM_POSSIBLE_NAMES"] = wkt
    else:
        raise ImportRefused(
            _(
                "The CSV has no coordinates: it needs lon and lat columns (also lng/longitude/x and latitude/y) "
                "or a WKT column (wkt/geometry). Columns found: %(names)s."
            )
            % {"names": ", ".join(names[:20])}
        )
    return options


def read_dataset(
    source: Unpacked,
    *,
    encoding: str = "",
    crs: str = "",
    layer: str = "",
    geometry_type: str = "",
    field_names: list[str] = (),
) -> ReadResult:
    """Read the whole dataset (of a GeoPackage or KML: the sublayer `layer`, else the first that
    fits `geometry_type`); ImportRefused if GDAL cannot, or the CRS is unknown."""
    notes: list[str] = []
    layers: list[str] = []
    sublayers: list = []
    open_options: dict = {}
    chosen_encoding, encoding_source = None, ""
    path = source.path
    read_layer: str | None = None
    table = geometry_type == "none"
    if source.format in ("shapefile", "dbf"):
        layers = source.choices
        if encoding:
            chosen_encoding, encoding_source = encoding, "user"
        elif source.encoding:
            chosen_encoding, encoding_source = source.encoding, source.encoding_source
        else:
            chosen_encoding, encoding_source = _guess(path), "guess"
        if source.format == "dbf" or table:
            layers = source.choices
    elif source.format == "csv":
        if encoding:
            chosen_encoding, encoding_source = encoding, "user"
        else:
            chosen_encoding = _csv_text_encoding(path)
            encoding_source = "guess" if chosen_encoding != "utf-8" else "utf-8"
        open_options = _csv_options(path, chosen_encoding, geometry=not table)
    else:
        chosen_encoding, encoding_source = None, "utf-8"
    if source.format in ("xlsx", "ods"):
        open_options = dict(SPREADSHEET_OPTIONS)
    if source.format in SUBLAYERED:
        try:
            sublayers = sublayers_list(path, open_options)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
            raise _unreadable(source, exc) from None
        layers = [s.name for s in sublayers]
        read_layer = (
            layer if layer in layers else (sublayer_default(sublayers, geometry_type, field_names) or None)
        )
    read_geometry = not table and source.format not in ("xlsx", "ods", "dbf")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "could not parse column as JSON"
            frame = pyogrio.read_dataframe(
                path,
                layer=read_layer,
                encoding=chosen_encoding,
                force_2d=True,
                on_invalid="ignore",
                read_geometry=read_geometry,
                **open_options,
            )
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, pyogrio.errors.FieldError) as exc:
        raise _unreadable(source, exc) from None
    except UnicodeDecodeError:
        raise ImportRefused(
            _("The text of the file is not in %(encoding)s; choose another encoding.")
            % {"encoding": ENCODINGS.get(chosen_encoding, chosen_encoding)}
        ) from None
    if table:
        return _table_result(source, frame, read_layer, layers, sublayers, chosen_encoding, encoding_source)
    if source.format in ("xlsx", "ods"):
        frame = points_from_columns(frame)
    if source.format == "dbf":
        raise ImportRefused(_("A .dbf file holds attributes only; it can go into an attribute table."))
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame.columns:
        raise ImportRefused(_("The file has no geometry column; nothing can be put on a map."))
    if source.format == "kml":
        frame = frame.drop(columns=[c for c in KML_NOISE if c in frame.columns])
    frame, renamed = _reserved_renamed(frame)
    vertex_limits_check(frame)  # before any reprojection, check or preview works on the shapes
    stated = parse_crs(crs)
    source_crs = frame.crs
    stated_used = False
    if source_crs is None:
        if source.format == "shapefile" and not source.has_prj and stated is None:
            raise ImportRefused(
                _(
                    "The shapefile has no .prj file, so its coordinate system is unknown. Add the .prj to the archive, "
                    "or state the coordinate system (e.g. EPSG:32636 or EPSG:4326)."
                )
            )
        if stated is not None:
            source_crs, stated_used = stated, True
        elif source.format in ("csv", "geojson", "kml", "xlsx", "ods"):
            source_crs = pyproj.CRS.from_epsg(4326)
            notes.append(_("No coordinate system in the file: longitude/latitude (EPSG:4326) assumed."))
        else:
            raise ImportRefused(
                _("The file does not say its coordinate system; state it (e.g. EPSG:32636 or EPSG:4326).")
            )
        frame = frame.set_crs(source_crs, allow_override=True)
    elif stated is not None and pyproj.CRS.from_user_input(source_crs) != stated:
        if crs_area_problem(frame, source_crs):
            # The file's own .prj cannot be right (UTM metres under WGS 84): the person's word wins.
            notes.append(
                _(
                    "The coordinates do not fit the file's own coordinate system (%(crs)s); the one you gave is used."
                )
                % {"crs": _crs_name(source_crs)}
            )
            frame = frame.set_crs(stated, allow_override=True)
            source_crs, stated_used = stated, True
        else:
            notes.append(
                _("The file states its coordinate system (%(crs)s); the one you gave is not used.")
                % {"crs": _crs_name(source_crs)}
            )
    crs_area_check(frame, frame.crs)
    if pyproj.CRS.from_user_input(frame.crs).to_epsg() != 4326:
        try:
            frame = frame.to_crs(4326)
        except (pyproj.exceptions.ProjError, ValueError) as exc:
            raise ImportRefused(
                _("The coordinates cannot be converted from %(crs)s: %(e)s")
                % {"crs": _crs_name(source_crs), "e": exc}
            ) from None
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    columns = [c for c in frame.columns if c != frame.geometry.name]
    return ReadResult(
        frame=frame,
        columns=columns,
        source_crs=_crs_name(source_crs),
        crs_stated_by_user=stated_used,
        encoding=chosen_encoding,
        encoding_source=encoding_source,
        layers=layers,
        layer=read_layer or (source.path.stem if source.format == "shapefile" else ""),
        sublayers=[s.as_dict() for s in sublayers],
        renamed=renamed,
        format_name=FORMAT_NAMES.get(source.format, source.format),
        notes=notes,
    )


def _table_result(source, frame, read_layer, layers, sublayers, encoding, encoding_source) -> ReadResult:
    """The rows of an attribute table: attributes only, geometry None, row numbers from 1."""
    notes = []
    frame = pd.DataFrame(frame)
    had_geometry = source.format in ("geojson", "shapefile") or any(
        s.geometry for s in sublayers if s.name == read_layer
    )
    if had_geometry:
        notes.append(_("The table keeps the attributes only; the geometries of the file are left out."))
    if source.format == "kml":
        frame = frame.drop(columns=[c for c in KML_NOISE if c in frame.columns])
    frame, renamed = _reserved_renamed(frame)
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    columns = [str(c) for c in frame.columns]
    geo = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([None] * len(frame), index=frame.index, crs=4326))
    return ReadResult(
        frame=geo,
        columns=columns,
        source_crs="",
        crs_stated_by_user=False,
        encoding=encoding,
        encoding_source=encoding_source,
        layers=layers,
        layer=read_layer or (source.path.stem if source.format in ("shapefile", "dbf") else ""),
        sublayers=[s.as_dict() for s in sublayers],
        renamed=renamed,
        format_name=FORMAT_NAMES.get(source.format, source.format),
        notes=notes,
    )


# What GDAL's KML drivers add to every placemark besides the data.
KML_NOISE = (
    "timestamp",
    "begin",
    "end",
    "altitudeMode",
    "tessellate",
    "extrude",
    "visibility",
    "drawOrder",
    "icon",
)


def _reserved_renamed(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Columns named like what the engine reserves (a GeoJSON's `id`) read under a free name:
    `source_<name>`, else `<name>_1`, `<name>_2`... — so a layer field can take them by name."""
    taken = {str(c).lower() for c in frame.columns}
    renamed = {}
    geometry_name = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    for column in frame.columns:
        if column == geometry_name or str(column).lower() not in RESERVED_NAMES:
            continue
        base = str(column).lower()
        candidates = [f"source_{base}", *(f"{base}_{n}" for n in range(1, 100))]
        new = next(c for c in candidates if c not in taken)
        taken.add(new)
        renamed[str(column)] = new
    return (frame.rename(columns=renamed) if renamed else frame), renamed


def _guess(path: Path) -> str:
    dbf = next((p for p in path.parent.iterdir() if p.stem == path.stem and p.suffix.lower() == ".dbf"), None)
    return guess_encoding(dbf) if dbf else "utf-8"


def _unreadable(source: Unpacked, exc: Exception) -> ImportRefused:
    reason = str(exc).split("\n")[0][:300]
    return ImportRefused(
        _("The %(format)s file cannot be read (%(reason)s). It is damaged or not what its name says.")
        % {"format": FORMAT_NAMES.get(source.format, source.format), "reason": reason}
    )

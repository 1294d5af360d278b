"""Files to import, written for each test (deterministic, small): shapefiles in zips (UTF-8 or
cp1251, with or without .cpg/.prj, in UTM 36N), GeoPackage, GeoJSON, KML, KMZ, CSV, and
deliberately bad files (zip bombs, ../ paths, renamed pictures)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
from shapely.geometry import Point, Polygon

CENTRE = (33.638, 49.0105)
NAMES = ["Укриття «Ліцей № 1»", "Підвал вул. Миру, 9", "Сховище ЗОШ № 4", "Паркінг ТРЦ", "Метро-2"]


def shelters_frame(n: int = 3) -> gpd.GeoDataFrame:
    rows = []
    for i in range(n):
        rows.append(
            {
                "name": NAMES[i % len(NAMES)] + ("" if i < len(NAMES) else f" {i}"),
                "kind": ["shelter", "basement", "shelter"][i % 3],
                "capacity": 50 + 10 * i,
                "geometry": Point(CENTRE[0] + 0.001 * i, CENTRE[1] + 0.0005 * i),
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)


def zones_frame() -> gpd.GeoDataFrame:
    x, y = CENTRE
    square = Polygon([(x, y), (x + 0.002, y), (x + 0.002, y + 0.002), (x, y + 0.002)])
    bowtie = Polygon([(x + 0.01, y), (x + 0.012, y + 0.002), (x + 0.012, y), (x + 0.01, y + 0.002)])
    return gpd.GeoDataFrame(
        [
            {"name": "Сквер", "kind": "shelter", "geometry": square},
            {"name": "Метелик", "kind": "shelter", "geometry": bowtie},
        ],
        geometry="geometry",
        crs=4326,
    )


def shapefile_zip(
    folder: Path,
    frame: gpd.GeoDataFrame,
    *,
    name: str = "shelters",
    encoding: str = "UTF-8",
    cpg: bool = True,
    prj: bool = True,
    drop: tuple[str, ...] = (),
    ldid: int | None = None,
) -> Path:
    work = folder / f"shp-{name}-{encoding}-{cpg}-{prj}-{'-'.join(drop)}"
    work.mkdir(parents=True, exist_ok=True)
    pyogrio.write_dataframe(frame, work / f"{name}.shp", driver="ESRI Shapefile", encoding=encoding)
    if not cpg:
        (work / f"{name}.cpg").unlink(missing_ok=True)
    if not prj:
        (work / f"{name}.prj").unlink(missing_ok=True)
    for ext in drop:
        (work / f"{name}{ext}").unlink()
    if ldid is not None:
        dbf = work / f"{name}.dbf"
        data = bytearray(dbf.read_bytes())
        data[29] = ldid
        dbf.write_bytes(bytes(data))
    target = folder / f"{work.name}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(work.iterdir()):
            archive.write(path, path.name)
    return target


def gpkg(folder: Path, frame: gpd.GeoDataFrame, name="shelters.gpkg", layer="shelters") -> Path:
    path = folder / name
    pyogrio.write_dataframe(frame, path, layer=layer, driver="GPKG")
    return path


def geojson(folder: Path, frame: gpd.GeoDataFrame, name="shelters.geojson") -> Path:
    path = folder / name
    path.write_text(frame.to_json(ensure_ascii=False), encoding="utf-8")
    return path


def kml(folder: Path, frame: gpd.GeoDataFrame, name="shelters.kml") -> Path:
    path = folder / name
    pyogrio.write_dataframe(frame, path, driver="KML")
    return path


def kmz(folder: Path, frame: gpd.GeoDataFrame) -> Path:
    doc = kml(folder, frame, "doc.kml")
    path = folder / "shelters.kmz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(doc, "doc.kml")
    return path


def csv_lonlat(
    folder: Path, frame: gpd.GeoDataFrame, *, encoding="utf-8", sep=",", name="shelters.csv"
) -> Path:
    lines = [sep.join(["name", "kind", "capacity", "lon", "lat"])]
    for row in frame.itertuples():
        lines.append(
            sep.join(
                [
                    f'"{row.name}"',
                    row.kind,
                    str(row.capacity),
                    f"{row.geometry.x:.7f}",
                    f"{row.geometry.y:.7f}",
                ]
            )
        )
    path = folder / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def csv_wkt(folder: Path, frame: gpd.GeoDataFrame, name="zones.csv") -> Path:
    lines = ["name;kind;wkt"]
    for row in frame.itertuples():
        lines.append(f'"{row.name}";{row.kind};"{row.geometry.wkt}"')
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def zip_of(folder: Path, name: str, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> Path:
    path = folder / name
    with zipfile.ZipFile(path, "w", compression) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path


def zip_bomb(folder: Path) -> Path:
    """50 MB of zeros packed into ~50 KB: a small zip bomb."""
    return zip_of(folder, "bomb.zip", {"shelters.shp": b"\x00" * (50 * 1024 * 1024)})


def escaping_zip(folder: Path, frame: gpd.GeoDataFrame) -> Path:
    good = shapefile_zip(folder, frame, name="inner")
    members = {}
    with zipfile.ZipFile(good) as archive:
        for info in archive.infolist():
            members["../../" + info.filename] = archive.read(info)
    return zip_of(folder, "escape.zip", members)


def renamed_png(folder: Path, name="shelters.geojson") -> Path:
    path = folder / name
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200)
    return path


def feature_collection(folder: Path, features: list[dict], name="data.geojson") -> Path:
    path = folder / name
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), encoding="utf-8"
    )
    return path

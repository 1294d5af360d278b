"""OpenStreetMap extracts (.osm.pbf / .osm) read with GDAL's OSM driver, filtered by tags, and
put into a GIS layer, the facility directory or the housing registry — upserting by OSM id, so a
later extract of the same area updates the same records in place.

The driver is configured by osmconf.ini next to this file: every tag of every object as JSON.
Tag filters are `key=value`, `key=*` (any value) or `key` (same), all of which must match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from django.utils.translation import gettext as _

from gis_layers.exceptions import ImportRefused
from gis_layers.importers.readers import ReadResult
from gis_layers.importers.safety import check_size

OSMCONF = Path(__file__).with_name("osmconf.ini")
LAYERS_FOR = {
    "point": ("points", "multipolygons"),  # a shop drawn as an area becomes its point
    "line": ("lines", "multilinestrings"),
    "polygon": ("multipolygons",),
}
OSM_ATTRIBUTION = "© OpenStreetMap contributors, ODbL"


@dataclass(frozen=True)
class TagFilter:
    key: str
    value: str | None  # None: any value

    @classmethod
    def parse(cls, text: str) -> TagFilter:
        key, sep, value = text.partition("=")
        key = key.strip()
        if not key or any(c in key for c in "'\"%\\"):
            raise ImportRefused(_("“%(f)s” is not a tag filter; write key=value or key=*.") % {"f": text})
        value = value.strip() if sep else "*"
        return cls(key, None if value in ("*", "") else value)

    def matches(self, tags: dict) -> bool:
        if self.key not in tags:
            return False
        return self.value is None or tags[self.key] == self.value


@dataclass
class OsmRows:
    frame: gpd.GeoDataFrame  # geometry (4326), osm_id ("node/1"), tags (dict)
    counts: dict[str, int] = field(default_factory=dict)


def read_osm(path: Path, filters: list[TagFilter], geometry: str) -> OsmRows:
    """Objects of the extract with all the filters' tags, as points, lines or polygons."""
    if not path.is_file():
        raise ImportRefused(_("%(path)s is not a file.") % {"path": path})
    check_size(path.stat().st_size)
    if path.suffix.lower() not in (".pbf", ".osm"):
        raise ImportRefused(_("An OpenStreetMap extract ends in .osm.pbf or .osm."))
    if not filters:
        raise ImportRefused(_("Give at least one tag filter, e.g. amenity=pharmacy or building=*."))
    pyogrio.set_gdal_config_options({"OSM_CONFIG_FILE": str(OSMCONF)})
    # A first cut by GDAL (the tag key occurs), the exact test on the parsed tags here.
    where = " AND ".join(f"all_tags LIKE '%\"{f.key}\"%'" for f in filters)
    frames, counts = [], {}
    for layer in LAYERS_FOR[geometry]:
        try:
            part = pyogrio.read_dataframe(path, layer=layer, where=where)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
            raise ImportRefused(
                _("The extract cannot be read (%(e)s); it is damaged or not OpenStreetMap data.")
                % {"e": str(exc)[:200]}
            ) from None
        if part.empty:
            counts[layer] = 0
            continue
        part = part[[all(f.matches(tags or {}) for f in filters) for tags in part["all_tags"]]]
        counts[layer] = len(part)
        if part.empty:
            continue
        if layer == "points":
            ids = "node/" + part["osm_id"].astype(str)
        elif layer == "multipolygons":
            way = part["osm_way_id"].astype("string")
            relation = part["osm_id"].astype("string")
            ids = pd.Series(
                [f"way/{w}" if pd.notna(w) else f"relation/{r}" for w, r in zip(way, relation, strict=True)],
                index=part.index,
            )
        elif layer == "lines":
            ids = "way/" + part["osm_id"].astype(str)
        else:
            ids = "relation/" + part["osm_id"].astype(str)
        geoms = part.geometry
        if geometry == "point" and layer == "multipolygons":
            geoms = gpd.GeoSeries(shapely.point_on_surface(geoms.values), index=part.index, crs=part.crs)
        frames.append(
            gpd.GeoDataFrame(
                {"osm_id": ids.values, "tags": part["all_tags"].values}, geometry=geoms.values, crs=4326
            )
        )
    if not frames:
        return OsmRows(
            frame=gpd.GeoDataFrame({"osm_id": [], "tags": []}, geometry=[], crs=4326), counts=counts
        )
    frame = pd.concat(frames, ignore_index=True)
    frame = frame.drop_duplicates("osm_id").reset_index(drop=True)
    return OsmRows(frame=gpd.GeoDataFrame(frame, geometry="geometry", crs=4326), counts=counts)


def rows_for_layer(rows: OsmRows, mapping: dict[str, str], path: Path) -> tuple[ReadResult, list[str]]:
    """The tags named by `mapping` (field -> tag) as columns, ready for the import checks."""
    frame = rows.frame
    data = {
        tag: [tags.get(tag) if tags else None for tags in frame["tags"]]
        for tag in set(mapping.values())
        if tag
    }
    table = gpd.GeoDataFrame(data, geometry=frame.geometry.values, crs=4326)
    table.index = pd.RangeIndex(1, len(table) + 1)
    read = ReadResult(
        frame=table,
        columns=[c for c in table.columns if c != "geometry"],
        source_crs="EPSG:4326",
        crs_stated_by_user=False,
        encoding="utf-8",
        encoding_source="utf-8",
        layer=", ".join(k for k, v in rows.counts.items() if v),
        format_name="OpenStreetMap",
    )
    return read, [f"osm:{i}" for i in frame["osm_id"]]

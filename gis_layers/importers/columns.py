"""Coordinates in the columns of a table: the names a CSV or a spreadsheet's sheet may give its
longitude/latitude or WKT columns, and the points (or shapes) made from them for a sheet."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from django.utils.translation import gettext as _

from gis_layers.exceptions import ImportRefused

LON_NAMES = ["lon", "lng", "long", "longitude", "x", "довгота"]
LAT_NAMES = ["lat", "latitude", "y", "широта"]
WKT_NAMES = ["wkt", "geometry", "geom", "the_geom", "wkt_geom", "геометрія"]


def _column(frame: pd.DataFrame, names: list[str]) -> str | None:
    by_lower = {str(c).strip().lower(): c for c in frame.columns}
    return next((by_lower[n] for n in names if n in by_lower), None)


def points_from_columns(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """A sheet's rows as features: points from lon/lat columns (decimal comma allowed) or shapes
    from a WKT column; a row whose cells are not coordinates gets no geometry (a row error)."""
    lon, lat = _column(frame, LON_NAMES), _column(frame, LAT_NAMES)
    wkt = _column(frame, WKT_NAMES)
    if lon is not None and lat is not None:

        def number(series):
            return pd.to_numeric(
                series.astype("string").str.strip().str.replace(",", ".", regex=False), errors="coerce"
            )

        xs, ys = number(frame[lon]), number(frame[lat])
        geometry = gpd.points_from_xy(xs, ys)
        geometry = [g if ok else None for g, ok in zip(geometry, (xs.notna() & ys.notna()), strict=True)]
        data = frame.drop(columns=[lon, lat])
    elif wkt is not None:
        geometry = gpd.GeoSeries.from_wkt(
            frame[wkt].where(frame[wkt].astype("string").str.strip() != ""), on_invalid="ignore"
        )
        data = frame.drop(columns=[wkt])
    else:
        raise ImportRefused(
            _(
                "The sheet has no coordinates: it needs lon and lat columns (also lng/longitude/x and latitude/y) "
                "or a WKT column (wkt/geometry) — or import it into an attribute table. Columns found: %(names)s."
            )
            % {"names": ", ".join(str(c) for c in list(frame.columns)[:20])}
        )
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(list(geometry), index=frame.index), crs=None)

"""The staff map of buildings (/registry/map/): vector tiles coloured by a sheet attribute, and
the summary beside them (legend with counts, how many, where, the first of them by address).

Both start from the queryset of the registry's list (selectors.buildings_filtered) with one
annotation, `cls`, the building's colour class: the tiles carry it, the legend counts it, so
the two can never disagree. The tiles are served only by the registry's own door
(views/staff_map.py, behind the registry's permission): they carry the technical state,
management form, heat supplier or age of every building, which the public building tiles
(housing_registry/tiles.py) do not.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from django.contrib.gis.db.models import Extent
from django.db.models import Case, CharField, Count, F, Func, QuerySet, TextField, Value, When
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from citizen_requests.models import Service
from core.db_router import read_connection
from gis_layers.tiles import TileLayer, mvt_sql
from housing_registry.models import Building
from housing_registry.selectors import UNKNOWN_CHOICE, BuildingFilters, buildings_filtered

TILE_LAYER = "registry-buildings"  # the layer's name inside each tile
LIST_SIZE = 500  # buildings listed beside the map (by address); the map draws all of them

GREY = "#9ca3af"
STATE_COLOURS = {
    "good": "#1a9850",
    "satisfactory": "#a6d96a",
    "unsatisfactory": "#fdae61",
    "emergency": "#d73027",
}
FORM_COLOURS = {"condominium": "#1f77b4", "managing_company": "#ff7f0e", "council": "#2ca02c"}
CATEGORICAL = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"]
NO_SUPPLIER = "none"  # individual heating: no heat supplier, and rightly so
YEAR_BINS = [
    ("before_1970", gettext_lazy("before 1970"), None, 1969, "#542788"),
    ("1970s", gettext_lazy("1970–1979"), 1970, 1979, "#8073ac"),
    ("1980s", gettext_lazy("1980–1989"), 1980, 1989, "#b2abd2"),
    ("1990s", gettext_lazy("1990–1999"), 1990, 1999, "#fdb863"),
    ("2000_on", gettext_lazy("2000 and later"), 2000, None, "#e66101"),
]
COLOUR_ATTRIBUTES = {
    "technical_state": gettext_lazy("technical state"),
    "management_form": gettext_lazy("management form"),
    "heating_provider": gettext_lazy("heat supplier"),
    "year_built": gettext_lazy("year built"),
}
DEFAULT_ATTRIBUTE = "technical_state"


@dataclass
class LegendClass:
    key: str
    label: str
    colour: str
    count: int = 0


@dataclass
class MapSummary:
    attribute: str
    title: str
    legend: list[LegendClass]
    count: int
    bounds: tuple[float, float, float, float] | None  # west, south, east, north
    buildings: list[dict] = field(default_factory=list)  # id, address, cls: the first by address


def _class_expression(attribute: str):
    """SQL (a Django expression) of a building's colour class for `attribute`."""
    unknown = Value(UNKNOWN_CHOICE)
    if attribute in ("technical_state", "management_form"):
        return Coalesce(NullIf(F(attribute), Value("")), unknown, output_field=CharField())
    if attribute == "heating_provider":
        return Case(
            When(heating_provider_id__isnull=False, then=Cast("heating_provider_id", CharField())),
            When(heating_type=Building.HeatingType.INDIVIDUAL, then=Value(NO_SUPPLIER)),
            default=unknown,
            output_field=CharField(),
        )
    bins = [When(year_built__lte=hi, then=Value(key)) for key, _l, _lo, hi, _c in YEAR_BINS if hi is not None]
    last_key, _label, last_from, _hi, _colour = YEAR_BINS[-1]
    bins.append(When(year_built__gte=last_from, then=Value(last_key)))
    return Case(*bins, default=unknown, output_field=CharField())


def map_buildings(filters: BuildingFilters | None, attribute: str) -> QuerySet[Building]:
    """The buildings the map shows, each with its colour class `cls` (unordered)."""
    if attribute not in COLOUR_ATTRIBUTES:
        attribute = DEFAULT_ATTRIBUTE
    return buildings_filtered(filters).annotate(cls=_class_expression(attribute)).order_by()


def _legend(attribute: str, counts: dict[str, int]) -> list[LegendClass]:
    if attribute == "technical_state":
        legend = [LegendClass(k, str(v), STATE_COLOURS[k]) for k, v in Building.TechnicalState.choices]
    elif attribute == "management_form":
        legend = [LegendClass(k, str(v), FORM_COLOURS[k]) for k, v in Building.ManagementForm.choices]
    elif attribute == "heating_provider":
        ids = [int(k) for k in counts if k.isdigit()]
        providers = Service.objects.filter(pk__in=ids).order_by("name_uk")
        legend = [
            LegendClass(str(p.pk), p.name, CATEGORICAL[i % len(CATEGORICAL)]) for i, p in enumerate(providers)
        ]
        legend.append(LegendClass(NO_SUPPLIER, _("no heat supplier (individual heating)"), "#f4e04d"))
    else:
        legend = [LegendClass(k, str(label), colour) for k, label, _lo, _hi, colour in YEAR_BINS]
    legend.append(LegendClass(UNKNOWN_CHOICE, _("unknown"), GREY))
    for item in legend:
        item.count = counts.get(item.key, 0)
    return legend


def map_summary(filters: BuildingFilters | None, attribute: str) -> MapSummary:
    """What the page shows beside the tiles: the legend with counts (they add up to the
    buildings found), the extent to fit the map to, and the first LIST_SIZE by address."""
    if attribute not in COLOUR_ATTRIBUTES:
        attribute = DEFAULT_ATTRIBUTE
    buildings = map_buildings(filters, attribute)
    counts = dict(buildings.values_list("cls").annotate(n=Count("pk")).values_list("cls", "n"))
    total = sum(counts.values())
    extent = buildings.aggregate(extent=Extent("footprint"))["extent"] if total else None
    listed = list(buildings.order_by("address", "pk").values("id", "address", "cls")[:LIST_SIZE])
    return MapSummary(
        attribute=attribute,
        title=str(COLOUR_ATTRIBUTES[attribute]),
        legend=_legend(attribute, counts),
        count=total,
        bounds=tuple(extent) if extent else None,
        buildings=listed,
    )


# -- the tiles ------------------------------------------------------------------------------------

_layers: OrderedDict[tuple, TileLayer] = OrderedDict()  # the last few filters asked for
_layers_lock = threading.Lock()
_LAYERS_KEPT = 256


class _AsStored(Func):
    """A geometry column selected as it is stored: GeoDjango selects a geometry cast to bytea,
    which would hide it from the spatial index the tile's WHERE uses."""

    template = "%(expressions)s"
    output_field = TextField()


def tile_sql(filters: BuildingFilters | None, attribute: str) -> str:
    """One tile's statement (parameters %(z)s, %(x)s, %(y)s) for these filters: the filtered
    queryset, its values bound by the driver, as the rows of gis_layers.tiles.mvt_sql."""
    queryset = map_buildings(filters, attribute).values("id", "address", "cls", geom=_AsStored("footprint"))
    sql, params = queryset.query.sql_with_params()
    with read_connection().cursor() as cursor:
        bound = cursor.mogrify(sql, params)
    rows = (bound.decode() if isinstance(bound, bytes) else bound).replace("%", "%%")
    return mvt_sql(TILE_LAYER, geometry="bl.geom", columns="bl.id, bl.address, bl.cls", tables=f"({rows}) bl")


def staff_tile_layer(filters: BuildingFilters | None, attribute: str) -> TileLayer:
    """The tile layer of the staff map for these filters. Its name carries a digest of the
    statement, so every filter has its own ETags and cached tiles; its source is the
    buildings' data version, so an edited sheet is never hidden by a cached tile."""
    filters = filters or BuildingFilters()
    key = (attribute, *vars(filters).values())
    layer = _layers.get(key)
    if layer is None:
        sql = tile_sql(filters, attribute)
        digest = hashlib.sha256(sql.encode()).hexdigest()[:16]
        layer = TileLayer(name=f"registry-map-{digest}", source="buildings", sql=sql, title=TILE_LAYER)
        with _layers_lock:
            _layers[key] = layer
            while len(_layers) > _LAYERS_KEPT:
                _layers.popitem(last=False)
    return layer

"""Read queries of coverage analysis, shared by the pages, the API and the exports."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy, ngettext_lazy
from django.utils.translation import gettext as _

from city.models import District
from core.db_router import read_connection
from coverage.models import (
    BuildingCoverage,
    CoverageRun,
    CoverageSummary,
    NetworkBuild,
    ServiceType,
)
from coverage.summaries import distance_class_sql, population_sql
from facilities.models import Facility
from facilities.selectors import facilities_public
from gis_layers.geojson import features_sql, fetch_one

# Colours of the distance classes: green (close) to red (far), grey for unreachable, light
# grey for not connected. Chosen to stay apart for the common colour-vision deficiencies.
CLASS_COLOURS = ["#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027", "#6b7280", "#c4c4c4"]

WARNINGS = {
    "network_empty": gettext_lazy("The city has no streets yet, so no walking distance can be computed."),
    "network_parts": gettext_lazy(
        "The street network has %(parts)s unconnected parts: the largest has %(largest)s street segments, "
        "the others %(others)s together. Homes on a part without a facility are listed as unreachable."
    ),
    "buildings_unconnected": ngettext_lazy(
        "%(count)s building has no street within reach without crossing water or the railway; "
        "it is listed as not connected, not given a distance.",
        "%(count)s buildings have no street within reach without crossing water or the railway; "
        "they are listed as not connected, not given a distance.",
        "count",
    ),
    "facilities_unconnected": ngettext_lazy(
        "%(count)s facility has no street within reach and is left out of walking distances: %(names)s.",
        "%(count)s facilities have no street within reach and are left out of walking distances: %(names)s.",
        "count",
    ),
    "type_no_facilities": gettext_lazy(
        "“%(type)s” has no facilities, so there is nothing to measure distances to."
    ),
    "type_unreachable": ngettext_lazy(
        "%(count)s building cannot reach any facility of “%(type)s” along the streets.",
        "%(count)s buildings cannot reach any facility of “%(type)s” along the streets.",
        "count",
    ),
}


def is_english() -> bool:
    return (get_language() or "uk").startswith("en")


def warning_texts(warnings: list[dict]) -> list[str]:
    """The run's warnings as sentences in the current language."""
    names = dict(ServiceType.objects.values_list("slug", "name_uk"))
    if is_english():
        names.update({s: n for s, n in ServiceType.objects.values_list("slug", "name_en") if n})
    texts = []
    for warning in warnings:
        template = WARNINGS.get(warning.get("code"))
        if template is None:
            continue
        params = dict(warning)
        if "type" in params:
            params["type"] = names.get(params["type"], params["type"])
        if "names" in params:
            params["names"] = "; ".join(params["names"])
        texts.append(str(template % params))
    return texts


def distance_label(metres: float | None) -> str:
    if metres is None:
        return "—"
    if metres >= 1000:
        return _("%(km)s km") % {"km": number_format(round(metres / 1000, 1), 1)}
    return _("%(m)s m") % {"m": number_format(round(metres), 0)}


@dataclass
class LegendRow:
    cls: int
    colour: str
    label: str
    buildings: int = 0
    population: float = 0.0


def legend(service_type: ServiceType, summary: CoverageSummary | None = None) -> list[LegendRow]:
    """The distance classes of a service type, with their buildings and residents if known."""
    b = service_type.class_bounds()
    labels = [
        _("up to %(d)s") % {"d": distance_label(b[0])},
        f"{distance_label(b[0])} – {distance_label(b[1])}",
        f"{distance_label(b[1])} – {distance_label(b[2])}",
        f"{distance_label(b[2])} – {distance_label(b[3])}",
        _("over %(d)s") % {"d": distance_label(b[3])},
        _("no facility reachable"),
        _("not connected to the streets"),
    ]
    counts = {row["cls"]: row for row in (summary.classes if summary else [])}
    rows = []
    for cls, label in enumerate(labels):
        row = counts.get(cls, {})
        rows.append(
            LegendRow(cls, CLASS_COLOURS[cls], label, row.get("buildings", 0), row.get("population", 0.0))
        )
    return rows


def service_types_for(user=None, *, public_only: bool = True) -> QuerySet[ServiceType]:
    queryset = ServiceType.objects.all() if not public_only else ServiceType.objects.filter(is_public=True)
    return queryset.order_by("order", "slug")


def facility_count(service_type: ServiceType) -> int:
    return Facility.objects.filter(category__in=service_type.categories.all()).count()


def facilities_of_type_public(service_type: ServiceType) -> QuerySet[Facility]:
    """Public facilities of the type's categories (what the public page may draw)."""
    return facilities_public().filter(category__in=service_type.categories.all())


def city_summary(service_type: ServiceType) -> CoverageSummary | None:
    return CoverageSummary.objects.filter(service_type=service_type, district__isnull=True).first()


@dataclass
class DistrictRow:
    district: District
    summary: CoverageSummary


def district_summaries(service_type: ServiceType) -> list[DistrictRow]:
    summaries = {
        s.district_id: s
        for s in CoverageSummary.objects.filter(service_type=service_type, district__isnull=False)
    }
    return [
        DistrictRow(d, summaries[d.pk]) for d in District.objects.order_by("name_uk") if d.pk in summaries
    ]


def hexagons_geojson(service_type: ServiceType) -> str:
    """The public hexagons of a service type as a GeoJSON FeatureCollection, built by PostGIS
    in one statement (figures per cell only, never a single home)."""
    cells = (
        """select h.id, c.geometry, h.buildings, h.population, h.population_within, h.share_within,
                  h.median_m, h.distance_class
             from coverage_coveragehexagon h join coverage_hexcell c on c.id = h.cell_id
            where h.service_type_id = %s order by h.cell_id""",
        (service_type.pk,),
    )
    keys = ("buildings", "population", "population_within", "share_within", "median_m", "distance_class")
    (features,) = fetch_one(
        *features_sql(cells, geometry="geometry", properties={key: f"p.{key}" for key in keys}, precision=6)
    )
    return '{"type":"FeatureCollection","features":' + features + "}"


def last_run() -> CoverageRun | None:
    return CoverageRun.objects.order_by("-created_at", "-pk").first()


def last_finished_run() -> CoverageRun | None:
    return CoverageRun.objects.filter(status=CoverageRun.Status.DONE).order_by("-finished_at", "-pk").first()


def active_run() -> CoverageRun | None:
    return (
        CoverageRun.objects.filter(status__in=[CoverageRun.Status.QUEUED, CoverageRun.Status.RUNNING])
        .order_by("created_at")
        .first()
    )


def last_full_run_with_warnings() -> CoverageRun | None:
    return (
        CoverageRun.objects.filter(status=CoverageRun.Status.DONE)
        .exclude(kind=CoverageRun.Kind.FACILITIES)
        .order_by("-finished_at", "-pk")
        .first()
    )


def network_build() -> NetworkBuild | None:
    return NetworkBuild.objects.order_by("-pk").first()


# -- per building (staff) -------------------------------------------------------------------------

BUILDING_COLUMNS = [
    "building_id", "address", "district", "population", "population_known", "status",
    "facility_id", "facility", "network_m", "minutes", "straight_facility", "straight_m", "within_threshold",
]  # fmt: skip


def building_rows(service_type: ServiceType, *, order: str = "address", limit: int | None = None,
                  where: str = "true", with_geometry: bool = False) -> list[dict]:  # fmt: skip
    """Per-building results of one type as dicts (staff only: addresses and resident figures)."""
    name = "name_en" if is_english() else "name_uk"
    orders = {
        "address": "b.address",
        "distance": "r.status = 'ok', r.network_m desc nulls first, b.address",
    }
    geometry = (
        ", st_asgeojson(b.footprint, 6) geometry, st_x(a.point) lon, st_y(a.point) lat"
        if with_geometry
        else ""
    )
    sql = f"""
        select r.building_id, b.address, coalesce(nullif(d.{name}, ''), d.name_uk) district,
               {population_sql()} population, ({population_sql()}) is not null population_known,
               r.status, r.facility_id, coalesce(nullif(f.{name}, ''), f.name_uk) facility,
               r.network_m, r.minutes, coalesce(nullif(sf.{name}, ''), sf.name_uk) straight_facility,
               r.straight_m, r.status = 'ok' and r.network_m <= %(threshold)s within_threshold {geometry}
          from coverage_buildingcoverage r
          join housing_registry_building b on b.id = r.building_id
          left join coverage_buildingaccess a on a.building_id = b.id
          left join coverage_residentcount rc on rc.building_id = b.id
          left join city_district d on d.id = b.district_id
          left join facilities_facility f on f.id = r.facility_id
          left join facilities_facility sf on sf.id = r.straight_facility_id
         where r.service_type_id = %(type)s and ({where})
         order by {orders[order]}
         {"limit %(limit)s" if limit else ""}
    """
    with read_connection().cursor() as cursor:
        cursor.execute(sql, {"type": service_type.pk, "threshold": service_type.threshold_m, "limit": limit})
        columns = [c.name for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def most_distant(service_type: ServiceType, limit: int = 10) -> list[dict]:
    return building_rows(service_type, order="distance", limit=limit, where="r.status = 'ok'")


def buildings_without_distance(service_type: ServiceType, *, limit: int | None = None) -> list[dict]:
    """Buildings not connected to the streets or reaching no facility: listed, never dropped (the
    first `limit` by address on the staff page; every one in the exports)."""
    return building_rows(service_type, where="r.status <> 'ok'", limit=limit)


def buildings_geojson(service_type: ServiceType, *, limit: int, offset: int) -> tuple[int, str]:
    """(How many homes have results, the JSON array of one page of them as GeoJSON features,
    by building id): the per-home layer analysts open in QGIS, a page at a time. The map of
    homes reads vector tiles instead (coverage/tiles.py).

    Built by PostGIS in one statement per page.
    """
    name = "name_en" if is_english() else "name_uk"
    rows = f"""
        select r.building_id as id, b.footprint, b.address,
               round(st_x(a.point)::numeric, 6) as lon, round(st_y(a.point)::numeric, 6) as lat,
               round(({population_sql()})::numeric, 1) as population,
               r.status, r.facility_id, coalesce(nullif(f.{name}, ''), f.name_uk) as facility,
               round(r.network_m::numeric, 1) as network_m, round(r.minutes::numeric, 1) as minutes,
               round(r.straight_m::numeric, 1) as straight_m,
               r.status = 'ok' and r.network_m <= %(threshold)s as within_threshold,
               {distance_class_sql(service_type)} as distance_class
          from coverage_buildingcoverage r
          join housing_registry_building b on b.id = r.building_id
          left join coverage_buildingaccess a on a.building_id = b.id
          left join coverage_residentcount rc on rc.building_id = b.id
          left join facilities_facility f on f.id = r.facility_id
         where r.service_type_id = %(type)s
         order by r.building_id
         limit %(limit)s offset %(offset)s
    """
    params = {
        "type": service_type.pk,
        "threshold": service_type.threshold_m,
        "limit": limit,
        "offset": offset,
    }
    keys = ("address", "lon", "lat", "population", "status", "facility_id", "facility", "network_m", "minutes",
            "straight_m", "within_threshold", "distance_class")  # fmt: skip
    properties = {"building_id": "p.id"} | {key: f"p.{key}" for key in keys}
    (features,) = fetch_one(
        *features_sql((rows, params), geometry="footprint", properties=properties, precision=6)
    )
    return homes_count(service_type), features


def homes_count(service_type: ServiceType) -> int:
    return BuildingCoverage.objects.filter(service_type=service_type).count()


def results_count(service_type: ServiceType) -> dict[str, int]:
    return dict(
        BuildingCoverage.objects.filter(service_type=service_type)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )


def household_size() -> float:
    return float(settings.MISTO_COVERAGE_HOUSEHOLD_SIZE)

"""The leak matrix as data: who looks (VIEWERS), and every door to an object (DOORS) — the
interface, how to fetch the object through it, and what each viewer must get there.

A new interface is one row of DOORS. Expectations (Kind):
- FULL: the viewer may read everything: 200, the object is there with its personal data.
- SEEN: 200 and the object is there (its personal data may or may not be shown).
- PUBLIC: 200, the object is there, none of its personal data.
- ABSENT: the answer (200, or a refusal) never mentions the object nor its personal data.
- NOT_FOUND: 404, byte for byte the answer for an object that never existed.
- DENIED: refused (302 to log in, 403 or 404), nothing of the object in the body.
- QUIET: whatever the status (never a 500), nothing personal in the body: for views whose
  access other tests settle, where this matrix only cares that nothing leaks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum

from tests.privacy import world as w


class Kind(Enum):
    FULL = "full"
    SEEN = "seen"
    PUBLIC = "public"
    ABSENT = "absent"
    NOT_FOUND = "not_found"
    DENIED = "denied"
    QUIET = "quiet"


@dataclass(frozen=True)
class Viewer:
    key: str
    username: str | None = None
    personal: bool = False  # the applicant, the responsible service, the front office
    staff: bool = False
    registry: bool = False  # housing registry staff
    importer: bool = False  # imports into GIS layers
    dashboard: bool = False
    request_admin: bool = False  # reaches the requests in the Django admin
    api_key: bool = False  # an Open311 app: its key on every request, no session
    analyst: bool = False  # coverage.analyse_coverage: per-home coverage results


VIEWERS = [
    Viewer("anonymous"),
    Viewer("applicant", "resident", personal=True),
    Viewer("other_resident", "mx_neighbour"),
    Viewer(
        "other_service_head", "mx_otherhead", staff=True, dashboard=True, request_admin=True, analyst=True
    ),
    Viewer("other_service_executor", "mx_otherexec", staff=True, request_admin=True),
    Viewer("registrar", "registrar", personal=True, staff=True, dashboard=True, request_admin=True),
    Viewer("head", "head", personal=True, staff=True, dashboard=True, request_admin=True, analyst=True),
    Viewer("executor", "executor", personal=True, staff=True, request_admin=True),
    Viewer("approver", "approver", personal=True, staff=True, request_admin=True),
    Viewer("leader", "leader", staff=True, dashboard=True),
    Viewer("dispatcher", "dispatcher", staff=True, registry=True),
    Viewer("layer_editor", "editor", staff=True),
    Viewer("gisadmin", "gisadmin", staff=True, registry=True, importer=True, analyst=True),
    Viewer(
        "superuser",
        "admin",
        personal=True,
        staff=True,
        registry=True,
        importer=True,
        dashboard=True,
        request_admin=True,
        analyst=True,
    ),  # fmt: skip
    Viewer("open311_app", api_key=True),
]

Policy = Callable[[Viewer], Kind]


def _if(flag: str, yes: Kind, no: Kind) -> Policy:
    return lambda v: yes if getattr(v, flag) else no


def _all(kind: Kind) -> Policy:
    return lambda v: kind


@dataclass(frozen=True)
class Door:
    key: str
    obj: str  # which object of the world it opens onto
    interface: str
    url: Callable[[w.World], str]
    policy: Policy
    marker: Callable[[w.World], str | None]  # how to recognise the object in a body
    # (what names the object in the path, what names one that never existed): NOT_FOUND must
    # answer exactly as for the latter (an echo of the asked name aside).
    swap: Callable[[w.World], tuple[str, str]] | None = None
    secrets: tuple[str, ...] = w.PERSONAL  # what must not be shown to who may not read it
    full_needs: tuple[str, ...] = (w.SURNAME, w.PHONE_FORMS[1])  # what FULL must show


def conf(wd):
    return wd.confidential.number  # noqa: E704


def pub(wd):
    return wd.public.number  # noqa: E704


def addr(wd):
    return wd.building.address  # noqa: E704


def feat(_wd):
    return w.FEATURE_NAME  # noqa: E704


def nothing(_wd):
    return None  # noqa: E704


def CONF_SWAP(wd):  # noqa: N802  (a constant-like policy piece)
    return wd.confidential.number, wd.missing_number


def LAYER_SWAP(_wd):  # noqa: N802
    return w.LAYER_SLUG, "no-such-layer-here"


def bbox(wd, d=0.01) -> str:
    p = wd.confidential.location
    return f"{p.x - d},{p.y - d},{p.x + d},{p.y + d}"


def tile(wd, z=16) -> str:
    import math

    p = wd.building.footprint.centroid
    n = 2**z
    x = int((p.x + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(p.y))) / math.pi) / 2 * n)
    return f"{z}/{x}/{y}"


CONF_SECRETS = w.CONF_PERSONAL
PERSONAL_SEES = _if("personal", Kind.FULL, Kind.NOT_FOUND)
PERSONAL_LISTS = _if("personal", Kind.SEEN, Kind.ABSENT)
REGISTRY = _if("registry", Kind.FULL, Kind.DENIED)
STAFF_LAYER = _if("staff", Kind.SEEN, Kind.NOT_FOUND)
STAFF_LISTS = _if("staff", Kind.SEEN, Kind.ABSENT)


def admin_full(v: Viewer) -> Kind:
    return Kind.FULL if v.personal and v.request_admin else Kind.QUIET


def admin_conf(v: Viewer) -> Kind:
    return Kind.FULL if v.personal and v.request_admin else Kind.ABSENT


def admin_listed(v: Viewer) -> Kind:
    return Kind.SEEN if v.personal and v.request_admin else Kind.ABSENT


def admin_pub_listed(v: Viewer) -> Kind:
    return Kind.SEEN if v.personal and v.request_admin else Kind.QUIET


def queue(v: Viewer) -> Kind:
    return Kind.SEEN if v.personal and v.staff else Kind.ABSENT


def dashboard(v: Viewer) -> Kind:
    return Kind.QUIET if v.dashboard else Kind.DENIED


def importer(v: Viewer) -> Kind:
    return Kind.SEEN if v.importer else Kind.DENIED


S = w.SHEET
L = w.LAYER
C = CONF_SECRETS
DOORS = [
    # -- the confidential request ----------------------------------------------------------------
    Door(
        "page",
        "confidential request",
        "html",
        lambda d: f"/requests/{conf(d)}/",
        PERSONAL_SEES,
        conf,
        CONF_SWAP,
        C,
    ),
    Door(
        "list?q=number",
        "confidential request",
        "html",
        lambda d: f"/requests/?q={conf(d)}",
        PERSONAL_LISTS,
        lambda d: f"/requests/{conf(d)}/",
        secrets=C,
    ),
    Door(
        "list?q=words",
        "confidential request",
        "html",
        lambda d: f"/requests/?q={w.SECRET_WORD[:7]}",
        PERSONAL_LISTS,
        lambda d: f"/requests/{conf(d)}/",
        secrets=C,
    ),
    Door(
        "list",
        "confidential request",
        "html",
        lambda d: "/requests/?category=entrance",
        PERSONAL_LISTS,
        lambda d: f"/requests/{conf(d)}/",
        secrets=C,
    ),
    Door(
        "home page",
        "confidential request",
        "html",
        lambda d: "/",
        _all(Kind.ABSENT),
        lambda d: f"/requests/{conf(d)}/",
        secrets=C,
    ),
    Door(
        "personal account",
        "confidential request",
        "html",
        lambda d: "/requests/mine/",
        _if("username", Kind.QUIET, Kind.DENIED),
        nothing,
        secrets=(),
    ),
    Door(
        "staff queue by service",
        "confidential request",
        "html",
        lambda d: f"/requests/staff/service/{d.confidential.service_id}/?q={conf(d)}",
        queue,
        lambda d: f"/requests/{conf(d)}/",
        secrets=C,
    ),
    Door(
        "staff queue new",
        "confidential request",
        "html",
        lambda d: f"/requests/staff/new/?q={conf(d)}",
        # routed with its area's default process owner, it is in that owner's hands: "new" for
        # nobody (its head finds it in the service's queue, the door above); the front office's
        # "new" is triage
        lambda v: Kind.QUIET if v.personal else Kind.ABSENT,
        lambda d: f"/requests/{conf(d)}/",
        secrets=C,
    ),
    Door(
        "admin changelist",
        "confidential request",
        "admin",
        lambda d: f"/admin/citizen_requests/request/?q={conf(d)}",
        admin_listed,
        lambda d: f"/request/{d.confidential.pk}/change/",
        secrets=C,
    ),
    Door(
        "admin change",
        "confidential request",
        "admin",
        lambda d: f"/admin/citizen_requests/request/{d.confidential.pk}/change/",
        admin_conf,
        conf,
        secrets=C,
    ),
    Door(
        "api list",
        "confidential request",
        "api",
        lambda d: "/api/v1/requests/?category=entrance",
        PERSONAL_LISTS,
        conf,
        secrets=C,
    ),
    Door(
        "api bbox",
        "confidential request",
        "api",
        lambda d: f"/api/v1/requests/?bbox={bbox(d)}",
        PERSONAL_LISTS,
        conf,
        secrets=C,
    ),
    Door(
        "api detail",
        "confidential request",
        "api",
        lambda d: f"/api/v1/requests/{conf(d)}/",
        PERSONAL_SEES,
        conf,
        CONF_SWAP,
        C,
    ),
    # Open311 knows no browser session: apps see public requests (and their own) only.
    Door(
        "open311 one json",
        "confidential request",
        "open311",
        lambda d: f"/open311/v2/requests/{conf(d)}.json",
        _all(Kind.NOT_FOUND),
        conf,
        CONF_SWAP,
        C,
    ),
    Door(
        "open311 one xml",
        "confidential request",
        "open311",
        lambda d: f"/open311/v2/requests/{conf(d)}.xml",
        _all(Kind.NOT_FOUND),
        conf,
        CONF_SWAP,
        C,
    ),
    Door(
        "open311 by id json",
        "confidential request",
        "open311",
        lambda d: f"/open311/v2/requests.json?service_request_id={conf(d)},{pub(d)}",
        _all(Kind.ABSENT),
        conf,
        secrets=C,
    ),
    Door(
        "open311 by code xml",
        "confidential request",
        "open311",
        lambda d: "/open311/v2/requests.xml?service_code=entrance",
        _all(Kind.ABSENT),
        conf,
        secrets=C,
    ),
    Door(
        "export.csv",
        "confidential request",
        "export",
        lambda d: "/requests/export.csv?category=entrance",
        PERSONAL_LISTS,
        conf,
        secrets=C,
    ),
    Door(
        "feed",
        "confidential request",
        "feed",
        lambda d: "/requests/feed/",
        _all(Kind.ABSENT),
        conf,
        secrets=C,
    ),
    Door(
        "nearby hints",
        "confidential request",
        "search",
        lambda d: (
            f"/requests/new/nearby/?category=entrance&lat={d.confidential.location.y}"
            f"&lon={d.confidential.location.x}"
        ),
        _all(Kind.ABSENT),
        conf,
        secrets=C,
    ),  # fmt: skip
    Door(
        "dashboard",
        "confidential request",
        "dashboard",
        lambda d: "/requests/dashboard/",
        dashboard,
        nothing,
        secrets=C,
    ),
    Door(
        "dashboard heat",
        "confidential request",
        "dashboard",
        lambda d: "/requests/dashboard/heat.json",
        dashboard,
        nothing,
        secrets=C,
    ),
    Door(
        "dashboard csv",
        "confidential request",
        "dashboard",
        lambda d: "/requests/dashboard/figures.csv",
        dashboard,
        nothing,
        secrets=C,
    ),
    Door(
        "dashboard xlsx",
        "confidential request",
        "dashboard",
        lambda d: "/requests/dashboard/figures.xlsx",
        dashboard,
        nothing,
        secrets=C,
    ),
    Door(
        "public figures",
        "confidential request",
        "figures",
        lambda d: "/requests/figures/",
        _all(Kind.ABSENT),
        conf,
        secrets=C,
    ),
    Door(
        "public figures csv",
        "confidential request",
        "figures",
        lambda d: "/requests/figures/figures.csv",
        _all(Kind.ABSENT),
        conf,
        secrets=C,
    ),
    Door(
        "public figures xlsx",
        "confidential request",
        "figures",
        lambda d: "/requests/figures/figures.xlsx",
        _all(Kind.ABSENT),
        conf,
        secrets=C,
    ),
    Door(
        "public figures heat",
        "confidential request",
        "figures",
        lambda d: "/requests/figures/heat.json",
        _all(Kind.ABSENT),
        conf,
        secrets=C,
    ),
    # -- its files ---------------------------------------------------------------------------------
    Door(
        "photo",
        "request attachment",
        "file",
        lambda d: f"/requests/{conf(d)}/files/{d.photo.pk}/",
        PERSONAL_SEES,
        nothing,
        CONF_SWAP,
        (),
    ),
    Door(
        "document",
        "request attachment",
        "file",
        lambda d: f"/requests/{conf(d)}/files/{d.document.pk}/",
        PERSONAL_SEES,
        nothing,
        CONF_SWAP,
        (),
    ),
    Door(
        "file through a public request",
        "request attachment",
        "file",
        lambda d: f"/requests/{pub(d)}/files/{d.document.pk}/",
        _all(Kind.NOT_FOUND),
        nothing,
        lambda d: (f"/files/{d.document.pk}/", "/files/999999999/"),
        (),
    ),
    # -- the public request's personal data ---------------------------------------------------------
    Door(
        "page",
        "public request",
        "html",
        lambda d: f"/requests/{pub(d)}/",
        _if("personal", Kind.FULL, Kind.PUBLIC),
        pub,
    ),
    Door(
        "list",
        "public request",
        "html",
        lambda d: f"/requests/?q={pub(d)}",
        _if("personal", Kind.SEEN, Kind.PUBLIC),
        pub,
    ),
    Door(
        "home page",  # the newest public requests: their public face only, whoever looks
        "public request",
        "html",
        lambda d: "/",
        _all(Kind.QUIET),
        nothing,
    ),
    Door(
        "list?q=phone",
        "public request",
        "search",
        lambda d: "/requests/?q=765+43+21",
        _all(Kind.QUIET),
        nothing,
        secrets=(w.EMAIL, w.FLAT, w.SURNAME, f"/requests/{w.PHONE}"),
    ),
    Door(
        "admin changelist",
        "public request",
        "admin",
        lambda d: f"/admin/citizen_requests/request/?q={pub(d)}",
        admin_pub_listed,
        lambda d: f"/request/{d.public.pk}/change/",
    ),
    Door(
        "admin change",
        "public request",
        "admin",
        lambda d: f"/admin/citizen_requests/request/{d.public.pk}/change/",
        admin_full,
        pub,
    ),
    Door(
        "api list",
        "public request",
        "api",
        lambda d: "/api/v1/requests/?category=entrance",
        _if("personal", Kind.SEEN, Kind.PUBLIC),
        pub,
    ),
    Door(
        "api bbox",
        "public request",
        "api",
        lambda d: f"/api/v1/requests/?bbox={bbox(d)}",
        _if("personal", Kind.SEEN, Kind.PUBLIC),
        pub,
    ),
    Door(
        "api detail",
        "public request",
        "api",
        lambda d: f"/api/v1/requests/{pub(d)}/",
        _if("personal", Kind.FULL, Kind.PUBLIC),
        pub,
    ),
    Door(
        "open311 one json",
        "public request",
        "open311",
        lambda d: f"/open311/v2/requests/{pub(d)}.json",
        _all(Kind.PUBLIC),
        pub,
    ),
    Door(
        "open311 one xml",
        "public request",
        "open311",
        lambda d: f"/open311/v2/requests/{pub(d)}.xml",
        _all(Kind.PUBLIC),
        pub,
    ),
    Door(
        "open311 by code json",
        "public request",
        "open311",
        lambda d: "/open311/v2/requests.json?service_code=entrance",
        _all(Kind.PUBLIC),
        pub,
    ),
    Door(
        "open311 by status xml",
        "public request",
        "open311",
        lambda d: "/open311/v2/requests.xml?status=open",
        _all(Kind.PUBLIC),
        pub,
    ),
    Door(
        "export.csv",
        "public request",
        "export",
        lambda d: "/requests/export.csv?category=entrance",
        _if("personal", Kind.SEEN, Kind.PUBLIC),
        pub,
    ),
    Door("feed", "public request", "feed", lambda d: "/requests/feed/", _all(Kind.PUBLIC), pub),
    Door(
        "nearby hints",
        "public request",
        "search",
        lambda d: (
            f"/requests/new/nearby/?category=entrance&lat={d.public.location.y}&lon={d.public.location.x}"
        ),
        _all(Kind.PUBLIC),
        pub,
    ),
    Door(
        "address suggestions",
        "public request",
        "search",
        lambda d: "/requests/new/addresses/?q=Миру",
        _all(Kind.QUIET),
        nothing,
    ),
    Door(
        "facilities search",
        "public request",
        "search",
        lambda d: "/facilities/?q=Миру",
        _all(Kind.QUIET),
        nothing,
    ),
    Door(
        "map search api",
        "public request",
        "search",
        lambda d: "/api/v1/facilities/?q=Миру",
        _all(Kind.QUIET),
        nothing,
    ),
    Door(
        "public figures",
        "public request",
        "figures",
        lambda d: "/requests/figures/",
        _all(Kind.QUIET),
        nothing,
    ),
    Door(
        "requests map page", "public request", "html", lambda d: "/requests/map/", _all(Kind.QUIET), nothing
    ),
    # -- the building sheet (housing registry) --------------------------------------------------------
    Door(
        "sheet",
        "building sheet",
        "html",
        lambda d: f"/registry/buildings/{d.building.pk}/",
        REGISTRY,
        addr,
        secrets=S,
        full_needs=S,
    ),
    Door(
        "history",
        "building sheet",
        "html",
        lambda d: f"/registry/buildings/{d.building.pk}/history/",
        REGISTRY,
        addr,
        secrets=S,
        full_needs=(),
    ),
    Door(
        "registry search",
        "building sheet",
        "search",
        lambda d: f"/registry/?q={addr(d)}",
        REGISTRY,
        addr,
        secrets=S,
        full_needs=(),
    ),
    Door(
        "registry map summary",
        "building sheet",
        "api",
        lambda d: f"/registry/map/summary.json?q={addr(d)}",
        REGISTRY,
        addr,
        secrets=S,
        full_needs=(),
    ),
    *[
        Door(
            f"registry map tiles ({colour})",
            "building sheet",
            "tiles",
            lambda d, colour=colour: f"/registry/map/tiles/{tile(d)}.mvt?colour={colour}",
            REGISTRY,
            addr,
            secrets=S,
            full_needs=(),
        )
        for colour in ("technical_state", "heating_provider")
    ],
    Door(
        "coverage homes tiles",
        "building sheet",
        "tiles",
        lambda d: f"/coverage/staff/tiles/{tile(d)}.mvt?type=school",
        _if("analyst", Kind.QUIET, Kind.DENIED),
        addr,
        secrets=S,
    ),
    Door(
        "place search",
        "building sheet",
        "search",
        lambda d: f"/api/v1/search/?q={addr(d)}",
        _all(Kind.QUIET),
        nothing,
        secrets=S,
        full_needs=(),
    ),
    Door(
        "registry api sheet",
        "building sheet",
        "api",
        lambda d: f"/registry/api/buildings/{d.building.pk}/",
        REGISTRY,
        addr,
        secrets=S,
        full_needs=S,
    ),
    Door(
        "registry api list",
        "building sheet",
        "api",
        lambda d: f"/registry/api/buildings/?q={addr(d)}",
        REGISTRY,
        addr,
        secrets=S,
        full_needs=(),
    ),
    Door(
        "registry export.csv",
        "building sheet",
        "export",
        lambda d: f"/registry/export.csv?q={addr(d)}",
        REGISTRY,
        addr,
        secrets=S,
        full_needs=S,
    ),
    Door(
        "registry export.xlsx",
        "building sheet",
        "export",
        lambda d: f"/registry/export.xlsx?q={addr(d)}",
        REGISTRY,
        addr,
        secrets=S,
        full_needs=S,
    ),
    Door(
        "registry export.gpkg",
        "building sheet",
        "export",
        lambda d: f"/registry/export.gpkg?q={addr(d)}",
        REGISTRY,
        addr,
        secrets=S,
        full_needs=S,
    ),
    Door(
        "registry document",
        "registry document",
        "file",
        lambda d: f"/registry/documents/{d.building_document.pk}/",
        REGISTRY,
        nothing,
        secrets=(),
        full_needs=(),
    ),
    Door(
        "admin change",
        "building sheet",
        "admin",
        lambda d: f"/admin/housing_registry/building/{d.building.pk}/change/",
        _if("registry", Kind.QUIET, Kind.DENIED),
        nothing,
        secrets=(),
        full_needs=(),
    ),
    Door(
        "building tiles",
        "building sheet",
        "tiles",
        lambda d: f"/tiles/buildings/{tile(d)}.mvt",
        _all(Kind.PUBLIC),
        addr,
        secrets=S,
    ),
    Door(
        "ogc buildings items",
        "building sheet",
        "ogcapi",
        lambda d: f"/ogcapi/collections/buildings/items?bbox={bbox(d, 0.003)}&limit=10000",
        _all(Kind.QUIET),
        nothing,
        secrets=S,
    ),
    Door(
        "ogc building item",
        "building sheet",
        "ogcapi",
        lambda d: f"/ogcapi/collections/buildings/items/{d.building.pk}",
        _all(Kind.PUBLIC),
        addr,
        secrets=S,
    ),
    # -- the staff-only GIS layer, its features and import jobs ------------------------------------------
    Door(
        "layers page",
        "staff-only layer",
        "html",
        lambda d: "/layers/",
        STAFF_LISTS,
        lambda d: f"/layers/{w.LAYER_SLUG}/",
        secrets=L,
    ),
    Door(
        "layer page",
        "staff-only layer",
        "html",
        lambda d: f"/layers/{w.LAYER_SLUG}/",
        STAFF_LAYER,
        lambda d: w.LAYER_TITLE,
        LAYER_SWAP,
        L,
    ),
    *[
        Door(
            f"download.{fmt}",
            "staff-only layer",
            "export",
            lambda d, fmt=fmt: f"/layers/{w.LAYER_SLUG}/download.{fmt}",
            STAFF_LAYER,
            feat,
            LAYER_SWAP,
            L,
        )
        for fmt in ("geojson", "gpkg", "shp", "kml", "csv")
    ],
    Door(
        "layer tiles",
        "staff-only layer",
        "tiles",
        lambda d: f"/tiles/layers/{w.LAYER_SLUG}/{tile(d)}.mvt",
        STAFF_LAYER,
        feat,
        LAYER_SWAP,
        L,
    ),
    Door(
        "api layers",
        "staff-only layer",
        "api",
        lambda d: "/api/v1/layers/",
        STAFF_LISTS,
        lambda d: w.LAYER_SLUG,
        secrets=L,
    ),
    Door(
        "api layer",
        "staff-only layer",
        "api",
        lambda d: f"/api/v1/layers/{w.LAYER_SLUG}/",
        STAFF_LAYER,
        lambda d: w.LAYER_SLUG,
        LAYER_SWAP,
        L,
    ),
    Door(
        "api features",
        "staff-only layer",
        "api",
        lambda d: f"/api/v1/layers/{w.LAYER_SLUG}/features/",
        STAFF_LAYER,
        feat,
        LAYER_SWAP,
        L,
    ),
    Door(
        "api feature",
        "staff-only layer",
        "api",
        lambda d: f"/api/v1/layers/{w.LAYER_SLUG}/features/{d.feature.pk}/",
        STAFF_LAYER,
        feat,
        LAYER_SWAP,
        L,
    ),
    Door(
        "ogc collections",
        "staff-only layer",
        "ogcapi",
        lambda d: "/ogcapi/collections",
        STAFF_LISTS,
        lambda d: w.LAYER_SLUG,
        secrets=L,
    ),
    Door(
        "ogc collection",
        "staff-only layer",
        "ogcapi",
        lambda d: f"/ogcapi/collections/{w.LAYER_SLUG}",
        STAFF_LAYER,
        lambda d: w.LAYER_SLUG,
        LAYER_SWAP,
        L,
    ),
    Door(
        "ogc items",
        "staff-only layer",
        "ogcapi",
        lambda d: f"/ogcapi/collections/{w.LAYER_SLUG}/items",
        STAFF_LAYER,
        feat,
        LAYER_SWAP,
        L,
    ),
    Door(
        "ogc item",
        "staff-only layer",
        "ogcapi",
        lambda d: f"/ogcapi/collections/{w.LAYER_SLUG}/items/{d.feature.pk}",
        STAFF_LAYER,
        feat,
        LAYER_SWAP,
        L,
    ),
    Door(
        "staff features",
        "staff-only layer",
        "html",
        lambda d: f"/staff/layers/{w.LAYER_SLUG}/features/",
        _if("staff", Kind.SEEN, Kind.DENIED),
        feat,
        secrets=L,
    ),
    Door(
        "admin features",
        "staff-only layer",
        "admin",
        lambda d: "/admin/gis_layers/feature/",
        _if("staff", Kind.QUIET, Kind.DENIED),
        nothing,
        secrets=(),
    ),
    Door(
        "import job",
        "import job",
        "html",
        lambda d: f"/staff/layers/{w.LAYER_SLUG}/import/{d.import_job.pk}/",
        importer,
        lambda d: w.IMPORT_NAME,
        LAYER_SWAP,
        w.IMPORT,
    ),
    Door(
        "import job status",
        "import job",
        "api",
        lambda d: f"/staff/layers/{w.LAYER_SLUG}/import/{d.import_job.pk}/status/",
        importer,
        nothing,
        LAYER_SWAP,
        w.IMPORT,
    ),
    Door(
        "admin import jobs",
        "import job",
        "admin",
        lambda d: "/admin/gis_layers/importjob/",
        _if("importer", Kind.SEEN, Kind.DENIED),
        lambda d: w.IMPORT_NAME,
        secrets=w.IMPORT,
    ),
]

# What FULL must show, per object (the public request's default is on Door).
_FULL_NEEDS = {
    "confidential request": ("Ґудзь", w.CONF_PHONES[0], w.SECRET_WORD),
    "request attachment": (),
}
DOORS = [replace(d, full_needs=_FULL_NEEDS[d.obj]) if d.obj in _FULL_NEEDS else d for d in DOORS]

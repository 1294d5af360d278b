# Over 400 lines: the page list of every role and the in-page measurements belong together.
"""The layout check: every page of the portal, for every role (a visitor, a resident and each
staff role of demo/accounts.py), opened at a laptop's 1366×768 and a phone's 390×844. A page
fails on:

- horizontal overflow of the page itself (a person would have to scroll sideways);
- a text cell narrower than a word (a word broken across lines or sticking out of its cell);
- two visible pieces of text or controls drawn over each other (map panes and overlays that
  are positioned over the page by design are left out);
- an English message id shown on a Ukrainian page (compared with the msgids of
  locale/uk/LC_MESSAGES/django.po that have a Ukrainian translation);
- a console error or an uncaught script error;
- a serious or critical accessibility violation found by axe-core (vendored from npm,
  injected here only, never served to users).

Screenshots of every page at both sizes go to test-artifacts/layout/ for people to look at;
a failure lists every page and problem at once, and test-artifacts/layout/<role>/report.txt keeps it.
One browser for the whole check, one context per role (logged in once).
"""

from __future__ import annotations

import ast
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.test_map_browser import AXE

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "uk" / "LC_MESSAGES" / "django.po"
SIZES = [(1366, 768), (390, 844)]
ROLES = [
    "visitor",
    "resident",
    "registrar",
    "head",
    "executor",
    "approver",
    "leader",
    "dispatcher",
    "editor",
    "gisadmin",
    "admin",
]


@dataclass(frozen=True)
class Page:
    name: str  # file name of the screenshots
    path: str
    status: int = 200
    wait: str | None = None  # a JS expression that holds once the page has drawn its data


MAP_READY = "document.documentElement.dataset.facilitiesLoaded !== undefined"
REQUESTS_READY = "document.documentElement.dataset.requestsLoaded !== undefined"
BUILDINGS_READY = "document.documentElement.dataset.buildingsLoaded !== undefined"


def _public_pages(ids: dict) -> list[Page]:
    return [
        Page("home", "/"),
        Page("map", "/map/", wait=MAP_READY),
        Page("map-pharmacies", "/map/?layers=pharmacy&z=16&c=49.0105,33.638", wait=MAP_READY),
        Page("directory", "/facilities/"),
        Page("directory-search", "/facilities/?q=аптека"),
        Page("facility", f"/facilities/{ids['facility']}/"),
        Page("nearest", "/facilities/nearest/?category=pharmacy&address=вулиця+Миру+9"),
        Page("requests", "/requests/"),
        Page("requests-map", "/requests/map/", wait=REQUESTS_READY),
        Page("request-new", "/requests/new/"),
        Page("request", f"/requests/{ids['public_request']}/"),
        Page("figures", "/requests/figures/"),
        Page("coverage", "/coverage/"),
        Page("layers", "/layers/"),
        Page("layer", f"/layers/{ids['public_layer']}/"),
        Page("not-found", "/no-such-page/", status=404),
    ]


def pages_of(role: str, ids: dict) -> list[Page]:
    """What a person in `role` opens, with real ids from the demo city. The public pages are
    checked as a visitor and as a resident (logged in: another menu); staff roles see the same
    public pages with their own menu, which their home page and map cover, and the pages of
    their work, the Django admin's among them (admin_pages)."""
    if role == "visitor":
        return [*_public_pages(ids), Page("login", "/accounts/login/"), Page("admin-login", "/admin/login/")]
    pages = [Page("account", "/accounts/"), Page("my-requests", "/requests/mine/")]
    if role == "resident":
        return [
            *_public_pages(ids),
            *pages,
            Page("own-request", f"/requests/{ids['own_request']}/"),
            Page("staff-refused", "/requests/staff/new/", status=403),
        ]
    pages = [Page("home", "/"), Page("map", "/map/", wait=MAP_READY), *pages]
    for queue in ids["queues"].get(role, []):
        pages.append(Page(f"queue-{queue}", f"/requests/staff/{queue}/"))
    if ids["service_queue"].get(role):
        pages.append(Page("queue-service", f"/requests/staff/service/{ids['service_queue'][role]}/"))
    for name, number in ids["work_requests"].get(role, {}).items():
        pages.append(Page(name, f"/requests/{number}/"))
    if role in ("leader", "registrar", "head", "admin"):
        pages.append(Page("dashboard", "/requests/dashboard/"))
    if role in ("dispatcher", "admin"):
        building, section, work = ids["building"], ids["sheet_section"], ids["work"]
        pages += [
            Page("registry", "/registry/"),
            Page("registry-map", "/registry/map/", wait=BUILDINGS_READY),
            Page("building", f"/registry/buildings/{building}/"),
            Page("building-edit", f"/registry/buildings/{building}/edit/{section}/"),
            Page("building-history", f"/registry/buildings/{building}/history/"),
            Page("works", "/registry/works/"),
            Page("work-new", f"/registry/works/new/?building={building}"),
            Page("work", f"/registry/works/{work}/"),
            Page("reports", "/registry/reports/"),
            Page("registry-import", "/registry/import/"),
        ]
    if role in ("editor", "gisadmin", "admin"):
        layer, feature = ids["editable_layer"][role]
        pages += [
            Page("staff-layers", "/staff/layers/"),
            Page("layer-features", f"/staff/layers/{layer}/features/"),
            Page("layer-editor", f"/staff/layers/{layer}/edit/"),
            Page("feature-history", f"/staff/layers/{layer}/features/{feature}/history/"),
        ]
    if role in ("gisadmin", "admin"):
        layer = ids["staff_layer"]
        pages += [
            Page("layer-new", "/staff/layers/new/"),
            Page("layer-settings", f"/staff/layers/{layer}/settings/"),
            Page("layer-import", f"/staff/layers/{layer}/import/"),
            Page("coverage-staff", "/coverage/staff/"),
        ]
    return pages + admin_pages(role, ids)


# The admin's map widgets have started (OpenLayers over the hromada's outline).
ADMIN_MAPS_READY = "[...document.querySelectorAll('.dj_map_wrapper')].every((w) => w.mapWidget)"
# The routing rule's area is drawn by the portal's own map front-end (Leaflet), not OpenLayers.
MAP_IN_ADMIN_READY = "document.querySelector('#rule-area-map .leaflet-pane') !== null"


def admin_pages(role: str, ids: dict) -> list[Page]:
    """The Django admin where it differs by role: every staff role has its own index (the
    models its rights open); the superuser opens every changelist and one change page of each
    model edited on a map, the request's (its history) and the routing rule's (its area map);
    the dispatcher and the layer editor the change pages their rights narrow (the sheet's
    sections, the features of their own layer)."""
    pages = [Page("admin-index", "/admin/")]
    if role == "admin":
        admin = ids["admin"]
        pages += [Page(f"admin-list-{label}", url) for label, url in admin["changelists"]]
        pages += [Page(f"admin-change-{label}", url, wait=ADMIN_MAPS_READY) for label, url in admin["maps"]]
        pages += [
            Page("admin-change-request", admin["request"]),
            Page("admin-change-routingrule", admin["routingrule"], wait=MAP_IN_ADMIN_READY),
        ]
    elif role == "dispatcher":
        pages.append(Page("admin-change-building", ids["admin"]["building"], wait=ADMIN_MAPS_READY))
    elif role == "editor":
        _layer, feature = ids["editable_layer"][role]
        pages.append(
            Page(
                "admin-change-feature", f"/admin/gis_layers/feature/{feature}/change/", wait=ADMIN_MAPS_READY
            )
        )
    return pages


def find_admin_ids() -> dict:
    """The admin pages of the demo city: every registered model's changelist, and for each
    model edited on a map (a GISModelAdmin) the change page of its first row."""
    from django.contrib import admin
    from django.contrib.gis.admin import GISModelAdmin
    from django.contrib.gis.db.models import GeometryField
    from django.urls import reverse

    from citizen_requests.models import Request, RoutingRule
    from housing_registry.models import Building

    changelists, maps = [], []
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label):
        app, name = model._meta.app_label, model._meta.model_name
        label = f"{app}-{name}"
        changelists.append((label, reverse(f"admin:{app}_{name}_changelist")))
        geometry = any(isinstance(field, GeometryField) for field in model._meta.fields)
        first = model.objects.order_by("pk").values_list("pk", flat=True).first()
        if geometry and isinstance(model_admin, GISModelAdmin) and first is not None:
            maps.append((label, reverse(f"admin:{app}_{name}_change", args=[first])))
    building = Building.objects.get(address="вулиця Миру, 9").pk
    return {
        "changelists": changelists,
        "maps": maps,
        "request": reverse(
            "admin:citizen_requests_request_change", args=[Request.objects.order_by("pk").first().pk]
        ),
        "routingrule": reverse(
            "admin:citizen_requests_routingrule_change", args=[RoutingRule.objects.order_by("pk").first().pk]
        ),
        "building": reverse("admin:housing_registry_building_change", args=[building]),
    }


def find_demo_ids() -> dict:
    """Real ids of the demo city for the detail pages of every role."""
    from django.contrib.auth.models import AnonymousUser, User

    from citizen_requests.models import Request
    from citizen_requests.permissions import work_scope_q
    from citizen_requests.selectors.queues import (
        QUEUES,
        is_queue_user,
        queue_q,
        queue_requests,
        queue_services,
    )
    from citizen_requests.selectors.requests import requests_of_applicant, requests_visible_to
    from facilities.models import Facility
    from gis_layers.models import Feature, Layer
    from housing_registry.models import Building, WorkRecord

    public = requests_visible_to(AnonymousUser()).order_by("id").first()
    resident = User.objects.get(username="resident")
    staff_layer = Layer.objects.filter(visibility=Layer.Visibility.STAFF).order_by("order", "id").first()
    staff_layer = staff_layer or Layer.objects.order_by("order", "id").first()
    first_id = lambda queryset: queryset.order_by("id").values_list("id", flat=True).first()  # noqa: E731
    ids = {
        "facility": first_id(Facility.objects.all()),
        "public_request": public.number,
        "public_request_pk": public.pk,
        "own_request": requests_of_applicant(resident).values_list("number", flat=True).first(),
        "public_layer": Layer.objects.filter(visibility=Layer.Visibility.PUBLIC)
        .order_by("order", "id")
        .values_list("slug", flat=True)
        .first(),
        "staff_layer": staff_layer.slug,
        "feature": first_id(Feature.objects.filter(layer=staff_layer)),
        "building": Building.objects.get(address="вулиця Миру, 9").pk,
        "sheet_section": "heating",
        "work": first_id(WorkRecord.objects.all()),
        "queues": {},
        "service_queue": {},
        "editable_layer": {},
        "work_requests": {},
        "admin": find_admin_ids(),
    }
    for role in ROLES[2:]:
        user = User.objects.get(username=role)
        names = [name for name in QUEUES if name != "service" and queue_q(user, name) is not None]
        names = names if is_queue_user(user) else []
        ids["queues"][role] = names
        # A layer editor edits the layers they are named on (city IT edits every layer).
        editable = user.editable_layers.order_by("order", "id").first() or staff_layer
        ids["editable_layer"][role] = (editable.slug, first_id(Feature.objects.filter(layer=editable)))
        if names:
            ids["service_queue"][role] = queue_services(user).values_list("id", flat=True).first()
        # The request page as this person works it: the first of their first non-empty queue,
        # and one more of their work that is still open.
        chosen = {}
        for name in names:
            first = queue_requests(user=user, queue=name).first()
            if first is not None:
                chosen[f"request-from-{name}"] = first.number
                break
        workable = (
            Request.objects.filter(work_scope_q(user))
            .exclude(status__in=["closed", "rejected"])
            .exclude(number__in=chosen.values())
            .order_by("id")
            .first()
        )
        if workable is not None:
            chosen["request-to-work"] = workable.number
        ids["work_requests"][role] = chosen
    assert all(ids[key] for key in ("facility", "own_request", "public_layer", "feature", "work")), ids
    return ids


@pytest.fixture(scope="module")
def demo_ids(portal_url, django_db_blocker, demo_route_requests) -> dict:
    """Real ids of the demo city (with its requests at every stage of the route); the demo
    accounts' password hashed with the hasher of this test session."""
    from django.contrib.auth.hashers import get_hashers
    from django.contrib.auth.models import User

    get_hashers.cache_clear()
    with django_db_blocker.unblock():
        for user in User.objects.filter(username__in=ROLES):
            if not user.check_password("misto-demo"):
                user.set_password("misto-demo")
                user.save(update_fields=["password"])
        return find_demo_ids()


def msgids_translated() -> tuple[set[str], list[re.Pattern]]:
    """The English msgids of the Ukrainian catalogue that have a different Ukrainian text:
    plain ones as a set, those with placeholders as patterns of the whole text."""
    entries: list[dict[str, str]] = []
    current: dict[str, str] = {}
    key = None
    for line in PO.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if current:
                entries.append(current)
            current, key = {}, None
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[0\])?|msgstr\[\d\])\s+(\".*\")$", line)
        if match:
            key = match.group(1)
            current[key] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
    if current:
        entries.append(current)
    plain, patterns = set(), []
    for entry in entries:
        msgid = entry.get("msgid", "")
        msgstr = entry.get("msgstr", entry.get("msgstr[0]", ""))
        if not msgid or not msgstr or msgstr == msgid or not re.search(r"[A-Za-z]{2}", msgid):
            continue
        for english in filter(None, (msgid, entry.get("msgid_plural"))):
            english = " ".join(english.split())
            placeholders = r"%\(\w+\)[sd]|%[sd]|\{\w*\}"
            if re.search(placeholders, english):
                parts = re.split(placeholders, english)
                if sum(len(p.strip()) for p in parts) >= 6:  # "%(n)s m" alone says nothing
                    patterns.append(re.compile(".+?".join(re.escape(p) for p in parts) + r"\Z"))
            else:
                plain.add(english)
    return plain, patterns


# What the page shows, measured in the page: overflow, words that do not fit their cell, boxes
# drawn over each other, the texts a person reads (for the msgid comparison).
MEASURE = r"""() => {
  const out = {overflow: document.documentElement.scrollWidth - window.innerWidth, cramped: [], overlaps: [], texts: []};
  const hidden = (el) => {
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
      const s = getComputedStyle(n);
      if (s.display === "none" || s.visibility === "hidden" || Number(s.opacity) === 0) return true;
      if (n.classList.contains("visually-hidden") || n.classList.contains("skip-link")) return true;
      if (n.tagName === "DETAILS" && !n.open && n !== el && !el.closest("summary")) return true;
    }
    return false;
  };
  // Overlays by design: maps, their controls and popups, fixed or absolute layers of the page.
  const byDesign = (el) => !!el.closest(".leaflet-container, .misto-map, [data-misto-map], dialog, .ol-viewport")
    || (() => { for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
          const p = getComputedStyle(n).position; if (p === "fixed" || p === "absolute" || p === "sticky") return true; }
        return false; })();
  // The part of a box left visible by scrolling or clipping ancestors.
  const clipped = (el, r) => {
    let box = {left: r.left, top: r.top, right: r.right, bottom: r.bottom};
    for (let n = el.parentElement; n && n !== document.body; n = n.parentElement) {
      const s = getComputedStyle(n);
      if (s.overflowX !== "visible" || s.overflowY !== "visible") {
        const c = n.getBoundingClientRect();
        box = {left: Math.max(box.left, c.left), top: Math.max(box.top, c.top),
               right: Math.min(box.right, c.right), bottom: Math.min(box.bottom, c.bottom)};
      }
    }
    return box.right - box.left > 1 && box.bottom - box.top > 1 ? box : null;
  };
  const describe = (el) => {
    const id = el.id ? "#" + el.id : "";
    const cls = typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\s+/).join(".") : "";
    return el.tagName.toLowerCase() + id + cls + " «" + (el.innerText || el.value || "").trim().replace(/\s+/g, " ").slice(0, 40) + "»";
  };

  // Words that do not fit their cell: broken across lines, or wider than the cell.
  // A word: letters and digits with their apostrophes and marks; a registration number
  // (2026-000001) is one word, other hyphens (4-41-02, Івано-Франківськ) are places to break.
  const WORD = /[\p{L}\p{N}](?:[\p{L}\p{N}'’.,:;%№()]|-(?=\p{N}{4}))*/gu;
  const cells = [...document.querySelectorAll("td, th, dd, dt, button, .button, label, summary, h1, h2, h3, li, p, a")]
    .filter((c) => !hidden(c) && !byDesign(c)).slice(0, 1500);
  const seen = new Set();
  for (const cell of cells) {
    const style = getComputedStyle(cell);
    if (["td", "th", "dd", "dt"].includes(cell.tagName.toLowerCase()) && style.overflowX === "visible"
        && cell.scrollWidth > cell.clientWidth + 1 && !cell.querySelector("table, .table-wrap, pre")) {
      out.cramped.push(describe(cell) + ": its text is " + (cell.scrollWidth - cell.clientWidth) + " px wider than the cell");
      continue;
    }
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      // Web and e-mail addresses, code and file names may break anywhere.
      if (seen.has(node) || node.parentElement.closest("pre, code, textarea, a[href^='http'], a[href^='mailto:']")) continue;
      seen.add(node);
      for (const m of node.data.matchAll(WORD)) {
        const word = m[0].replace(/[.,:;]+$/, "");
        if (word.length < 2 || word.length > 24 || /\p{L}[.:]\p{L}/u.test(word)) continue;
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + word.length);
        const rects = [...range.getClientRects()].filter((r) => r.width > 0);
        const lines = new Set(rects.map((r) => Math.round(r.top)));
        if (lines.size > 1) { out.cramped.push(describe(cell) + ": the word «" + word + "» is broken across " + lines.size + " lines"); break; }
      }
    }
  }

  // Boxes: the lines of text of each element, and the box of each control.
  const items = [];
  const CONTROLS = "a, button, input:not([type=hidden]), select, textarea, summary, [role=button], img";
  for (const el of document.querySelectorAll(CONTROLS)) {
    if (hidden(el) || byDesign(el)) continue;
    if (el.tagName === "INPUT" && (el.type === "checkbox" || el.type === "radio") && el.closest("label")) continue;
    const rects = el.tagName === "A" ? [...el.getClientRects()] : [el.getBoundingClientRect()];
    for (const r of rects) { const c = clipped(el, r); if (c) items.push({el, box: c}); }
  }
  const textWalker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = textWalker.nextNode(); node; node = textWalker.nextNode()) {
    const el = node.parentElement;
    if (!node.data.trim() || el.closest(CONTROLS) || el.closest("script, style, noscript, option") || hidden(el) || byDesign(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) { const c = r.width > 1 && clipped(el, r); if (c) items.push({el, box: c}); }
  }
  // Every text a person may read or hear, the map's and the hidden ones for screen readers too;
  // names in the data (<code>) are the data's, not the interface's, and so are the admin's
  // records: the rows of a change list, its filter's choices, read-only values, an inline row's
  // record, the choices of a related record and the record a raw-id field names (user names,
  // slugs, the English name of a category are data whatever the page's language).
  const DATA = "script, style, noscript, template, code, kbd, samp, pre, #result_list tbody td, #result_list tbody th, "
    + "#changelist-filter li, .readonly, td.original, .related-widget-wrapper option, .vForeignKeyRawIdAdminField ~ strong";
  const allText = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = allText.nextNode(); node; node = allText.nextNode()) {
    if (node.data.trim() && !node.parentElement.closest(DATA)) {
      out.texts.push(node.data.trim().replace(/\s+/g, " "));
    }
  }
  for (const el of document.querySelectorAll("[title], [aria-label], [placeholder], [alt], input[type=submit][value]")) {
    for (const attr of ["title", "aria-label", "placeholder", "alt", "value"]) {
      const v = el.getAttribute(attr);
      if (v && (attr !== "value" || el.type === "submit")) out.texts.push(v.trim().replace(/\s+/g, " "));
    }
  }
  items.sort((a, b) => a.box.top - b.box.top);
  const TOLERANCE = 2;  // px: neighbours that touch are fine
  for (let i = 0; i < items.length && out.overlaps.length < 20; i++) {
    const a = items[i];
    for (let j = i + 1; j < items.length; j++) {
      const b = items[j];
      if (b.box.top >= a.box.bottom - TOLERANCE) break;
      if (a.el === b.el || a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const w = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
      const h = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
      if (w > TOLERANCE && h > TOLERANCE) {
        out.overlaps.push(describe(a.el) + " overlaps " + describe(b.el) + ` (${Math.round(w)}×${Math.round(h)} px)`);
      }
    }
  }
  return out;
}"""


def check_page(
    page, portal_url, spec: Page, width: int, plain, patterns, shots: Path, username: str = ""
) -> list[str]:
    """Open one page at one size; returns what is wrong with it, one line each. (The demo
    accounts' user names are English words: shown as data, they are no untranslated text.)"""
    console: list[str] = []
    on_console = lambda m: m.type == "error" and console.append(m.text)  # noqa: E731
    on_error = lambda exc: console.append(f"uncaught: {exc}")  # noqa: E731
    page.on("console", on_console)
    page.on("pageerror", on_error)
    problems = []
    try:
        response = page.goto(portal_url + spec.path)
        if response is None or response.status != spec.status:
            return [f"answered {response and response.status}, expected {spec.status}"]
        try:
            page.wait_for_load_state("networkidle", timeout=10000)
        except PlaywrightTimeout:
            pass  # a page that keeps polling never goes quiet; what it drew by now is measured
        if spec.wait:
            page.wait_for_function(spec.wait)
        page.screenshot(path=str(shots / f"{spec.name}-{width}.png"), full_page=True)
        measured = page.evaluate(MEASURE)
        if measured["overflow"] > 0:
            problems.append(f"the page is {measured['overflow']} px wider than the screen")
        problems += measured["cramped"]
        problems += measured["overlaps"]
        untranslated = sorted(
            {
                t
                for t in measured["texts"]
                if t != username and (t in plain or any(p.match(t) for p in patterns))
            }
        )
        problems += [f"untranslated on a Ukrainian page: «{t}»" for t in untranslated]
        # The page's own console, before axe-core: axe parses style sheets that @import others
        # (the admin's forms.css) through <style> elements of its own, which the portal's CSP
        # rightly refuses ("Applying inline style violates … style-src-elem") — the checker's
        # doing, not the page's (the admin's map pages log nothing without axe).
        own_console = list(console)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "axe.run(document, {resultTypes: ['violations'], runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', "
            "'wcag21aa', 'best-practice']})"
        )
        for violation in result["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [n["target"] for n in violation["nodes"]][:3]
                problems.append(f"axe {violation['impact']}: {violation['id']} at {targets}")
        if spec.status != 200:
            # The browser reports the page's own status as a failed resource.
            own_console = [c for c in own_console if f"status of {spec.status}" not in c]
        problems += [f"console: {c}" for c in own_console]
    finally:
        page.remove_listener("console", on_console)
        page.remove_listener("pageerror", on_error)
    return problems


def log_in(page, portal_url, username: str) -> None:
    page.goto(portal_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "misto-demo")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/accounts/login/" not in page.url, f"{username} could not log in"


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_role_fits_both_screens_and_passes_axe(
    browser, portal_url, artifacts, demo_ids, role
):
    plain, patterns = msgids_translated()
    shots = artifacts / "layout" / role
    shots.mkdir(parents=True, exist_ok=True)
    pages = pages_of(role, demo_ids)
    context = browser.new_context(viewport={"width": SIZES[0][0], "height": SIZES[0][1]}, locale="uk-UA")
    page = context.new_page()
    page.set_default_timeout(30000)
    started = time.monotonic()
    failures = []
    try:
        if role != "visitor":
            log_in(page, portal_url, role)
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            for spec in pages:
                for problem in check_page(page, portal_url, spec, width, plain, patterns, shots, role):
                    failures.append(f"{role} {spec.path} at {width}px: {problem}")
    finally:
        context.close()
    seconds = time.monotonic() - started
    # One report per role: the roles may be checked by parallel test workers.
    report = [f"{role}: {len(pages)} pages × {len(SIZES)} sizes in {seconds:.0f} s", *failures]
    (shots / "report.txt").write_text("\n".join(report) + "\n", encoding="utf-8")
    assert failures == [], "\n".join(failures)

"""The building sheet, the dispatcher's main screen, read at a laptop's and a phone's width:
every value has room for its longest word (no "мережевий газ" one letter per line) and each
section's "Edit" button stays on one line (screenshots: test-artifacts/registry-sheet-*.png)."""

from __future__ import annotations

import os

import pytest

from housing_registry.models import Building
from tests.browser.test_registry_browser import ADDRESS, demo_passwords, log_in  # noqa: F401

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# For each value cell of the sheet's tables: its width and the width of its longest word in
# its own font; for each "Edit" button: how many lines its text takes.
MEASURE = """() => {
  const canvas = document.createElement("canvas").getContext("2d");
  const cells = [...document.querySelectorAll(".sheet .facts dd")].filter(dd => !dd.querySelector("#sheet-map"));
  const values = cells.map(dd => {
    const style = getComputedStyle(dd);
    canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const words = dd.innerText.split(/\\s+/).filter(Boolean);
    const longest = Math.max(0, ...words.map(w => canvas.measureText(w).width));
    return {text: dd.innerText, width: dd.getBoundingClientRect().width, longest};
  });
  const buttons = [...document.querySelectorAll(".sheet .card-head a.button")].map(a => {
    const range = document.createRange();
    range.selectNodeContents(a.firstChild);
    const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    return {text: a.firstChild.textContent, lines: lines.size};
  });
  return {values, buttons, overflow: document.documentElement.scrollWidth - window.innerWidth};
}"""


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)])
def test_every_value_of_the_building_sheet_fits_its_longest_word_and_edit_stays_on_one_line(
    page, portal_url, artifacts, django_db_blocker, width, height
):
    with django_db_blocker.unblock():
        building = Building.objects.get(address=ADDRESS)
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, portal_url)
    page.goto(portal_url + f"/registry/buildings/{building.pk}/")
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / f"registry-sheet-{width}.png"), full_page=True)
    measured = page.evaluate(MEASURE)
    assert len(measured["values"]) > 20 and measured["buttons"]
    cramped = [v for v in measured["values"] if v["width"] + 0.5 < v["longest"]]
    assert cramped == []
    # A value column narrower than ~8 characters is the bug even where each word fits.
    assert min(v["width"] for v in measured["values"]) >= 80
    assert [b for b in measured["buttons"] if b["lines"] != 1] == []
    assert measured["overflow"] <= 0
    assert page.js_errors == []

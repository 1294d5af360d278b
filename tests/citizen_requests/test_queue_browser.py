"""The staff queue at 1366×768 (issue 20): the table fits its column — the process owner's
column is not cut off behind a scroll bar — and no column header wraps onto a second line."""

from __future__ import annotations

import os

import pytest

from tests.citizen_requests.builders import area_point, file_request, offset

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

FITS = """() => {
  const wrap = document.querySelector('.queue-main .table-wrap');
  const heads = [...document.querySelectorAll('.queue-table thead th')];
  const lines = (th) => {
    const range = document.createRange();
    range.selectNodeContents(th);
    return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size;
  };
  return {
    overflow: wrap.scrollWidth - wrap.clientWidth,
    wrapped: heads.filter(th => !th.classList.contains('select') && lines(th) > 1).map(th => th.textContent.trim()),
    ownerRight: heads[heads.length - 1].getBoundingClientRect().right,
    wrapRight: wrap.getBoundingClientRect().right,
    ownerHeader: heads[heads.length - 1].textContent.trim(),
  };
}"""


@pytest.mark.parametrize("username, queue", [("registrar", "new"), ("head", "new")])
def test_the_queue_table_fits_1366_pixels_with_headers_on_one_line(
    browser, portal_url, committed, artifacts, username, queue
):
    with committed.unblock():
        place = area_point("area-housing-2")
        for i in range(3):
            file_request(category="other", text="Прошу встановити лавку біля під'їзду нашого будинку.",
                         location=offset(place, north_m=25 * i))  # fmt: skip
            request = file_request(category="entrance", location=offset(place, east_m=25 * i),
                                   text="У під'їзді не зачиняються вхідні двері, доводчик зламаний.")  # fmt: skip
            request.__class__.objects.filter(pk=request.pk).update(owner=None)
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="uk-UA")
    page = context.new_page()
    page.goto(portal_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "misto-demo")
    with page.expect_navigation():
        page.press("#id_password", "Enter")
    page.goto(portal_url + f"/requests/staff/{queue}/")
    page.wait_for_selector(".queue-table tbody tr")
    fit = page.evaluate(FITS)
    page.screenshot(path=str(artifacts / f"queue-{username}-1366.png"), full_page=True)
    context.close()
    assert fit["ownerHeader"] == "Виконавець"
    assert fit["overflow"] <= 0 and fit["ownerRight"] <= fit["wrapRight"] + 1, fit
    assert fit["wrapped"] == [], fit

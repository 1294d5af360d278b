"""Citizen requests under load, on a city with a million existing requests.

setup(): `manage.py generate_requests --count 1000000` (PostgreSQL generate_series, deterministic,
tops up only what is missing) and an Open311 app with a known key and no rate limit.
Scenarios: filing a request on the web form (as the front office's registrar, who files for
residents who phone in and is not rate-limited) and through Open311 POST; the public list
(first page, and filtered); the duplicate hints of the form; the map data; Open311 GET with
filters. Each beside the SQL the page runs underneath.
"""

from __future__ import annotations

import re
import time
import urllib.parse
import urllib.request

from harness import Measurement, Scenario

COUNT = 1_000_000
UNTIL = "2026-11-25"  # the generated requests end on this day (deterministic data)
BENCH_KEY = "benchapp.bench-secret-key-not-for-production-0123456789"
PLACE = (49.0105, 33.6380)  # lat, lon: the city centre
_timings: list[Measurement] = []

LIST_SQL = """
select r.id, r.number, r.status, r.visibility, r.text_public, r.address, r.submitted_at, r.location,
       c.slug, c.name_uk, c.icon, g.slug, g.colour, d.name_uk, s.name_uk
from citizen_requests_request r
join citizen_requests_category c on c.id = r.category_id
join citizen_requests_categorygroup g on g.id = c.group_id
left join city_district d on d.id = r.district_id
left join citizen_requests_service s on s.id = r.service_id
where r.status <> 'unconfirmed' and r.visibility = 'public' {where}
order by r.id desc limit 21
"""

OPEN = "('submitted','triage','assigned','in_progress','info_requested','in_approval','approved')"

OPEN311_SQL = f"""
select r.id, r.number, r.status, r.status_notes, r.text_public, r.submitted_at, r.updated_at, r.deadline,
       r.address, r.location, r.media_url, c.slug, c.name_uk, s.name_uk
from citizen_requests_request r
join citizen_requests_category c on c.id = r.category_id
left join citizen_requests_service s on s.id = r.service_id
where r.status <> 'unconfirmed' and r.visibility = 'public'
  and c.slug in ('pothole', 'no_water') and r.status in {OPEN}
  and r.submitted_at >= '2026-10-26T00:00:00Z' and r.submitted_at <= '2026-11-25T23:59:59Z'
order by r.submitted_at desc, r.id desc limit 1000
"""

NEARBY_SQL = f"""
select r.id, r.number, ST_Distance(r.location::geography, ST_MakePoint({PLACE[1]}, {PLACE[0]})::geography) as d
from citizen_requests_request r
where ST_DWithin(r.location::geography, ST_MakePoint({PLACE[1]}, {PLACE[0]})::geography, 250)
  and r.category_id = (select id from citizen_requests_category where slug = 'pothole')
  and r.visibility = 'public' and r.status in {OPEN}
order by d, r.id desc limit 5
"""

MAP_SQL = f"""
select r.number, r.location, r.status, r.visibility, r.submitted_at, r.address, c.slug, c.name_uk, c.icon, g.colour
from citizen_requests_request r
join citizen_requests_category c on c.id = r.category_id
join citizen_requests_categorygroup g on g.id = c.group_id
where r.status <> 'unconfirmed' and r.visibility = 'public' and r.status in {OPEN}
  and ST_Intersects(r.location, ST_MakeEnvelope(33.62, 49.00, 33.65, 49.02, 4326))
order by r.id desc limit 1000
"""


def setup(ctx) -> None:
    started = time.perf_counter()
    out = ctx.manage("generate_requests", "--count", str(COUNT), "--until", UNTIL)
    added = int(re.search(r"([\d,]+) requests added", out).group(1).replace(",", ""))
    if added:
        _timings.append(
            Measurement(
                "generate existing requests", time.perf_counter() - started, "s", f"{added:,} rows, SQL"
            )
        )
    ctx.manage("open311_client", "--name", "Benchmark app", "--key", BENCH_KEY, "--per-minute", "0")


# Filing forms loaded at once: each form's token is spent by its sending (a replay is refused).
FORMS = 6000


def _form_tokens(ctx, username: str) -> tuple[str, list[str]]:
    """The session's CSRF token, and signed start times of FORMS filing forms opened a minute
    ago (as the page gives them; signed by the portal with the bench's secret key)."""
    cookie = ctx.session_cookie(username)
    csrf = re.search(r"csrftoken=([^;]+)", cookie).group(1)
    minted = ctx.manage(
        "shell",
        "--no-imports",
        "-c",
        "import datetime as dt; from citizen_requests.forms import started_token; "
        "opened = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1); "
        f"print('\\n'.join(started_token(opened) for _ in range({FORMS})))",
    )
    return csrf, minted.split()


def scenarios(ctx) -> list[Scenario]:
    district = ctx.psql("select id from city_district where source_id = 'district-centre'")
    csrf, tokens = _form_tokens(ctx, "registrar")
    web_bodies = tuple(
        urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": csrf,
                "category": "pothole",
                "lat": PLACE[0],
                "lon": PLACE[1],
                "address": "",
                "text": "Яма на дорозі біля зупинки, глибока, небезпечна для велосипедистів.",
                "visibility": "public",
                "phone": "",
                "website": "",
                "started": started,
            }
        )
        for started in tokens
    )
    open311_body = urllib.parse.urlencode(
        {
            "api_key": BENCH_KEY,
            "jurisdiction_id": "plavni.example",
            "service_code": "pothole",
            "lat": PLACE[0],
            "long": PLACE[1],
            "description": "Яма на дорозі біля зупинки",
            "email": "bench@example.test",
            "first_name": "Bench",
        }
    )
    form = "application/x-www-form-urlencoded"
    referer = {"Referer": ctx.base_url + "/requests/new/"}
    filtered = f"category=pothole&status=open&district={district}"
    open311_query = (
        "service_code=pothole,no_water&status=open"
        "&start_date=2026-10-26T00:00:00Z&end_date=2026-11-25T23:59:59Z"
    )
    return [
        Scenario("public requests list, first page (1M)", "/requests/", sql=LIST_SQL.format(where="")),
        Scenario(
            "public requests list, category+open+district",
            f"/requests/?{filtered}",
            sql=LIST_SQL.format(
                where=f"and r.category_id = (select id from citizen_requests_category where slug = 'pothole') "
                f"and r.status in {OPEN} and r.district_id = {district}"
            ),
        ),
        Scenario(
            "duplicate hints within 250 m",
            f"/requests/new/nearby/?category=pothole&lat={PLACE[0]}&lon={PLACE[1]}",
            sql=NEARBY_SQL,
        ),
        Scenario(
            "map data, open requests in a box",
            "/api/v1/requests/?bbox=33.62,49.00,33.65,49.02&status=open",
            sql=MAP_SQL,
        ),  # fmt: skip
        Scenario(
            "Open311 GET requests.json, filtered",
            f"/open311/v2/requests.json?{open311_query}",
            sql=OPEN311_SQL,
        ),
        Scenario(
            "Open311 GET requests.xml, filtered", f"/open311/v2/requests.xml?{open311_query}", sql=OPEN311_SQL
        ),
        Scenario(
            "file a request: web form",
            "/requests/new/",
            method="POST",
            bodies=web_bodies,
            content_type=form,
            headers=referer,
            login_as="registrar",
            expect_status=302,  # filed: on to the request's page
        ),
        Scenario(
            "file a request: Open311 POST",
            "/open311/v2/requests.json",
            method="POST",
            body=open311_body,
            content_type=form,
        ),
    ]


def measurements(ctx) -> list[Measurement]:
    rows = int(ctx.psql("select count(*) from citizen_requests_request"))
    return [*_timings, Measurement("requests in the database", rows, "rows")]

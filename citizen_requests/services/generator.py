"""Scale data: many existing requests, generated in PostgreSQL (generate_series, no ORM loop).

Deterministic: the same count, seed and end date give the same rows. Each request is routed
by routing.py itself, not by a copy of its rules in SQL: a chunk's places are generated first,
each with the service areas that contain it (and those whose edge it is on); routing.py's
service_choose() then decides once per distinct (category, areas of its rules) cell — a few
dozen, however many requests — and the rows are written in SQL from that table of decisions
(100,000 requests: 47 s against 58 s for the former SQL copy of the rules, the same routing).
Each request also gets a registration number after those already given in its year, a district,
the address of the nearest building, two history events, and a status by its age. Generated
rows carry device_id 'misto-generator', so running again only tops the count up.
"""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.db import connection, transaction

from citizen_requests.routing import AreaFact, Named, RuleFact, service_choose

MARK = "misto-generator"
CHUNK = 100_000

TEXTS = [
    "Просимо терміново вжити заходів, проблема триває вже кілька днів.",
    "Мешканці будинку неодноразово зверталися усно, але нічого не змінилося.",
    "Небезпечно для дітей і людей похилого віку, особливо ввечері.",
    "Прошу перевірити на місці та повідомити про строки усунення.",
    "Ситуація погіршилася після дощів, фото додаю.",
    "Проблема повторюється щотижня, просимо вирішити остаточно.",
]

PLACES = """
create temporary table generated_places on commit drop as
with params as (select %(seed)s::int as seed, %(until)s::timestamptz as until, %(days)s::int as days,
                       %(total)s::int as total),
cats as (
    select row_number() over (order by c.id) - 1 as k, c.id
    from citizen_requests_category c where c.is_active
),
ncat as (select count(*) as n from cats),
city as (select area from citizen_requests_servicearea where kind = 'water' order by source_id limit 1),
-- The areas that can matter to a category: those of its active rules.
rule_areas as (select distinct category_id, area_id from citizen_requests_routingrule
               where is_active and area_id is not null),
points as (
    select (d).path[1] + %(offset)s as i, (d).geom as geom
    from (select ST_Dump(ST_GeneratePoints((select area from city), %(count)s, %(seed)s + %(offset)s)) as d) g
),
base as (
    select p.i, p.geom,
           ('x' || substr(md5(%(seed)s || ':' || p.i), 1, 8))::bit(32)::bigint as h1,
           ('x' || substr(md5(%(seed)s || ':' || p.i), 9, 8))::bit(32)::bigint as h2,
           ('x' || substr(md5(%(seed)s || ':' || p.i), 17, 8))::bit(32)::bigint as h3
    from points p
)
-- Filed evenly over the period in the order of i, so registration numbers follow time; the
-- areas of the category's rules holding the place are the facts routing.py decides on.
select b.*, c.id as category_id,
       prm.until - make_interval(secs => prm.days * 86400.0 * (prm.total - b.i) / prm.total
                                         + (b.h2 %% 60)) as created,
       z.inside, z.edge
from base b join cats c on c.k = b.h1 %% (select n from ncat) cross join params prm
cross join lateral (
    select coalesce(array_agg(a.id order by a.id) filter (where ST_Contains(a.area, b.geom)), '{}') as inside,
           coalesce(array_agg(a.id order by a.id) filter (where not ST_Contains(a.area, b.geom)), '{}') as edge
    from rule_areas ra join citizen_requests_servicearea a on a.id = ra.area_id
    where ra.category_id = c.id and ST_Covers(a.area, b.geom)
) z
"""

CELLS = "select distinct category_id, inside, edge from generated_places"

DECISIONS = """
create temporary table generated_decisions (
    category_id bigint, inside bigint[], edge bigint[], rule_id bigint, service_id bigint,
    deadline_days int, priority text, owner_id bigint, explanation jsonb
) on commit drop
"""

SQL = """
with front as (select id from citizen_requests_service where kind = 'front_office' order by id limit 1),
picked as (
    select p.*, d.rule_id, d.service_id, d.deadline_days, d.priority, d.owner_id, d.explanation,
           c.name_uk as category_uk
    from generated_places p
    join generated_decisions d on d.category_id = p.category_id and d.inside = p.inside and d.edge = p.edge
    join citizen_requests_category c on c.id = p.category_id
),
routed as (
    select p.*,
           (select d.id from city_district d where ST_Covers(d.area, p.geom) order by d.source_id limit 1) as district_id,
           (select bl.address from housing_registry_building bl order by bl.footprint <-> p.geom limit 1) as address,
           extract(epoch from (%(until)s::timestamptz - p.created)) / 86400 as age,
           extract(year from p.created at time zone %(tz)s)::int as yr
    from picked p
),
final as (
    select r.*,
        case
            when r.rule_id is null and r.age < 30 then 'triage'
            when r.age > 60 then (array['closed', 'closed', 'closed', 'resolved', 'resolved', 'rejected', 'closed',
                                        'closed', 'resolved', 'in_progress'])[1 + r.h3 %% 10]
            else (array['assigned', 'assigned', 'in_progress', 'in_progress', 'in_progress', 'info_requested',
                        'in_approval', 'resolved', 'assigned', 'in_progress'])[1 + r.h3 %% 10]
        end as status,
        row_number() over (partition by r.yr order by r.i)
          + coalesce((select c.last_number from citizen_requests_registrationcounter c where c.year = r.yr), 0) as seq
    from routed r
)
insert into citizen_requests_request (
    number, category_id, text, text_public, location, address, street_id, house_number, district_id,
    visibility, status, version, status_notes, priority, channel, language, attributes,
    applicant_id, applicant_name, applicant_email, applicant_phone, email_verified_at, access_key_hash,
    service_id, owner_id, deadline, routing_rule_id, routing_explanation,
    external_account_id, device_id, media_url, created_at, submitted_at, updated_at, closed_at,
    owner_unit, paused_days, answered_at, outgoing_number, outgoing_date
)
select
    r.yr || '-' || lpad(r.seq::text, 6, '0'), r.category_id,
    r.category_uk || '. ' || (%(texts)s::text[])[1 + r.h3 %% %(ntexts)s],
    r.category_uk || '. ' || (%(texts)s::text[])[1 + r.h3 %% %(ntexts)s],
    r.geom, coalesce(r.address, ''), null, '', r.district_id,
    case when r.h1 %% 10 = 3 then 'confidential' else 'public' end,
    r.status, 1, '', coalesce(r.priority, 'normal'), case when r.h2 %% 7 = 0 then 'open311' else 'web' end,
    'uk', '{}'::jsonb,
    null, 'Мешканець ' || r.i, 'resident' || r.i || '@example.test', '', r.created, '',
    coalesce(r.service_id, (select id from front)), r.owner_id,
    (r.created + make_interval(days => coalesce(r.deadline_days, 15) * 7 / 5))::date,
    r.rule_id,
    r.explanation,
    '', %(mark)s, '', r.created, r.created, r.created + interval '1 hour',
    case when r.status in ('resolved', 'closed', 'rejected') then r.created + interval '10 days' end,
    -- answered requests: the answer between 4 hours and 20 days after filing
    '', 0,
    case when r.status in ('resolved', 'closed') then r.created + make_interval(hours => (4 + r.h2 %% 480)::int) end,
    case when r.status in ('resolved', 'closed') then 'G-' || r.i else '' end,
    case when r.status in ('resolved', 'closed') then (r.created + make_interval(hours => (4 + r.h2 %% 480)::int))::date end
from final r
order by r.i
"""

COUNTERS = """
insert into citizen_requests_registrationcounter (year, last_number)
select split_part(number, '-', 1)::int, max(split_part(number, '-', 2)::int)
from citizen_requests_request where number is not null group by 1
on conflict (year) do update
    set last_number = greatest(citizen_requests_registrationcounter.last_number, excluded.last_number)
"""

EVENTS = """
insert into citizen_requests_event (request_id, kind, actor_id, actor_label, from_status, to_status, comment, data, is_public, created_at)
select r.id, e.kind, null, 'applicant (generated)', e.from_status, e.to_status, e.comment, '{}'::jsonb, true, r.submitted_at
from citizen_requests_request r
cross join lateral (values
    ('filed', '', 'submitted', ''),
    (case when r.routing_rule_id is null then 'triaged' else 'routed' end, 'submitted',
     case when r.routing_rule_id is null then 'triage' else 'assigned' end, r.routing_explanation ->> 'uk')
) as e(kind, from_status, to_status, comment)
where r.device_id = %(mark)s and r.id > %(after)s
"""


RULES = """
select r.category_id, r.id, r.deadline_days, r.priority, r.default_owner_id, s.id, s.name_uk, s.name_en,
       a.id, a.source_id, a.name_uk, a.name_en, ST_Area(a.area::geography),
       exists(select 1 from citizen_requests_servicemembership m join auth_user u on u.id = m.user_id
              where m.service_id = s.id and u.is_active)
from citizen_requests_routingrule r
join citizen_requests_service s on s.id = r.service_id
left join citizen_requests_servicearea a on a.id = r.area_id
where r.is_active
order by r.id
"""


def _routing_rules(cursor) -> tuple[dict[int, Named], dict[int, list[tuple]], Named | None]:
    """The active categories, each category's active rules (rule, service, area) and the
    front office: everything routing.py decides on except where the place is."""
    cursor.execute("select id, name_uk, name_en from citizen_requests_category where is_active")
    categories = {pk: Named(pk, uk, en) for pk, uk, en in cursor.fetchall()}
    cursor.execute(RULES)
    rules: dict[int, list[tuple]] = {}
    for category_id, *rule in cursor.fetchall():
        rules.setdefault(category_id, []).append(tuple(rule))
    cursor.execute(
        "select id, name_uk, name_en from citizen_requests_service where kind = 'front_office' order by id limit 1"
    )
    front = cursor.fetchone()
    return categories, rules, Named(*front) if front else None


def _cell_decide(category: Named, rules: list[tuple], inside: list[int], edge: list[int], front):
    """routing.py's decision for a place inside the areas `inside` and on the edge of `edge`."""
    facts = []
    for rid, days, priority, owner, sid, s_uk, s_en, aid, key, a_uk, a_en, size, staffed in rules:
        area = None
        if aid is not None:
            contains = aid in inside
            area = AreaFact(
                aid, key, a_uk, a_en, contains=contains, covers=contains or aid in edge, size_m2=size
            )
        facts.append(
            RuleFact(rid, Named(sid, s_uk, s_en), area, days, priority, owner, service_staffed=staffed)
        )
    return service_choose(category=category, rules=facts, front_office=front)


def _decisions_write(cursor, routing) -> None:
    """Decide every (category, areas) cell of the generated places once, into generated_decisions."""
    categories, rules, front = routing
    cursor.execute(CELLS)
    rows = []
    for category_id, inside, edge in cursor.fetchall():
        decision = _cell_decide(categories[category_id], rules.get(category_id, []), inside, edge, front)
        rows.append(
            (
                category_id, inside, edge, decision.rule_id,
                decision.service.id if decision.service else None, decision.deadline_days,
                decision.priority, decision.default_owner_id, json.dumps(decision.explanation, ensure_ascii=False),
            )
        )  # fmt: skip
    cursor.execute(DECISIONS)
    cursor.executemany(
        "insert into generated_decisions values (%s, %s::bigint[], %s::bigint[], %s, %s, %s, %s, %s, %s::jsonb)",
        rows,
    )


BULK = 50_000  # from this many rows on, indexes are dropped for the load and built again after


def _secondary_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """(name, definition) of the table's indexes that back no constraint."""
    cursor.execute(
        """
        select i.indexname, i.indexdef from pg_indexes i
        where i.tablename = %s and i.schemaname = current_schema()
          and not exists (select 1 from pg_constraint c where c.conname = i.indexname)
        """,
        [table],
    )
    return cursor.fetchall()


def requests_generate(
    *, count: int, seed: int = 1960, until: dt.datetime, days: int = 1095, log=print
) -> int:
    """Top the generated requests up to `count`; returns how many were added. A large load runs
    in one transaction with the secondary indexes dropped and rebuilt at the end (the usual
    bulk-load order: building an index once is far cheaper than updating it a million times)."""
    with connection.cursor() as cursor:
        cursor.execute("select count(*) from citizen_requests_request where device_id = %s", [MARK])
        (existing,) = cursor.fetchone()
        cursor.execute("select coalesce(max(id), 0) from citizen_requests_request")
        (after,) = cursor.fetchone()
    missing = max(count - existing, 0)
    if not missing:
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        dropped = []
        if missing >= BULK:
            for table in ("citizen_requests_request", "citizen_requests_event"):
                for name, definition in _secondary_indexes(cursor, table):
                    cursor.execute(f'drop index "{name}"')
                    dropped.append(definition)
        routing = _routing_rules(cursor)
        added = 0
        while added < missing:
            chunk = min(CHUNK, missing - added)
            params = {
                "seed": seed,
                "until": until,
                "days": days,
                "count": chunk,
                "total": count,
                "tz": settings.TIME_ZONE,
                "offset": existing + added,
                "texts": TEXTS,
                "ntexts": len(TEXTS),
                "mark": MARK,
            }
            cursor.execute(PLACES, params)
            _decisions_write(cursor, routing)
            cursor.execute(SQL, params)
            cursor.execute("drop table generated_places, generated_decisions")
            cursor.execute(COUNTERS)
            added += chunk
            log(f"  {existing + added:,} generated requests")
        cursor.execute(EVENTS, {"mark": MARK, "after": after})
        if dropped:
            log(f"  building {len(dropped)} indexes again")
            cursor.execute("set constraints all immediate")  # check the deferred foreign keys first
            for definition in dropped:
                cursor.execute(definition)
    with connection.cursor() as cursor:
        cursor.execute("analyze citizen_requests_request")
        cursor.execute("analyze citizen_requests_event")
    return added

"""Scale data: many existing requests, generated in PostgreSQL (generate_series, no ORM loop).

Deterministic: the same count, seed and end date give the same rows. Each request is routed
by the SQL mirror of routing.py's order (area containing the place, then an area whose edge
it is on, then the rule for the whole hromada; smaller area, then the area's key, then the
older rule), gets a registration number after those already given in its year, a district,
the address of the nearest building, two history events, and a status by its age. Generated
rows carry device_id 'misto-generator', so running again only tops the count up.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, transaction

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

SQL = """
with params as (select %(seed)s::int as seed, %(until)s::timestamptz as until, %(days)s::int as days,
                       %(total)s::int as total),
cats as (
    select row_number() over (order by c.id) - 1 as k, c.id, c.name_uk, c.name_en
    from citizen_requests_category c where c.is_active
),
ncat as (select count(*) as n from cats),
areas as (select a.id, a.source_id, a.name_uk, a.name_en, a.area, ST_Area(a.area::geography) as size
          from citizen_requests_servicearea a),
front as (select id, name_uk, name_en from citizen_requests_service where kind = 'front_office' order by id limit 1),
city as (select area from citizen_requests_servicearea where kind = 'water' order by source_id limit 1),
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
),
picked as (
    -- Filed evenly over the period in the order of i, so registration numbers follow time.
    select b.*, c.id as category_id, c.name_uk as category_uk, c.name_en as category_en,
           prm.until - make_interval(secs => prm.days * 86400.0 * (prm.total - b.i) / prm.total
                                             + (b.h2 %% 60)) as created
    from base b join cats c on c.k = b.h1 %% (select n from ncat) cross join params prm
),
routed as (
    select p.*, rr.rule_id, rr.service_id, rr.deadline_days, rr.priority, rr.owner_id, rr.area_uk, rr.area_en,
           rr.service_uk, rr.service_en,
           (select d.id from city_district d where ST_Covers(d.area, p.geom) order by d.source_id limit 1) as district_id,
           (select bl.address from housing_registry_building bl order by bl.footprint <-> p.geom limit 1) as address,
           extract(epoch from ((select until from params) - p.created)) / 86400 as age,
           extract(year from p.created at time zone %(tz)s)::int as yr
    from picked p
    left join lateral (
        select r.id as rule_id, r.service_id, r.deadline_days, r.priority, r.default_owner_id as owner_id,
               a.name_uk as area_uk, a.name_en as area_en, s.name_uk as service_uk, s.name_en as service_en
        from citizen_requests_routingrule r
        join citizen_requests_service s on s.id = r.service_id
        left join areas a on a.id = r.area_id
        where r.category_id = p.category_id and r.is_active and (a.id is null or ST_Covers(a.area, p.geom))
        order by (a.id is null), not coalesce(ST_Contains(a.area, p.geom), false), a.size, a.source_id, r.id
        limit 1
    ) rr on true
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
    case when r.rule_id is null then jsonb_build_object(
            'uk', format('немає правила для категорії «%%s» тут → розгляд: %%s', r.category_uk, (select name_uk from front)),
            'en', format('no routing rule for category “%%s” here → triage by %%s', r.category_en, (select name_en from front)))
         when r.area_uk is null then jsonb_build_object(
            'uk', format('категорія «%%s», правило для всієї громади → %%s', r.category_uk, r.service_uk),
            'en', format('category “%%s”, rule for the whole hromada → %%s', r.category_en, r.service_en))
         else jsonb_build_object(
            'uk', format('категорія «%%s» у зоні «%%s» → %%s', r.category_uk, r.area_uk, r.service_uk),
            'en', format('category “%%s” in area “%%s” → %%s', r.category_en, r.area_en, r.service_en))
    end,
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
        added = 0
        while added < missing:
            chunk = min(CHUNK, missing - added)
            cursor.execute(
                SQL,
                {
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
                },
            )
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

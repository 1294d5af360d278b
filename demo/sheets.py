"""Data sheets and the works log of the demo city's blocks of flats (housing registry).

Every value is drawn from a generator seeded by the building's key (`sheet:<key>`,
`works:<key>`), never from the city generator's shared random stream, so adding or changing
a sheet value leaves every other demo file exactly as it was. Values resemble a Ukrainian
city's registry (series of the era, district heating north and south of вулиця
Добровольського, elevators in buildings of nine floors and more, ОСББ chairs) but are
invented: cadastral and registry numbers, names, EDRPOU codes and phones are not real.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from demo import catalogue, names

# The demo's "today": done works are done by then, later works are planned. Overdue works
# (open after their planned date) exist whatever the real date, and grow as time passes.
AS_OF = date(2026, 11, 1)
FIRST_DAY = date(2024, 1, 1)
LAST_DAY = date(2027, 3, 31)
CADASTRAL_PREFIX = "5310900000"  # invented: the demo's KOATUU-like prefix

# (name, EDRPOU, phone, e-mail local part, systems it works on)
CONTRACTORS = [
    ("ТОВ «Ліфтсервіс-Полтава»", "38214507", "+380 532 61-20-14", "liftservis", {"elevator"}),
    ("ПП «Дніпроліфт»", "34110982", "+380 5348 3-12-77", "dniprolift", {"elevator"}),
    ("ТОВ «Покрівля-Дніпро»", "41020376", "+380 67 402 11 90", "pokrivlia", {"roof", "facade"}),
    ("ПП «Теплотехмонтаж»", "30917264", "+380 5348 3-40-52", "teplotekh", {"heating", "hot_water"}),
    (
        "ТОВ «Водосервіс ГП»",
        "39561203",
        "+380 5348 3-55-08",
        "vodoservis",
        {"cold_water", "sewerage", "hot_water"},
    ),
    (
        "ТОВ «Будремсервіс»",
        "36280541",
        "+380 5348 3-61-19",
        "budrem",
        {"structure", "facade", "basement", "general"},
    ),
    ("ТОВ «Електромонтаж-Плавні»", "40388172", "+380 50 311 42 07", "elektro", {"electricity"}),
    ("ТОВ «Газсервіс Полтава»", "35704416", "+380 532 50-33-81", "gazservis", {"gas"}),
    ("ТОВ «Енергоаудит Центр»", "42917053", "+380 66 208 51 74", "energoaudyt", {"general", "heating"}),
    ("ФОП Гончаренко В. П.", "", "+380 97 415 08 23", "", {"general", "basement", "electricity"}),
]
HOUSING_COMPANIES = {
    "svc-zhytloservis-1": ("КП «Житлосервіс-1»", "+380 5348 4-41-01"),
    "svc-zhytloservis-2": ("КП «Житлосервіс-2»", "+380 5348 4-41-02"),
    "svc-zhytloservis-3": ("КП «Житлосервіс-3»", "+380 5348 4-41-03"),
    "svc-zhytloservis-4": ("КП «Житлосервіс-4»", "+380 5348 4-41-04"),
}

# Which organisation answers for which sections of the sheets (housing_registry.sections).
TECHNICAL = ["construction", "heating", "water", "energy", "elevators", "condition", "documents", "notes"]
ORGANISATION_SECTIONS = {
    "svc-housing-dept": [
        "identification", "construction", "heating", "water", "energy", "elevators", "management",
        "condition", "documents", "notes",
    ],
    "svc-zhytloservis-1": TECHNICAL,
    "svc-zhytloservis-2": TECHNICAL,
    "svc-zhytloservis-3": TECHNICAL,
    "svc-zhytloservis-4": TECHNICAL,
    "svc-teploenergo": ["heating"],
    "svc-pivden-teplo": ["heating"],
    "svc-vodokanal": ["water"],
}  # fmt: skip
# The demo dispatcher works at a housing maintenance company: technical sections, not
# identification or management (those are the housing department's).
DEMO_MEMBERSHIPS = {"dispatcher": "svc-zhytloservis-1"}

SERIES = {
    ("panel", 5): ["1-464А", "1-464"],
    ("brick", 5): ["1-447С", "1-511"],
    ("block", 5): ["1-439А"],
    ("panel", 9): ["1-464Д", "111-96", "96"],
    ("brick", 9): ["1-447С-54", "індивідуальний проєкт"],
    ("block", 9): ["111-96"],
    ("panel", 12): ["111-121"],
    ("brick", 12): ["індивідуальний проєкт"],
}

# (system, kind) -> titles of works, in Ukrainian as the dispatchers write them
WORK_TITLES = {
    ("heating", "maintenance"): ["Промивка та опресовка системи опалення", "Підготовка до опалювального сезону"],
    ("heating", "planned_repair"): ["Заміна стояка опалення", "Заміна запірної арматури теплового вузла"],
    ("heating", "emergency"): ["Усунення протікання на стояку опалення", "Заміна аварійної ділянки трубопроводу опалення"],
    ("heating", "inspection"): ["Огляд теплового пункту", "Повірка будинкового лічильника тепла"],
    ("hot_water", "planned_repair"): ["Заміна трубопроводу гарячої води в підвалі"],
    ("hot_water", "emergency"): ["Усунення витоку гарячої води"],
    ("cold_water", "planned_repair"): ["Заміна вводу холодної води", "Заміна стояків холодної води"],
    ("cold_water", "emergency"): ["Усунення пориву на вводі холодної води"],
    ("sewerage", "maintenance"): ["Прочищення каналізаційного випуску"],
    ("sewerage", "emergency"): ["Усунення засмічення каналізаційного стояка"],
    ("sewerage", "planned_repair"): ["Заміна лежака каналізації"],
    ("roof", "planned_repair"): ["Капітальний ремонт покрівлі", "Ремонт м'якої покрівлі над під'їздом"],
    ("roof", "emergency"): ["Усунення протікання покрівлі"],
    ("roof", "inspection"): ["Весняний огляд покрівлі"],
    ("facade", "planned_repair"): ["Ремонт міжпанельних швів", "Утеплення фасаду"],
    ("structure", "inspection"): ["Технічне обстеження несучих конструкцій", "Огляд балконних плит"],
    ("structure", "planned_repair"): ["Ремонт козирків над входами", "Ремонт сходових маршів"],
    ("basement", "maintenance"): ["Дезінсекція та дератизація підвалу", "Прибирання підвалу"],
    ("basement", "emergency"): ["Відкачування води з підвалу"],
    ("electricity", "maintenance"): ["Заміна ламп у місцях загального користування"],
    ("electricity", "planned_repair"): ["Заміна поверхових щитів", "Встановлення енергоощадного освітлення"],
    ("electricity", "emergency"): ["Відновлення електропостачання під'їзду"],
    ("gas", "inspection"): ["Технічне обслуговування внутрішньобудинкових газових мереж"],
    ("gas", "emergency"): ["Усунення витоку газу на стояку"],
    ("elevator", "maintenance"): ["Щомісячне технічне обслуговування ліфта"],
    ("elevator", "inspection"): ["Періодичний технічний огляд ліфта", "Експертне обстеження ліфта"],
    ("elevator", "planned_repair"): ["Заміна лебідки ліфта", "Модернізація ліфта"],
    ("elevator", "emergency"): ["Звільнення пасажирів, ремонт дверей шахти ліфта"],
    ("general", "inspection"): ["Сезонний огляд будинку", "Енергоаудит будинку"],
    ("general", "maintenance"): ["Прибирання прибудинкової території"],
    ("general", "planned_repair"): ["Ремонт під'їзду", "Заміна вікон у під'їздах"],
}  # fmt: skip
COST = {  # UAH range per kind; planned repairs of some systems cost more
    "maintenance": (800, 18000),
    "inspection": (500, 6000),
    "emergency": (1500, 60000),
    "planned_repair": (15000, 450000),
}
EXPENSIVE = {("roof", "planned_repair"): (250000, 1600000), ("elevator", "planned_repair"): (90000, 900000),
             ("facade", "planned_repair"): (200000, 2400000)}  # fmt: skip
ACCESS_NOTES = [
    "Пандус лише біля під'їзду 1.",
    "Пандус закрутий, потребує реконструкції.",
    "Перед входом сходинки без поручнів.",
    "Тактильні позначки на сходах відсутні.",
]
NOTES = [
    "Підвал періодично підтоплюється ґрунтовими водами.",
    "Мешканці просять утеплити фасад; кошторис готується.",
    "У під'їзді 2 пошкоджено вхідні двері.",
    "Будинок підключено до програми «Енергодім».",
    "Покрівля над під'їздом 3 протікає під час злив.",
    "На даху встановлено базову станцію мобільного зв'язку.",
]


def person(rng: random.Random) -> str:
    first, middle = rng.choice(names.FIRST_NAMES), rng.choice(names.FIRST_NAMES)
    return f"{rng.choice(names.SURNAMES)} {first[0]}. {middle[0]}."


def maybe(rng: random.Random, p_unknown: float, value):
    """The value, or unknown (None) with probability p_unknown: real sheets have gaps."""
    return None if rng.random() < p_unknown else value


def yes_no(rng: random.Random, p_yes: float, p_unknown: float = 0.08):
    return maybe(rng, p_unknown, rng.random() < p_yes)


def sheet_values(b, *, heat_service: str | None, housing_service: str, district_no: int) -> dict:
    """The sheet of one building (a generator BuildingRec), drawn from its own seed."""
    rng = random.Random(f"sheet:{b.key}")
    floors, walls, year = b.floors, b.wall, b.year_built
    new = walls == "monolith"
    high = floors >= 10
    footprint = b.footprint.area
    total = round(footprint * floors * rng.uniform(0.8, 0.88), 1)
    living = round(total * rng.uniform(0.6, 0.68), 1)
    common = round(total * rng.uniform(0.11, 0.16), 1)
    series_pool = SERIES.get((walls, min(floors, 12) if floors >= 9 else floors), ["індивідуальний проєкт"])
    heating_type = "central"
    if new:
        heating_type = rng.choices(["central", "boiler_house", "individual"], [5, 3, 2])[0]
    provider = heat_service if heating_type == "central" else None
    gas = "none" if high else "network"
    stoves = "electric" if high else "gas"
    age = 2026 - (year or 1975)
    if new:
        state = rng.choices(["good", "satisfactory"], [9, 1])[0]
    elif age > 55:
        state = rng.choices(["good", "satisfactory", "unsatisfactory", "emergency"], [1, 10, 7, 1])[0]
    else:
        state = rng.choices(["good", "satisfactory", "unsatisfactory", "emergency"], [6, 11, 3, 0.2])[0]
    major = None
    if year and age > 25 and rng.random() < 0.4:
        major = rng.randint(max(year + 20, 1995), 2025)
    current = rng.randint(max(year or 2000, 2018), 2026) if rng.random() < 0.7 else None
    energy = None
    if rng.random() < 0.35:
        energy = (
            rng.choice(["B", "C"])
            if new or (major and major >= 2015)
            else rng.choice(["D", "E", "E", "F", "G"])
        )
    company, company_phone = HOUSING_COMPANIES[housing_service]
    condominium = b.management == "condominium"
    chair = person(rng) if condominium else ""
    values = dict(
        cadastral_number=maybe(
            rng,
            0.1,
            f"{CADASTRAL_PREFIX}:{district_no:02d}:{rng.randint(1, 60):03d}:{rng.randint(1, 9999):04d}",
        ),
        registry_number=maybe(rng, 0.15, str(rng.randint(10**11, 10**13 - 1))),
        series=maybe(rng, 0.1, rng.choice(series_pool)),
        non_residential_premises=maybe(rng, 0.05, b.shops),
        total_area=maybe(rng, 0.06, total),
        living_area=maybe(rng, 0.08, living),
        common_area=maybe(rng, 0.2, common),
        roof_type=maybe(
            rng,
            0.05,
            "flat_membrane"
            if new
            else (
                "flat_roll" if floors >= 9 else rng.choice(["pitched_slate", "flat_roll", "pitched_metal"])
            ),
        ),
        has_basement=yes_no(rng, 0.95, 0.04),
        has_technical_floor=yes_no(rng, 0.9 if floors >= 9 else 0.1, 0.1),
        heating_type=maybe(rng, 0.03, heating_type),
        heating_provider=provider,
        has_heat_meter=None if heating_type == "individual" else yes_no(rng, 0.75),
        cold_water="central",
        hot_water=maybe(
            rng,
            0.05,
            "individual"
            if heating_type == "individual"
            else rng.choice(["central", "central", "individual"]),
        ),
        sewerage="central",
        has_water_meter=yes_no(rng, 0.85),
        gas_supply=maybe(rng, 0.03, gas),
        stoves=maybe(rng, 0.03, stoves),
        has_gas_meter=False if gas == "none" else yes_no(rng, 0.6),
        has_electricity_meter=yes_no(rng, 0.9),
        condominium_chair=chair,
        chair_phone=catalogue.mobile(rng) if condominium else "",
        managing_company=housing_service if b.management == "managing_company" else None,
        responsible_person=chair if condominium else person(rng),
        responsible_phone=catalogue.mobile(rng),
        emergency_phone=company_phone,
        technical_state=maybe(rng, 0.04, state),
        last_major_repair_year=major,
        last_current_repair_year=current,
        energy_class=energy,
        has_ramp=yes_no(rng, 0.35, 0.15),
        has_wheelchair_lift=yes_no(rng, 0.03, 0.2),
        accessibility_notes=rng.choice(ACCESS_NOTES) if rng.random() < 0.12 else "",
        notes=rng.choice(NOTES) if rng.random() < 0.1 else "",
    )
    if floors >= 9:
        values["elevators"] = _elevators(rng, b)
    else:
        values["elevators"] = []
    return values


def _elevators(rng: random.Random, b) -> list[dict]:
    out = []
    per_entrance = 2 if b.floors >= 12 else 1
    for entrance in range(1, b.entrances + 1):
        for n in range(per_entrance):
            year = b.year_built
            if year and year <= 2012 and rng.random() < 0.3:
                year = rng.randint(max(year + 10, 2008), 2024)  # replaced since
            out.append(
                dict(
                    entrance=entrance,
                    year=year,
                    state=rng.choices(["working", "needs_repair", "out_of_service"], [80, 15, 5])[0],
                    capacity_kg=630 if n == 1 else 400,
                )
            )
    return out


def _contractor_for(rng: random.Random, system: str) -> str:
    fitting = [c[0] for c in CONTRACTORS if system in c[4]]
    return rng.choice(fitting) if fitting else ""


def work_records(b, *, housing_service: str, elevators: list[dict]) -> list[dict]:
    """The works log of one building, 2024–2027, drawn from its own seed."""
    rng = random.Random(f"works:{b.key}")
    systems = [s for s, _k in WORK_TITLES]
    if not elevators:
        systems = [s for s in systems if s != "elevator"]
    if b.floors >= 10:
        systems = [s for s in systems if s != "gas"]
    own = HOUSING_COMPANIES[housing_service][0]
    span = (LAST_DAY - FIRST_DAY).days
    out = []
    for n in range(rng.randint(2, 7)):
        system = rng.choice(sorted(set(systems)))
        kinds = sorted({k for s, k in WORK_TITLES if s == system})
        kind = rng.choice(kinds)
        planned = FIRST_DAY + timedelta(days=rng.randint(0, span))
        if kind == "emergency":
            planned = min(planned, AS_OF)
        status, done = "planned", None
        if planned <= AS_OF - timedelta(days=30):
            status = rng.choices(["done", "cancelled", "planned", "in_progress"], [88, 4, 3, 5])[0]
        elif planned <= AS_OF:
            status = rng.choices(["done", "in_progress", "planned"], [55, 40, 5])[0]
        if kind == "emergency" and planned <= AS_OF - timedelta(days=3):
            status = rng.choices(["done", "in_progress"], [95, 5])[0]
        if status == "done":
            late = rng.randint(0, 3) if kind == "emergency" else rng.randint(-10, 40)
            done = min(planned + timedelta(days=late), AS_OF)
        lo, hi = EXPENSIVE.get((system, kind), COST[kind])
        cost = round(rng.uniform(lo, hi), -1 if hi < 20000 else -2)
        if rng.random() < 0.08:
            cost = None
        if status == "planned" and rng.random() < 0.3:
            cost = None  # not estimated yet
        contractor = _contractor_for(rng, system) if rng.random() < 0.7 else own
        if status == "planned" and rng.random() < 0.25:
            contractor = ""
        entrance = rng.randint(1, b.entrances) if b.entrances and rng.random() < 0.3 else None
        if system == "elevator" and elevators:
            entrance = rng.choice(elevators)["entrance"]
        out.append(
            dict(
                src_id=f"work-{b.key}-{n}",
                building=b.key,
                entrance=entrance,
                system=system,
                kind=kind,
                title=rng.choice(WORK_TITLES[(system, kind)]),
                planned_date=planned.isoformat(),
                done_date=done.isoformat() if done else "",
                contractor=contractor,
                status=status,
                cost=f"{cost:.2f}" if cost is not None else "",
                notes="",
            )
        )
    return out

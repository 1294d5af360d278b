"""The request categories the portal ships: groups, categories, icons and Open311 attributes.

One source for the loader (which keeps RequestCategory in step with it), the demo routing
rules and the tests. Icons are short symbols from the DejaVu Sans repertoire (no icon font,
no emoji font needed). `area_kind` names the kind of service area whose polygons decide who
answers (None: the category is served city-wide). Attributes follow the Open311 GeoReport v2
service definition (datatype string / number / datetime / text / singlevaluelist /
multivaluelist); the web form shows the same questions.
"""

from __future__ import annotations

from typing import NamedTuple


class Group(NamedTuple):
    slug: str
    name_uk: str
    name_en: str
    icon: str
    colour: str


class Category(NamedTuple):
    slug: str
    group: str
    name_uk: str
    name_en: str
    icon: str
    area_kind: str | None
    description_uk: str
    description_en: str
    keywords: str = ""
    duplicate_radius_m: int = 250
    attributes: tuple[dict, ...] = ()


def _yes_no(code: str, order: int, uk: str, en: str, required: bool = False) -> dict:
    return {
        "code": code,
        "datatype": "singlevaluelist",
        "required": required,
        "order": order,
        "description_uk": uk,
        "description_en": en,
        "values": [
            {"key": "yes", "name_uk": "так", "name_en": "yes"},
            {"key": "no", "name_uk": "ні", "name_en": "no"},
        ],
    }


GROUPS: list[Group] = [
    Group("roads", "Дороги і тротуари", "Roads and pavements", "▤", "#b45309"),
    Group("lighting", "Вуличне освітлення", "Street lighting", "☼", "#ca8a04"),
    Group("housing", "Житлові будинки", "Housing", "⌂", "#7c3aed"),
    Group("water", "Водопостачання і каналізація", "Water and sewerage", "≈", "#0284c7"),
    Group("heating", "Тепло і гаряча вода", "Heating and hot water", "♨", "#dc2626"),
    Group("waste", "Сміття", "Waste", "♻", "#4d7c0f"),
    Group("greenery", "Зелені насадження", "Trees and parks", "♣", "#15803d"),
    Group("transport", "Громадський транспорт", "Public transport", "⇄", "#0369a1"),
    Group("public_order", "Громадський порядок", "Public order", "⚑", "#1e3a8a"),
    Group("other", "Інше", "Other", "…", "#57534e"),
]

CATEGORIES: list[Category] = [
    # roads
    Category("pothole", "roads", "Яма на дорозі", "Pothole", "◍", "roads_lighting",
             "Вибоїна або провал дорожнього покриття.", "A pothole or a sunken road surface.",
             "яма, вибоїна, асфальт, дорога", attributes=(
                 {"code": "size", "datatype": "singlevaluelist", "required": False, "order": 1,
                  "public": True,
                  "description_uk": "Розмір ями", "description_en": "Size of the pothole",
                  "values": [
                      {"key": "small", "name_uk": "менше 30 см", "name_en": "under 30 cm"},
                      {"key": "medium", "name_uk": "30–100 см", "name_en": "30–100 cm"},
                      {"key": "large", "name_uk": "понад 1 м", "name_en": "over 1 m"},
                  ]},
             )),
    Category("pavement", "roads", "Пошкоджений тротуар", "Damaged pavement", "▥", "roads_lighting",
             "Зруйнована плитка, бордюр, сходи або пандус.", "Broken paving, kerb, steps or ramp.",
             "тротуар, плитка, бордюр, пандус"),
    Category("snow_ice", "roads", "Сніг або ожеледь", "Snow or ice", "❄", "roads_lighting",
             "Неприбрана дорога або тротуар узимку.", "A road or pavement not cleared in winter.",
             "сніг, ожеледь, ковзко, прибирання", duplicate_radius_m=150),
    Category("road_signs", "roads", "Дорожні знаки і розмітка", "Road signs and markings", "⚠",
             "roads_lighting", "Пошкоджений, відсутній або непомітний знак чи розмітка.",
             "A damaged, missing or faded sign or road marking.", "знак, розмітка, світлофор"),
    # lighting
    Category("street_light_out", "lighting", "Не світить ліхтар", "Street light out", "☼",
             "roads_lighting", "Ліхтар не горить увечері або блимає.",
             "A street light is dark at night or flickers.", "ліхтар, освітлення, темно", attributes=(
                 {"code": "pole_number", "datatype": "string", "required": False, "order": 1,
                  "public": True,
                  "description_uk": "Номер опори (на табличці), якщо видно",
                  "description_en": "Pole number (on its plate), if you can see it"},
             )),
    Category("light_daytime", "lighting", "Освітлення горить удень", "Lights on in daytime", "☀",
             "roads_lighting", "Вуличні ліхтарі горять удень.", "Street lights burning in daylight.",
             "ліхтар, день, енергія"),
    Category("light_pole", "lighting", "Пошкоджена опора або дріт", "Damaged pole or wire", "⚡",
             "roads_lighting", "Нахилена опора, обірваний або звисаючий дріт.",
             "A leaning pole, a broken or hanging wire.", "опора, дріт, небезпека"),
    # housing
    Category("roof_leak", "housing", "Протікає дах", "Leaking roof", "☂", "housing",
             "Протікання покрівлі або стелі під дахом.", "The roof or the top-floor ceiling leaks.",
             "дах, покрівля, протікає", duplicate_radius_m=30, attributes=(
                 {"code": "entrance", "datatype": "number", "required": False, "order": 1,
                  "description_uk": "Номер під'їзду", "description_en": "Entrance number"},
             )),
    Category("entrance", "housing", "Стан під'їзду", "Entrance hall", "⌂", "housing",
             "Двері, вікна, сходи, освітлення або прибирання під'їзду.",
             "Doors, windows, stairs, lights or cleaning of an entrance hall.",
             "під'їзд, двері, прибирання", duplicate_radius_m=30),
    Category("elevator", "housing", "Не працює ліфт", "Lift out of order", "⇅", "housing",
             "Ліфт стоїть або працює з перебоями.", "The lift is stopped or unreliable.",
             "ліфт", duplicate_radius_m=30, attributes=(
                 {"code": "entrance", "datatype": "number", "required": False, "order": 1,
                  "description_uk": "Номер під'їзду", "description_en": "Entrance number"},
                 _yes_no("people_inside", 2, "Чи є люди в кабіні?", "Is anyone trapped inside?", True),
             )),
    Category("basement", "housing", "Підтоплений підвал", "Flooded basement", "▼", "housing",
             "Вода або нечистоти в підвалі будинку.", "Water or sewage in the basement.",
             "підвал, вода, затоплення", duplicate_radius_m=30),
    # water
    Category("no_water", "water", "Немає води", "No water supply", "∅", "water",
             "Немає холодної води або слабкий тиск.", "No cold water or very low pressure.",
             "вода, тиск, водопостачання", attributes=(
                 _yes_no("whole_building", 1, "Води немає в усьому будинку?",
                         "Is the whole building without water?"),
                 {"code": "since", "datatype": "datetime", "required": False, "order": 2,
                  "description_uk": "Відколи немає води", "description_en": "Since when",
                  "datatype_description_uk": "дата і час, напр. 2026-03-01T08:00",
                  "datatype_description_en": "date and time, e.g. 2026-03-01T08:00"},
             )),
    Category("water_leak", "water", "Порив водогону", "Water main leak", "≈", "water",
             "Вода б'є з-під землі або тече з люка.", "Water bursting from the ground or a manhole.",
             "порив, витік, вода", attributes=(
                 {"code": "place", "datatype": "singlevaluelist", "required": False, "order": 1,
                  "description_uk": "Де тече", "description_en": "Where is the leak",
                  "values": [
                      {"key": "street", "name_uk": "на вулиці", "name_en": "in the street"},
                      {"key": "yard", "name_uk": "у дворі", "name_en": "in a yard"},
                      {"key": "building", "name_uk": "у будинку", "name_en": "in a building"},
                  ]},
             )),
    Category("sewer", "water", "Засмічення каналізації", "Blocked sewer", "◌", "water",
             "Каналізація не відводить, вилив нечистот.", "Sewage backing up or overflowing.",
             "каналізація, засмічення"),
    Category("open_manhole", "water", "Відкритий люк", "Open manhole", "○", "water",
             "Відкритий або зламаний каналізаційний чи водопровідний люк.",
             "An open or broken manhole cover.", "люк, кришка, небезпека", duplicate_radius_m=100),
    # heating
    Category("no_heating", "heating", "Немає опалення", "No heating", "♨", "heating",
             "Холодні батареї в опалювальний сезон.", "Cold radiators in the heating season.",
             "опалення, батареї, холодно", attributes=(
                 _yes_no("whole_building", 1, "Холодно в усьому будинку?",
                         "Is the whole building cold?"),
             )),
    Category("hot_water", "heating", "Немає гарячої води", "No hot water", "♒", "heating",
             "Гарячої води немає або вона ледь тепла.", "No hot water, or it is barely warm.",
             "гаряча вода, ГВП"),
    Category("heat_leak", "heating", "Порив тепломережі", "Heating main leak", "☁", "heating",
             "Пара або гаряча вода з-під землі, розмитий ґрунт.",
             "Steam or hot water from the ground, washed-out soil.", "тепломережа, пара, порив"),
    # waste
    Category("missed_collection", "waste", "Не вивезли сміття", "Missed waste collection", "♻", None,
             "Переповнені контейнери, сміття не вивезли за графіком.",
             "Overflowing bins, waste not collected on schedule.", "сміття, контейнер, вивіз",
             attributes=(
                 {"code": "containers", "datatype": "multivaluelist", "required": False, "order": 1,
                  "description_uk": "Які контейнери", "description_en": "Which containers",
                  "values": [
                      {"key": "mixed", "name_uk": "змішані відходи", "name_en": "mixed waste"},
                      {"key": "recycling", "name_uk": "роздільний збір", "name_en": "recycling"},
                      {"key": "bulky", "name_uk": "великогабаритні", "name_en": "bulky waste"},
                  ]},
             )),
    Category("illegal_dump", "waste", "Стихійне звалище", "Illegal dumping", "▲", None,
             "Купи сміття, будівельні відходи в недозволеному місці.",
             "Piles of rubbish or building waste where they should not be.", "звалище, сміття"),
    Category("bins_damaged", "waste", "Пошкоджені контейнери", "Damaged bins", "▭", None,
             "Зламаний, спалений або відсутній контейнер.", "A broken, burnt or missing bin.",
             "контейнер, урна", duplicate_radius_m=100),
    # greenery
    Category("dangerous_tree", "greenery", "Аварійне дерево", "Dangerous tree", "♠", None,
             "Дерево або гілка можуть впасти, повалене дерево.",
             "A tree or branch that may fall, or a fallen tree.", "дерево, гілка, падіння",
             duplicate_radius_m=100),
    Category("mowing", "greenery", "Покіс трави, амброзія", "Grass mowing, ragweed", "♣", None,
             "Висока трава або амброзія на газонах.", "Tall grass or ragweed on lawns.",
             "трава, покіс, амброзія"),
    Category("park", "greenery", "Пошкодження в парку чи сквері", "Damage in a park", "✿", None,
             "Зламані лавки, огорожі, доріжки в парках і скверах.",
             "Broken benches, fences or paths in parks and squares.", "парк, сквер, лавка"),
    Category("playground", "greenery", "Дитячий майданчик", "Playground", "☺", None,
             "Небезпечне або зламане обладнання дитячого майданчика.",
             "Unsafe or broken playground equipment.", "майданчик, гойдалка, діти",
             duplicate_radius_m=100),
    # transport
    Category("bus_stop", "transport", "Зупинка транспорту", "Public transport stop", "⇄", None,
             "Пошкоджений павільйон, немає розкладу або лавки.",
             "A damaged shelter, no timetable or bench.", "зупинка, павільйон, розклад",
             duplicate_radius_m=100),
    Category("route_service", "transport", "Робота маршруту", "Route service", "⇆", None,
             "Автобус не їде за розкладом, переповнений або оминає зупинку.",
             "A bus off schedule, overcrowded or skipping a stop.", "автобус, маршрут, розклад",
             attributes=(
                 {"code": "route", "datatype": "string", "required": True, "order": 1,
                  "description_uk": "Номер маршруту", "description_en": "Route number"},
             )),
    # public order
    Category("noise", "public_order", "Порушення тиші", "Noise", "♪", None,
             "Гучна музика, ремонт або гуляння в заборонений час.",
             "Loud music, building work or parties at forbidden hours.", "шум, тиша, музика"),
    Category("abandoned_car", "public_order", "Покинутий автомобіль", "Abandoned car", "⊡", None,
             "Розукомплектований автомобіль, що довго стоїть у дворі.",
             "A stripped car left in a yard for a long time.", "автомобіль, машина, двір",
             duplicate_radius_m=50),
    Category("street_trade", "public_order", "Стихійна торгівля", "Unauthorised street trade", "⚖", None,
             "Торгівля в недозволеному місці.", "Trading where it is not allowed.", "торгівля, МАФ"),
    Category("graffiti", "public_order", "Графіті, вандалізм", "Graffiti, vandalism", "✎", None,
             "Написи, реклама наркотиків, пошкоджене майно.",
             "Graffiti, drug adverts, damaged property.", "графіті, напис, вандалізм",
             duplicate_radius_m=100),
    # other
    Category("other", "other", "Інше", "Other", "…", None,
             "Проблема, якої немає в переліку: її прочитає відділ роботи зі зверненнями.",
             "A problem not in the list: the citizens' requests office will read it.", ""),
]  # fmt: skip


def group_of(slug: str) -> Group:
    return next(g for g in GROUPS if g.slug == slug)

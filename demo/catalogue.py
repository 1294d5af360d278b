"""What the demo city's facilities are called, who runs them, when they open, how to call.

`describe(category, n, rng)` returns the attributes of the n-th facility of a category.
Names are Ukrainian with an English form; phone numbers use the city's code (05348).
"""

from __future__ import annotations

import random

from demo import names
from demo.names import transliterate

COUNCIL = "Горішньоплавнівська міська рада"
MAIL_DOMAIN = "plavni.example"  # a reserved domain: the demo must not mail real addresses

OFFICE_HOURS = "Mo-Th 08:00-17:00; Fr 08:00-15:45"
HOURS = {
    "social_service": [OFFICE_HOURS],
    "school": ["Mo-Fr 07:30-18:00"],
    "kindergarten": ["Mo-Fr 07:00-19:00"],
    "extracurricular": ["Mo-Fr 09:00-19:00; Sa 10:00-15:00"],
    "hospital": ["24/7"],
    "clinic": ["Mo-Fr 08:00-19:00; Sa 08:00-14:00"],
    "pharmacy": ["Mo-Su 08:00-20:00", "24/7", "Mo-Fr 08:00-20:00; Sa,Su 09:00-18:00"],
    "dentistry": ["Mo-Fr 09:00-19:00; Sa 09:00-14:00"],
    "library": ["Tu-Sa 09:00-18:00"],
    "culture_centre": ["Mo-Su 10:00-20:00"],
    "museum": ["We-Su 10:00-17:00"],
    "sports_ground": ["24/7"],
    "sports_facility": ["Mo-Su 07:00-21:00", "Mo-Sa 08:00-20:00"],
    "utility_company": [OFFICE_HOURS],
    "utility_office": ["Mo-Fr 08:00-17:00; Sa 08:00-13:00", OFFICE_HOURS],
    "bus_stop": [""],
    "taxi": ["24/7"],
    "railway_station": ["Mo-Su 05:00-23:00"],
    "admin_service_centre": ["Mo,We,Fr 08:00-17:00; Tu,Th 08:00-20:00; Sa 08:00-15:00"],
    "council_office": [OFFICE_HOURS],
    "police": ["24/7"],
    "post_office": ["Mo-Fr 09:00-18:00; Sa 09:00-15:00"],
    "bank": ["Mo-Fr 09:00-18:00", "Mo-Fr 09:00-17:00; Sa 09:00-14:00"],
    "grocery": ["Mo-Su 08:00-21:00", "Mo-Su 07:00-22:00", "Mo-Sa 08:00-20:00; Su 09:00-18:00"],
    "supermarket": ["Mo-Su 08:00-22:00", "Mo-Su 07:30-23:00"],
    "market": ["Tu-Su 06:00-14:00"],
    "nonfood_shop": ["Mo-Sa 09:00-19:00; Su 09:00-15:00", "Mo-Fr 09:00-18:00; Sa 09:00-15:00"],
    "cafe": ["Mo-Su 09:00-22:00", "Mo-Su 08:00-20:00", "Mo-Su 10:00-23:00"],
    "restaurant": ["Mo-Su 11:00-23:00", "Mo-Th 11:00-22:00; Fr-Su 11:00-24:00"],
    "canteen": ["Mo-Fr 08:00-16:00"],
    "fast_food": ["Mo-Su 09:00-21:00", "Mo-Su 10:00-22:00"],
    "hairdresser": ["Mo-Sa 09:00-19:00", "Mo-Su 09:00-20:00"],
    "repair": ["Mo-Fr 09:00-18:00; Sa 10:00-14:00"],
    "car_service": ["Mo-Sa 08:00-19:00"],
    "park": ["24/7"],
    "monument": [""],
    "religious": ["Mo-Su 07:00-19:00"],
    "recreation": ["May-Sep: Mo-Su 08:00-20:00", "24/7"],
}

ACCESS = [
    "Пандус біля входу",
    "Вхід з рівня тротуару",
    "Сходи без пандуса; кнопка виклику персоналу",
    "Пандус і доступна вбиральня",
    "",
]


def landline(rng: random.Random) -> str:
    return f"+380 5348 {rng.choice('2345')}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"


def mobile(rng: random.Random) -> str:
    op = rng.choice(["50", "66", "67", "68", "73", "93", "95", "96", "97", "98", "99"])
    return f"+380 {op} {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"


def fop(rng: random.Random) -> str:
    first = rng.choice(names.FIRST_NAMES)
    return f"ФОП {rng.choice(names.SURNAMES)} {first[0]}."


def _pick(rng: random.Random, pool: list[str]) -> str:
    return rng.choice(pool)


def _en(uk: str, generic_en: str | None = None) -> str:
    """English name: a translation of the kind of place plus the transliterated proper name."""
    if "«" in uk and generic_en:
        proper = uk[uk.index("«") + 1 : uk.rindex("»")]
        return f'{generic_en} "{transliterate(proper)}"'
    if generic_en:
        return generic_en
    return names.quoted_en(uk)


def _kind_and_name(rng: random.Random, kinds: list[tuple[str, str]]) -> tuple[str, str]:
    kind_uk, kind_en = rng.choice(kinds)
    proper = rng.choice(names.PROPER_NAMES)
    return f"{kind_uk} «{proper}»", f'{kind_en} "{transliterate(proper)}"'


def describe(category: str, n: int, rng: random.Random) -> dict:
    """Attributes of the n-th (1-based) generated facility of a category."""
    d = dict(
        operator="",
        phones=[],
        email="",
        website="",
        hours=rng.choice(HOURS[category]),
        description="",
        access=rng.choice(ACCESS),
    )
    institution = False
    if category == "school":
        d["name_uk"], d["name_en"] = f"Ліцей № {n}", f"Lyceum No. {n}"
        d["description"] = "Заклад загальної середньої освіти, 1–11 класи."
        slug, institution = f"school{n}", True
    elif category == "kindergarten":
        proper = names.KINDERGARTEN_NAMES[(n - 1) % len(names.KINDERGARTEN_NAMES)]
        d["name_uk"] = f"Заклад дошкільної освіти № {n} «{proper}»"
        d["name_en"] = f'Preschool No. {n} "{transliterate(proper)}"'
        slug, institution = f"zdo{n}", True
    elif category == "extracurricular":
        pool = [
            ("Центр дитячої та юнацької творчості", "Children and Youth Creativity Centre"),
            ("Станція юних техніків", "Young Technicians' Station"),
            ("Дитяча музична школа", "Children's Music School"),
            ("Дитяча художня школа", "Children's Art School"),
            ("Будинок дитячої творчості", "House of Children's Creativity"),
            ("Центр туризму і краєзнавства", "Tourism and Local History Centre"),
            ("Школа мистецтв", "School of Arts"),
        ]
        d["name_uk"], d["name_en"] = pool[(n - 1) % len(pool)]
        slug, institution = f"pozashkillia{n}", True
    elif category == "hospital":
        pool = [
            ("Лікарня інтенсивного лікування «Горішньоплавнівська»",
             'Intensive Care Hospital "Horishnoplavnivska"'),
            ("Міський пологовий будинок", "City Maternity Hospital"),
        ]  # fmt: skip
        d["name_uk"], d["name_en"] = pool[(n - 1) % len(pool)]
        slug, institution = f"hospital{n}", True
    elif category == "clinic":
        pool = [
            ("Міська поліклініка", "City Polyclinic"),
            ("Дитяча поліклініка", "Children's Polyclinic"),
            ("Центр первинної медичної допомоги", "Primary Care Centre"),
            ("Медичний центр «Здоров'я»", "Medical Centre"),
            ("Амбулаторія сімейної медицини", "Family Medicine Practice"),
            ("Лабораторія «Діагност»", "Laboratory"),
            ("Жіноча консультація", "Women's Health Clinic"),
        ]
        uk, en = pool[(n - 1) % len(pool)]
        d["name_uk"] = uk if n <= len(pool) else f"{uk} № {n}"
        d["name_en"] = _en(d["name_uk"], en) if "«" in uk else (en if n <= len(pool) else f"{en} No. {n}")
        slug, institution = f"clinic{n}", True
    elif category == "pharmacy":
        pool = ["Аптека «Подорожник»", "Аптека «Бажаємо здоров'я»", "Аптека «АНЦ»",
                "Аптека «Медпрепарати»", "Аптека «9-1-1»", "Аптека «Доброго дня»",
                "Аптека «Зелена аптека»", "Аптека «Копійка»", "Аптека «Знахар»", "Аптека «Віталюкс»"]  # fmt: skip
        d["name_uk"] = _pick(rng, pool)
        d["name_en"] = _en(d["name_uk"], "Pharmacy")
        d["operator"] = f"ТОВ «{d['name_uk'][8:-1]}»"
        d["phones"] = [mobile(rng)]
    elif category == "dentistry":
        proper = _pick(rng, ["Дентал", "Усмішка", "Стома-Люкс", "Перлина", "Білий зуб", "Дент-Арт"])
        d["name_uk"] = f"Стоматологія «{proper}»"
        d["name_en"] = f'Dental Clinic "{transliterate(proper)}"'
        d["operator"], d["phones"] = fop(rng), [mobile(rng)]
    elif category == "library":
        if n == 1:
            d["name_uk"], d["name_en"] = "Центральна міська бібліотека", "Central City Library"
        elif n == 2:
            d["name_uk"], d["name_en"] = "Центральна дитяча бібліотека", "Central Children's Library"
        else:
            d["name_uk"], d["name_en"] = f"Бібліотека-філія № {n - 2}", f"Branch Library No. {n - 2}"
        slug, institution = f"library{n}", True
    elif category == "culture_centre":
        pool = [("Палац культури «Гірник»", "Palace of Culture"), ("Будинок культури «Дніпро»", "House of Culture"),
                ("Кінотеатр «Мир»", "Cinema"), ("Центр дозвілля «Мрія»", "Leisure Centre")]  # fmt: skip
        uk, en = pool[(n - 1) % len(pool)]
        d["name_uk"], d["name_en"] = uk, _en(uk, en)
        slug, institution = f"culture{n}", True
    elif category == "museum":
        pool = [("Історико-краєзнавчий музей", "Museum of Local History"),
                ("Музей гірничої справи", "Mining Museum")]  # fmt: skip
        d["name_uk"], d["name_en"] = pool[(n - 1) % len(pool)]
        slug, institution = f"museum{n}", True
    elif category == "sports_ground":
        pool = [("Спортивний майданчик", "Sports ground"), ("Футбольне поле", "Football pitch"),
                ("Вуличні тренажери", "Outdoor gym"), ("Баскетбольний майданчик", "Basketball court"),
                ("Воркаут-майданчик", "Street workout park")]  # fmt: skip
        d["name_uk"], d["name_en"] = _pick(rng, pool) if n > 1 else pool[0]
        d["operator"] = "КП «Благоустрій міста»"
    elif category == "sports_facility":
        pool = [("Стадіон «Гірник»", "Stadium"), ("Басейн «Дельфін»", "Swimming Pool"),
                ("Дитячо-юнацька спортивна школа № 1", "Youth Sports School No. 1"),
                ("Дитячо-юнацька спортивна школа № 2", "Youth Sports School No. 2"),
                ("Спорткомплекс «Олімп»", "Sports Complex"), ("Тенісні корти", "Tennis Courts"),
                ("Фітнес-клуб «Енергія»", "Fitness Club"), ("Зал боксу «Чемпіон»", "Boxing Gym"),
                ("Шаховий клуб", "Chess Club"), ("Льодова ковзанка", "Ice Rink"),
                ("Спортивний клуб «Титан»", "Sports Club"), ("Веслувальна база", "Rowing Base")]  # fmt: skip
        uk, en = pool[(n - 1) % len(pool)]
        d["name_uk"], d["name_en"] = uk, _en(uk, en)
        slug, institution = f"sport{n}", n <= 5
    elif category == "utility_office":
        pool = [("Абонентський відділ КП «Водоканал»", "Vodokanal customer office"),
                ("Каса КП «Теплоенерго»", "Teploenerho cash desk"),
                ("Центр обслуговування «Полтаваенергозбут»", "Electricity supplier customer centre"),
                ("Газопостачальна компанія — абонентський пункт", "Gas supplier customer point"),
                ("Пункт прийому комунальних платежів", "Utility payment point")]  # fmt: skip
        d["name_uk"], d["name_en"] = pool[(n - 1) % len(pool)]
        d["phones"] = [landline(rng)]
    elif category == "taxi":
        d["name_uk"], d["name_en"] = "Стоянка таксі", "Taxi rank"
        d["phones"] = [f"+380 5348 {n}-5-{n}{n}"]
    elif category == "admin_service_centre":
        if n == 1:
            d["name_uk"], d["name_en"] = (
                "Центр надання адміністративних послуг",
                "Administrative Service Centre (TsNAP)",
            )
            d["description"] = (
                "Паспорти, реєстрація місця проживання, соціальні послуги, земельні та будівельні документи."
            )
        else:
            d["name_uk"] = f"Віддалене робоче місце ЦНАП № {n - 1}"
            d["name_en"] = f"TsNAP remote office No. {n - 1}"
        slug, institution = f"cnap{n}", True
    elif category == "police":
        pool = [("Горішньоплавнівський відділ поліції", "Horishni Plavni Police Department"),
                ("Поліцейська станція «Придніпровська»", "Police Station"),
                ("Пост патрульної поліції", "Patrol Police Post")]  # fmt: skip
        uk, en = pool[(n - 1) % len(pool)]
        d["name_uk"], d["name_en"] = uk, _en(uk, en)
        d["phones"] = ["102", landline(rng)]
    elif category == "post_office":
        if n % 2:
            d["name_uk"] = f"Укрпошта — відділення № {39800 + n // 2}"
            d["name_en"] = f"Ukrposhta branch No. {39800 + n // 2}"
            d["operator"] = "АТ «Укрпошта»"
        else:
            d["name_uk"], d["name_en"] = (
                f"Нова пошта — відділення № {n // 2}",
                f"Nova Poshta branch No. {n // 2}",
            )
            d["operator"] = "ТОВ «Нова пошта»"
    elif category == "bank":
        bank = _pick(rng, ["ПриватБанк", "Ощадбанк", "Райффайзен Банк", "ПУМБ", "Укргазбанк", "А-Банк"])
        atm = rng.random() < 0.4
        d["name_uk"] = f"{bank} — {'банкомат' if atm else 'відділення'}"
        d["name_en"] = f"{transliterate(bank)} {'ATM' if atm else 'branch'}"
        d["operator"] = f"АТ «{bank}»"
        if atm:
            d["hours"] = "24/7"
    elif category == "grocery":
        if rng.random() < 0.12:  # a branch of a chain
            brand = _pick(rng, names.SHOP_BRANDS[:7])
            d["name_uk"], d["name_en"] = f"Магазин «{brand}»", f'Shop "{transliterate(brand)}"'
        else:
            d["name_uk"], d["name_en"] = _kind_and_name(rng, names.GROCERY_KINDS)
        d["operator"], d["phones"] = fop(rng), [mobile(rng)]
    elif category == "supermarket":
        brand = _pick(rng, names.SHOP_BRANDS[:7])
        d["name_uk"], d["name_en"] = f"Супермаркет «{brand}»", f'Supermarket "{transliterate(brand)}"'
        d["operator"] = f"ТОВ «{brand}»"
        d["phones"] = [landline(rng)]
    elif category == "market":
        pool = [
            "Центральний ринок",
            "Ринок «Північний»",
            "Ринок «Молодіжний»",
            "Міні-ринок «Придніпровський»",
        ]
        d["name_uk"] = pool[(n - 1) % len(pool)]
        d["name_en"] = _en(d["name_uk"], "Market") if "«" in d["name_uk"] else "Central Market"
        d["operator"] = "КП «Міський ринок»"
        d["phones"] = [landline(rng)]
    elif category == "nonfood_shop":
        if rng.random() < 0.05:
            uk = _pick(rng, names.SHOP_BRANDS[7:])
            d["name_uk"], d["name_en"] = uk, names.quoted_en(uk)
        else:
            d["name_uk"], d["name_en"] = _kind_and_name(rng, names.NONFOOD_KINDS)
        d["operator"], d["phones"] = fop(rng), [mobile(rng)]
    elif category == "cafe":
        d["name_uk"], d["name_en"] = _kind_and_name(rng, names.CAFE_KINDS)
        d["operator"], d["phones"] = fop(rng), [mobile(rng)]
    elif category in ("restaurant", "fast_food"):
        pool = {"restaurant": names.RESTAURANT_NAMES, "fast_food": names.FASTFOOD_NAMES}[category]
        uk = _pick(rng, pool)
        d["name_uk"], d["name_en"] = uk, names.quoted_en(uk)
        d["operator"], d["phones"] = fop(rng), [mobile(rng)]
    elif category == "canteen":
        d["name_uk"], d["name_en"] = f"Їдальня № {n}", f"Canteen No. {n}"
        d["operator"] = "КП «Комбінат громадського харчування»"
    elif category in ("hairdresser", "repair"):
        d["name_uk"], d["name_en"] = _kind_and_name(rng, names.SERVICE_KINDS[category])
        d["operator"], d["phones"] = fop(rng), [mobile(rng)]
    elif category == "car_service":
        uk = _pick(rng, names.SERVICE_NAMES[category])
        d["name_uk"], d["name_en"] = uk, names.quoted_en(uk)
        d["operator"], d["phones"] = fop(rng), [mobile(rng)]
    elif category == "social_service":
        pool = [("Управління соціального захисту населення", "Social Protection Department"),
                ("Центр соціальних служб", "Social Services Centre"),
                ("Територіальний центр соціального обслуговування", "Territorial Social Care Centre"),
                ("Пенсійний фонд — сервісний центр", "Pension Fund service centre"),
                ("Центр зайнятості", "Employment Centre"),
                ("Служба у справах дітей", "Children's Affairs Service"),
                ("Інклюзивно-ресурсний центр", "Inclusive Resource Centre"),
                ("Центр реабілітації дітей з інвалідністю", "Rehabilitation Centre for Children with Disabilities"),
                ("Пункт незламності", "Resilience Point"),
                ("Центр підтримки ветеранів", "Veterans Support Centre")]  # fmt: skip
        uk, en = pool[(n - 1) % len(pool)]
        suffix = "" if n <= len(pool) else f" (філія {n - len(pool)})"
        d["name_uk"], d["name_en"] = uk + suffix, en + (f" (branch {n - len(pool)})" if suffix else "")
        slug, institution = f"social{n}", True
    elif category == "park":
        pool = [("Центральний парк", "Central Park"), ("Парк «Придніпровський»", "Park"),
                ("Сквер Героїв", "Heroes' Square"), ("Сквер «Молодіжний»", "Square"),
                ("Парк «Гірник»", "Park"), ("Сквер біля ЦНАП", "Square by the TsNAP"),
                ("Алея Слави", "Alley of Glory"), ("Дитячий парк «Казка»", "Children's Park"),
                ("Сквер «Сонячний»", "Square"), ("Ботанічна алея", "Botanical Alley")]  # fmt: skip
        uk, en = pool[(n - 1) % len(pool)]
        d["name_uk"], d["name_en"] = uk, _en(uk, en)
        d["operator"] = "КП «Зеленбуд»"
    elif category == "monument":
        pool = [("Пам'ятник Тарасові Шевченку", "Taras Shevchenko Monument"),
                ("Меморіал Героям російсько-української війни", "Memorial to the Heroes of the Russo-Ukrainian War"),
                ("Пам'ятник гірникам", "Monument to the Miners"),
                ("Пам'ятний знак ліквідаторам аварії на ЧАЕС", "Chornobyl Liquidators Memorial"),
                ("Пам'ятник Лесі Українці", "Lesia Ukrainka Monument"),
                ("Стела «Горішні Плавні»", 'City stele "Horishni Plavni"'),
                ("Пам'ятний знак жертвам Голодомору", "Holodomor Victims Memorial"),
                ("Скульптура «Покрова»", "Sculpture of the Protection"),
                ("Пам'ятник Героям Небесної Сотні", "Heavenly Hundred Memorial")]  # fmt: skip
        uk, en = pool[(n - 1) % len(pool)]
        d["name_uk"] = uk if n <= len(pool) else f"{uk} (сквер {n - len(pool)})"
        d["name_en"] = en if n <= len(pool) else f"{en} (square {n - len(pool)})"
        d["access"] = ""
    elif category == "religious":
        pool = [("Свято-Покровський храм", "Church of the Protection of the Theotokos"),
                ("Церква святого Миколая", "St Nicholas Church"),
                ("Храм святого Володимира", "St Volodymyr Church"),
                ("Церква святого Георгія", "St George Church"),
                ("Римо-католицька каплиця", "Roman Catholic Chapel")]  # fmt: skip
        uk, en = pool[(n - 1) % len(pool)]
        d["name_uk"] = uk if n <= len(pool) else f"{uk} (парафія {n - len(pool) + 1})"
        d["name_en"] = en if n <= len(pool) else f"{en} (parish {n - len(pool) + 1})"
    elif category == "recreation":
        pool = [("Міський пляж", "City Beach"), ("Човнова станція", "Boat Station"),
                ("Набережна Дніпра", "Dnipro Embankment"), ("Рибальський причал", "Fishing Pier")]  # fmt: skip
        d["name_uk"], d["name_en"] = pool[(n - 1) % len(pool)]
        d["operator"] = "КП «Зеленбуд»"
    elif category == "council_office":
        d["name_uk"], d["name_en"] = COUNCIL, "Horishni Plavni City Council"
        d["description"] = "Міський голова, виконавчий комітет, прийом громадян."
        slug, institution = "rada", True
    elif category == "utility_company":
        d["name_uk"], d["name_en"] = f"Комунальне підприємство № {n}", f"Municipal company No. {n}"
        slug, institution = f"kp{n}", True
    elif category == "bus_stop":
        d["name_uk"], d["name_en"] = "Зупинка", "Stop"
    elif category == "railway_station":
        d["name_uk"], d["name_en"] = "Залізнична станція Горішні Плавні", "Horishni Plavni railway station"
        d["operator"] = "АТ «Укрзалізниця»"
    else:
        raise ValueError(f"no catalogue entry for category {category!r}")
    if institution:
        d["operator"] = d["operator"] or COUNCIL
        d["phones"] = d["phones"] or [landline(rng)]
        d["email"] = f"{slug}@{MAIL_DOMAIN}"
        d["website"] = f"https://{slug}.{MAIL_DOMAIN}/"
    return d

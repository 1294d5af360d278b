"""Ukrainian names for the demo city and their English forms.

English forms use the official Ukrainian-Latin transliteration (Cabinet of Ministers
resolution No. 55 of 2010), the one on Ukrainian road signs and passports.
"""

from __future__ import annotations

import re

_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie",
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l",
    "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu",
    "я": "ia",
}  # fmt: skip
# At the start of a word these letters are written differently.
_WORD_START = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
_APOSTROPHES = "'’ʼ`"


def transliterate(text: str) -> str:
    """Transliterate Ukrainian text to Latin letters (KMU 2010), keeping case."""
    text = text.replace("зг", "zgh").replace("Зг", "Zgh").replace("ЗГ", "ZGH")
    out = []
    word_start = True
    for ch in text:
        low = ch.lower()
        if ch in _APOSTROPHES:
            continue
        if low in _TRANSLIT:
            latin = _WORD_START[low] if word_start and low in _WORD_START else _TRANSLIT[low]
            if ch.isupper() and latin:
                latin = latin[0].upper() + latin[1:]
            out.append(latin)
            word_start = False
        else:
            out.append(ch)
            word_start = not ch.isalpha()
    return "".join(out)


def quoted_en(text: str) -> str:
    """«Назва» → 'Nazva' in transliteration; the rest of the words are transliterated too."""
    return re.sub(r"[«»]", '"', transliterate(text))


# Streets. Kind + core name; the real streets of the city that its data mention come first.
STREET_KINDS_UK = {
    "street": "вулиця",
    "avenue": "проспект",
    "boulevard": "бульвар",
    "lane": "провулок",
    "passage": "проїзд",
    "road": "дорога",
}
STREET_KINDS_EN = {
    "street": "Street",
    "avenue": "Avenue",
    "boulevard": "Boulevard",
    "lane": "Lane",
    "passage": "Passage",
    "road": "Road",
}

# Streets along the river (west to east) and across it, with the real names placed where
# the real addresses of the city's pharmacies put them.
LONG_STREETS = [
    "Набережна", "Дніпровська", "Козацька", "Шкільна", "Героїв Дніпра",
    "Добровольського", "Незалежності", "Соборна", "Будівельників", "Залізнична",
    "Промислова",
]  # fmt: skip
CROSS_STREETS = [
    "Лесі Українки", "Івана Франка", "Григорія Сковороди", "Кар'єрна", "Садова",
    "Тараса Шевченка", "Паркова", "Миру", "Гірників", "Молодіжна", "В'ячеслава Чорновола",
    "Солов'їна", "Квітнева", "Сонячна", "Степова",
]  # fmt: skip
LANE_NAMES = [
    "Вишневий", "Калиновий", "Тополиний", "Каштановий", "Озерний", "Луговий", "Польовий",
    "Зелений", "Весняний", "Тихий", "Ставковий", "Піщаний", "Рибальський", "Затишний",
    "Об'їзний", "Яблуневий", "Кленовий", "Ясеновий", "Березовий", "Гайовий",
]  # fmt: skip

DISTRICTS = [
    # (source id, Ukrainian, English)
    ("district-west", "Західний", "Zakhidnyi"),
    ("district-hirnytskyi", "Гірницький", "Hirnytskyi"),
    ("district-centre", "Центральний", "Tsentralnyi"),
    ("district-molodizhnyi", "Молодіжний", "Molodizhnyi"),
    ("district-prydniprovskyi", "Придніпровський", "Prydniprovskyi"),
    ("district-budivelnykiv", "Будівельників", "Budivelnykiv"),
    ("district-sonyachnyi", "Сонячний", "Soniachnyi"),
    ("district-north", "Північний", "Pivnichnyi"),
]

KINDERGARTEN_NAMES = [
    "Сонечко", "Калинка", "Барвінок", "Веселка", "Казка", "Ромашка", "Дзвіночок",
    "Ластівка", "Берізка", "Золотий ключик", "Світлячок", "Журавлик", "Пролісок",
    "Теремок", "Малятко", "Джерельце",
]  # fmt: skip
SHOP_BRANDS = [
    "АТБ-Маркет", "Сільпо", "Varus", "Наш край", "Фора", "Копійочка", "Аврора",
    "Ева", "Watsons", "Епіцентр К", "Фокстрот", "Comfy", "Eldorado",
]  # fmt: skip
GROCERY_NAMES = [
    "Продукти", "Мінімаркет «Оксана»", "Магазин «Надія»", "Продукти «Світанок»",
    "Гастроном «Дніпро»", "Магазин «Колосок»", "Мінімаркет «Любава»", "Хліб",
    "М'ясна лавка", "Молочні продукти", "Овочі та фрукти", "Кондитерська «Солодка мрія»",
    "Магазин «Лелека»", "Продукти «Добрий день»", "Мінімаркет «Ярмарок»",
]  # fmt: skip
NONFOOD_NAMES = [
    "Господарські товари", "Квіти", "Одяг", "Взуття", "Будматеріали «Майстер»",
    "Зоотовари «Лапа»", "Канцтовари", "Книгарня «Є»", "Мобільний зв'язок",
    "Побутова техніка", "Меблі", "Автозапчастини", "Дитячі товари «Карапуз»",
    "Косметика", "Оптика", "Ювелірна крамниця", "Сантехніка", "Тканини", "Секонд-хенд",
    "Рибальство та полювання", "Електротовари", "Іграшки",
]  # fmt: skip
CAFE_NAMES = [
    "Кав'ярня «Арома»", "Кафе «Затишок»", "Кафе «Зустріч»", "Кав'ярня «Львівські круасани»",
    "Кафе «Бриз»", "Кав'ярня «Зерно»", "Кафе «Каштан»", "Кондитерська «Пиріжкова»",
    "Кафе «Оазис»", "Чайна «Самовар»",
]  # fmt: skip
RESTAURANT_NAMES = [
    "Ресторан «Дніпро»", "Ресторан «Плавні»", "Піцерія «Наполі»", "Суші-бар «Сакура»",
    "Ресторан «Козацька хата»", "Паб «Старий порт»", "Ресторан «Причал»",
]  # fmt: skip
FASTFOOD_NAMES = ["Шаурма", "Бургерна «Гриль»", "Хот-доги", "Піца на виніс", "Млинці", "Вареничня"]
SERVICE_NAMES = {
    "hairdresser": ["Перукарня «Шарм»", "Салон краси «Орхідея»", "Перукарня", "Барбершоп «Бритва»",
                    "Манікюрний салон «Нігтик»", "Салон краси «Афродіта»"],
    "repair": ["Ремонт взуття", "Ремонт телефонів", "Ремонт побутової техніки", "Виготовлення ключів",
               "Ремонт годинників", "Ательє «Голка»", "Хімчистка", "Фотоцентр «Кадр»",
               "Ремонт комп'ютерів"],
    "car_service": ["СТО «Автомайстер»", "Шиномонтаж", "Автомийка", "СТО «Мотор»", "Автоелектрик"],
}  # fmt: skip

FIRST_NAMES = [
    "Олена", "Ірина", "Наталія", "Тетяна", "Світлана", "Оксана", "Людмила", "Галина",
    "Андрій", "Олександр", "Сергій", "Віктор", "Юрій", "Микола", "Володимир", "Ігор",
]  # fmt: skip
SURNAMES = [
    "Коваленко", "Бондаренко", "Шевченко", "Ткаченко", "Кравченко", "Мельник", "Олійник",
    "Лисенко", "Гончаренко", "Руденко", "Савченко", "Петренко", "Марченко", "Левченко",
]  # fmt: skip

# Proper names small businesses give themselves: combined with the kind of business they make
# names that repeat as rarely as they do in a real town.
PROPER_NAMES = [
    "Оксана", "Надія", "Світанок", "Колосок", "Любава", "Лелека", "Добрий день", "Ярмарок", "Мрія",
    "Берізка", "Калина", "Веселка", "Затишок", "Смак", "Злагода", "Весна", "Вікторія", "Маруся",
    "Дніпро", "Плавні", "Гірник", "Каштан", "Явір", "Сузір'я", "Лан", "Криниця", "Сонях",
    "Чайка", "Барвінок", "Добробут", "Родина", "Ласунка", "Золотий колос", "Пролісок", "Оберіг",
    "Смачно", "Дім і сад", "Господар", "Квітка", "Віра", "Олена", "Тетяна", "Галинка", "Іванко",
    "Зоряна", "Терем", "Сад", "Нива", "Вітрило", "Фортуна", "Лагуна", "Бриз", "Арома", "Зерно",
]  # fmt: skip
GROCERY_KINDS = [
    ("Продукти", "Groceries"), ("Мінімаркет", "Minimarket"), ("Магазин", "Shop"),
    ("Гастроном", "Delicatessen"), ("Хлібна крамниця", "Bakery shop"), ("М'ясна лавка", "Butcher's"),
    ("Овочі та фрукти", "Greengrocer's"), ("Молочна крамниця", "Dairy shop"),
]  # fmt: skip
NONFOOD_KINDS = [
    ("Господарські товари", "Household goods"), ("Квіти", "Flowers"), ("Одяг", "Clothes"),
    ("Взуття", "Shoes"), ("Будматеріали", "Building materials"), ("Зоотовари", "Pet shop"),
    ("Канцтовари", "Stationery"), ("Книгарня", "Bookshop"), ("Мобільний зв'язок", "Mobile phones"),
    ("Побутова техніка", "Appliances"), ("Меблі", "Furniture"), ("Автозапчастини", "Car parts"),
    ("Дитячі товари", "Children's goods"), ("Косметика", "Cosmetics"), ("Оптика", "Optician"),
    ("Ювелірна крамниця", "Jeweller's"), ("Сантехніка", "Plumbing"), ("Тканини", "Fabrics"),
    ("Секонд-хенд", "Second-hand"), ("Рибальство та полювання", "Fishing and hunting"),
    ("Електротовари", "Electrical goods"), ("Іграшки", "Toys"),
]  # fmt: skip
CAFE_KINDS = [
    ("Кафе", "Café"),
    ("Кав'ярня", "Coffee shop"),
    ("Кондитерська", "Patisserie"),
    ("Чайна", "Tea house"),
]
SERVICE_KINDS = {
    "hairdresser": [("Перукарня", "Hairdresser"), ("Салон краси", "Beauty salon"), ("Барбершоп", "Barbershop"),
                    ("Манікюрний салон", "Nail salon")],
    "repair": [("Ремонт взуття", "Shoe repair"), ("Ремонт телефонів", "Phone repair"),
               ("Ремонт побутової техніки", "Appliance repair"), ("Ательє", "Tailor"), ("Хімчистка", "Dry cleaner"),
               ("Фотоцентр", "Photo studio"), ("Ремонт комп'ютерів", "Computer repair"), ("Майстерня", "Workshop")],
}  # fmt: skip

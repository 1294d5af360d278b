"""The facility category tree the portal ships: groups and their categories.

One source for the demo generator (which assigns these slugs) and the loader (which keeps
the Category table in step with it). Colours are the marker colours on the map; icons are
short symbols drawn on the markers (no icon font is loaded from anywhere), chosen from
the DejaVu Sans repertoire so that they render without emoji fonts.
"""

from __future__ import annotations

from typing import NamedTuple


class Node(NamedTuple):
    slug: str
    name_uk: str
    name_en: str
    icon: str
    colour: str


GROUPS: list[tuple[Node, list[Node]]] = [
    (
        Node("social", "Соціальна сфера", "Social services", "♥", "#b5179e"),
        [Node("social_service", "Соціальні служби", "Social services", "♥", "#b5179e")],
    ),
    (
        Node("education", "Освіта", "Education", "✎", "#1d4ed8"),
        [
            Node("school", "Школи та ліцеї", "Schools", "✎", "#1d4ed8"),
            Node("kindergarten", "Дитячі садки", "Kindergartens", "☺", "#3b82f6"),
            Node("extracurricular", "Позашкільна освіта", "Out-of-school education", "✪", "#60a5fa"),
        ],
    ),
    (
        Node("health", "Охорона здоров'я", "Health", "✚", "#dc2626"),
        [
            Node("hospital", "Лікарні", "Hospitals", "H", "#b91c1c"),
            Node("clinic", "Поліклініки та амбулаторії", "Clinics", "✚", "#dc2626"),
            Node("pharmacy", "Аптеки", "Pharmacies", "℞", "#16a34a"),
            Node("dentistry", "Стоматологія", "Dentists", "D", "#f87171"),
        ],
    ),
    (
        Node("culture", "Культура", "Culture", "♫", "#7c3aed"),
        [
            Node("library", "Бібліотеки", "Libraries", "B", "#7c3aed"),
            Node("culture_centre", "Палаци та будинки культури", "Culture centres", "♫", "#8b5cf6"),
            Node("museum", "Музеї", "Museums", "M", "#6d28d9"),
        ],
    ),
    (
        Node("sports", "Спорт", "Sports", "◉", "#ea580c"),
        [
            Node("sports_ground", "Спортивні майданчики", "Sports grounds", "◉", "#f97316"),
            Node("sports_facility", "Стадіони, басейни, спортшколи", "Sports facilities", "S", "#c2410c"),
        ],
    ),
    (
        Node("utility", "Комунальні послуги", "Utilities", "⚒", "#0f766e"),
        [
            Node("utility_company", "Комунальні підприємства", "Utility companies", "⚒", "#0f766e"),
            Node("utility_office", "Абонентські відділи та каси", "Utility customer offices", "₴", "#14b8a6"),
        ],
    ),
    (
        Node("transport", "Транспорт", "Transport", "⇄", "#0369a1"),
        [
            Node("bus_stop", "Зупинки громадського транспорту", "Public transport stops", "⇄", "#0369a1"),
            Node("taxi", "Стоянки таксі", "Taxi ranks", "T", "#0284c7"),
            Node("railway_station", "Залізничні станції", "Railway stations", "⚐", "#075985"),
        ],
    ),
    (
        Node("administrative", "Адміністративні послуги", "Administrative services", "★", "#a16207"),
        [
            Node("admin_service_centre", "ЦНАП", "Administrative service centres", "★", "#a16207"),
            Node(
                "council_office", "Міська рада та управління", "City council and departments", "⌂", "#ca8a04"
            ),
            Node("police", "Поліція", "Police", "P", "#1e3a8a"),
            Node("post_office", "Пошта", "Post offices", "✉", "#eab308"),
            Node("bank", "Банки та банкомати", "Banks", "₴", "#854d0e"),
        ],
    ),
    (
        Node("trade", "Торгівля", "Shops", "▣", "#4d7c0f"),
        [
            Node("grocery", "Продуктові магазини", "Grocery shops", "▣", "#65a30d"),
            Node("supermarket", "Супермаркети", "Supermarkets", "S", "#4d7c0f"),
            Node("market", "Ринки", "Markets", "R", "#3f6212"),
            Node("nonfood_shop", "Непродовольчі магазини", "Other shops", "▲", "#84cc16"),
        ],
    ),
    (
        Node("food", "Заклади харчування", "Food and drink", "☕", "#9a3412"),
        [
            Node("cafe", "Кафе та кав'ярні", "Cafés", "☕", "#9a3412"),
            Node("restaurant", "Ресторани", "Restaurants", "♨", "#7c2d12"),
            Node("canteen", "Їдальні", "Canteens", "C", "#c2410c"),
            Node("fast_food", "Швидке харчування", "Fast food", "F", "#fb923c"),
        ],
    ),
    (
        Node("services", "Побутові послуги", "Everyday services", "✂", "#57534e"),
        [
            Node("hairdresser", "Перукарні та салони краси", "Hairdressers and beauty", "✂", "#78716c"),
            Node("repair", "Ремонт і побутові послуги", "Repairs and household services", "⚙", "#57534e"),
            Node("car_service", "Автосервіс", "Car services", "A", "#44403c"),
        ],
    ),
    (
        Node("poi", "Цікаві місця", "Points of interest", "✦", "#be185d"),
        [
            Node("park", "Парки та сквери", "Parks and squares", "♣", "#15803d"),
            Node("monument", "Пам'ятники", "Monuments", "✦", "#be185d"),
            Node("religious", "Храми", "Places of worship", "✝", "#9d174d"),
            Node("recreation", "Відпочинок біля води", "Riverside recreation", "≈", "#0891b2"),
        ],
    ),
]


def leaf_slugs() -> list[str]:
    return [child.slug for _group, children in GROUPS for child in children]

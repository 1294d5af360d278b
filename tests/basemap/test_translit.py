"""English names by the national transliteration (CMU resolution No. 55 of 2010): the library the
basemap uses, and the database function its tiles call, agree with the resolution's examples and
with each other on every name of the city."""

from __future__ import annotations

import pytest
from django.db import connection

from basemap.translit import transliterate
from city.models import District, Street
from facilities.models import Facility

# Examples printed in the resolution's table.
RESOLUTION = {
    "Згорани": "Zghorany",
    "Розгон": "Rozghon",
    "Щербухи": "Shcherbukhy",
    "Гаращенко": "Harashchenko",
    "Їжакевич": "Yizhakevych",
    "Кадиївка": "Kadyivka",
    "Яготин": "Yahotyn",
    "Знам'янка": "Znamianka",
    "Юрій": "Yurii",
    "Алушта": "Alushta",
    "Євген": "Yevhen",
    "Короп'є": "Koropie",
    "Гадяч": "Hadiach",
    "Ґалаґан": "Galagan",
    "Марія": "Mariia",
    "Стрий": "Stryi",
    "Ярошенко": "Yaroshenko",
    "Костянтин": "Kostiantyn",
    "Рівне": "Rivne",
    "Феодосія": "Feodosiia",
    "Юрій Гаращенко": "Yurii Harashchenko",
}

HARD_CASES = [
    "вулиця В’ячеслава Чорновола",  # typographic apostrophe
    "провулок Ярослава Мудрого",
    "ЮРІЙ ЯРОШЕНКО",  # all capitals stay capitals
    "Зграя, зграя, ЗГРАЯ",
    "вулиця Гетьмана Івана Мазепи-Їжакевича",  # word start after a hyphen
    "Кур'єр; Ньютон; піранья",
    "Ліцей № 1 «Гармонія»",
    "вул. 8 Березня",
]


def db_transliterate(names: list[str]) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT misto_translit_uk(x) FROM unnest(%s::text[]) WITH ORDINALITY AS t(x, n) ORDER BY n",
            [names],
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.parametrize(("ukrainian", "latin"), RESOLUTION.items())
def test_the_library_follows_the_resolution(ukrainian, latin):
    assert transliterate(ukrainian) == latin


@pytest.mark.django_db
def test_the_database_function_follows_the_resolution():
    assert db_transliterate(list(RESOLUTION)) == list(RESOLUTION.values())


@pytest.mark.django_db
def test_the_database_function_agrees_with_the_library_on_every_name_of_the_city(city):
    names = [
        *Street.objects.values_list("name_uk", flat=True),
        *District.objects.values_list("name_uk", flat=True),
        *Facility.objects.values_list("name_uk", flat=True),
        *HARD_CASES,
    ]
    assert len(names) > 1000
    assert db_transliterate(names) == [transliterate(name) for name in names]

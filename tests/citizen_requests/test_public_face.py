"""The public face of a request is derived, never copied: the published address comes from
the request's point (the building or the street there), what the resident typed stays a
private note; the published text hides names in every case, phones, e-mails, flats and
identity numbers; only public category answers are shown, masked; staff of the service and
the front office may correct the published text, recorded in the audit trail."""

from __future__ import annotations

import html
import importlib
import json
import time

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client

from citizen_requests import permissions
from citizen_requests.attributes import answers_display
from citizen_requests.exceptions import TransitionRefused
from citizen_requests.models import Event, Request, Service, ServiceMembership
from citizen_requests.personal_data import HIDDEN, street_names, text_mask_personal_data
from citizen_requests.services.moderation import request_moderate
from tests.citizen_requests.builders import area_point, building_point, file_request, user
from tests.citizen_requests.test_intake import form

TYPED = "вулиця Миру, 9, кв. 12, Коваленко О. тел 0507654321"
TEXT = "Глибока яма біля під'їзду, Олені Коваленко вже двічі пошкодила колесо. Дзвоніть 050-765-43-21."
PERSONAL = ("кв. 12", "Коваленко", "0507654321", "Олені", "765-43-21", "050-765")
PLACE = "вулиця Миру, 1"


def public_bodies(client: Client, r: Request) -> dict[str, str]:
    """Every public interface that shows the request, as text a person or a program reads."""

    def text(response) -> str:
        assert response.status_code == 200, response
        if response.get("Content-Type", "").startswith("application/json"):
            return json.dumps(response.json(), ensure_ascii=False)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return html.unescape(body.decode())

    n, p = r.number, r.location
    bbox = f"{p.x - 0.01},{p.y - 0.01},{p.x + 0.01},{p.y + 0.01}"
    gets = {
        "page": (f"/requests/{n}/", {}),
        "list": ("/requests/", {}),
        "list search": ("/requests/", {"q": "яма"}),
        "api list": ("/api/v1/requests/", {}),
        "api bbox": ("/api/v1/requests/", {"bbox": bbox}),
        "api detail": (f"/api/v1/requests/{n}/", {}),
        "open311 list json": ("/open311/v2/requests.json", {}),
        "open311 list xml": ("/open311/v2/requests.xml", {}),
        "open311 one json": (f"/open311/v2/requests/{n}.json", {}),
        "open311 one xml": (f"/open311/v2/requests/{n}.xml", {}),
        "open311 filter json": ("/open311/v2/requests.json", {"service_code": r.category.slug}),
        "open311 filter xml": ("/open311/v2/requests.xml", {"service_request_id": n}),
        "open311 status": ("/open311/v2/requests.json", {"status": "open"}),
        "export.csv": ("/requests/export.csv", {}),
        "feed": ("/requests/feed/", {}),
        "nearby hints": ("/requests/new/nearby/", {"category": r.category.slug, "lat": p.y, "lon": p.x}),
    }
    return {name: text(client.get(path, params)) for name, (path, params) in gets.items()}


@pytest.fixture
def filed(city, client):
    """The testers' example, filed by a resident through the real form at a building on Миру."""
    resident = user("resident")
    client.force_login(resident)
    point = building_point(PLACE)
    response = client.post("/requests/new/", form(point, address=TYPED, text=TEXT))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Request.objects.get(applicant=resident, address_note=TYPED)


def test_no_public_interface_shows_the_typed_address_or_personal_data(filed):
    assert filed.address == PLACE and filed.address_note == TYPED
    bodies = public_bodies(Client(), filed)
    assert len(bodies) == 16
    for name, body in bodies.items():
        assert filed.number in body, name
        for token in PERSONAL:
            assert token not in body, f"{token!r} published in {name}"
    for name in ("page", "list", "api detail", "open311 one json", "open311 one xml", "export.csv",
                 "feed", "nearby hints"):  # fmt: skip
        assert PLACE in bodies[name], name


def test_the_applicant_and_the_service_see_the_address_note_and_the_original(filed):
    for who in ("resident", "registrar"):  # the applicant and the front office
        client = Client()
        client.force_login(user(who))
        page = html.unescape(client.get(f"/requests/{filed.number}/").content.decode())
        assert TYPED in page and "Олені Коваленко" in page, who
    other = Client()
    other.force_login(User.objects.create_user("neighbour", "n@example.test", "x"))
    page = html.unescape(other.get(f"/requests/{filed.number}/").content.decode())
    assert TYPED not in page and "Коваленко" not in page


def test_the_street_only_setting_publishes_just_the_street(city, settings):
    settings.MISTO_PUBLIC_ADDRESS = "street"
    r = file_request(location=building_point(PLACE), address=TYPED)
    assert r.address == "вулиця Миру" and r.address_note == TYPED


def test_the_data_migration_derives_the_address_of_existing_requests_and_goes_back(city):
    r = file_request(location=building_point(PLACE))
    Request.objects.filter(pk=r.pk).update(address=TYPED, address_note="")  # as before the migration
    migration = importlib.import_module("citizen_requests.migrations.0006_public_face")
    with connection.schema_editor() as editor:
        migration.derive(None, editor)
    r.refresh_from_db()
    assert (r.address, r.address_note) == (PLACE, TYPED)
    with connection.schema_editor() as editor:
        migration.restore(None, editor)
    r.refresh_from_db()
    assert r.address == TYPED


# -- masking ---------------------------------------------------------------------------------------

STREETS = {("миру",), ("шевченка",), ("лесі", "українки"), ("героїв", "дніпра")}


def mask(text: str, names=()) -> str:
    return text_mask_personal_data(text, names=names, streets=STREETS)


@pytest.mark.parametrize(
    "form_of_name",
    ["Олена", "Олени", "Олені", "Олену", "Оленою", "Коваленко", "Коваленка", "Коваленком",
     "Петрович", "Петровича", "Петровичу", "Іван", "Івана", "Іваном", "Ользі", "Шевчук", "Стуса"],
)  # fmt: skip
def test_a_name_is_hidden_in_every_grammatical_case(form_of_name):
    masked = mask(f"Вчора приходив до {form_of_name} майстер, але нічого не зробив.")
    assert form_of_name not in masked and HIDDEN in masked


@pytest.mark.parametrize("word", ["Гнатюка", "Гнатюком", "гнатюку", "Петра", "Петром", "петрові"])
def test_the_applicant_s_own_name_is_hidden_in_any_case_and_spelling(word):
    masked = mask(f"Прошу відповісти {word} на пошту.", names=("Петро Гнатюк",))
    assert word not in masked


def test_a_full_name_with_initials_becomes_one_mark():
    assert mask("Заявник: Коваленко О. П., дуже просимо.") == f"Заявник: {HIDDEN}, дуже просимо."
    assert mask("Олена Коваленко просить полагодити.") == f"{HIDDEN} просить полагодити."


def test_english_and_transliterated_names_are_hidden():
    masked = mask("Mr Smith and John called; Olena Kovalenko too. Contact Ivan or Maria.")
    for name in ("Smith", "John", "Olena", "Kovalenko", "Ivan", "Maria"):
        assert name not in masked
    assert "called" in masked and "Contact" in masked


@pytest.mark.parametrize(
    "text",
    ["Не горить ліхтар на вулиці Шевченка біля школи.", "Яма на Лесі Українки, 5, навпроти аптеки.",
     "Опора № 12-45 на проспекті Героїв Дніпра.", "Shevchenko Street is dark at night.",
     "Світло не горить з 12.03.2025, будинок 15, 2 ліхтарі, 150 метрів.",
     "Горішні Плавні, Україна: Водоканал не відповідає, Дніпро поруч."],
)  # fmt: skip
def test_street_names_places_dates_and_house_numbers_are_not_hidden(text):
    assert mask(text) == text


@pytest.mark.parametrize(
    "phone",
    ["+380 50 123 45 67", "+380501234567", "050-123-45-67", "(050) 123-45-67", "0501234567",
     "050 123 45 67", "(050)1234567", "38 050 123 4567", "2-21-40-15"],
)  # fmt: skip
def test_phones_in_every_common_form_are_hidden(phone):
    masked = mask(f"Мій телефон {phone}, дзвоніть увечері.")
    assert masked == f"Мій телефон {HIDDEN}, дзвоніть увечері."


@pytest.mark.parametrize(
    ("text", "secret"),
    [("Пишіть на olena.k+misto@gmail.com будь ласка", "olena.k"),
     ("Живу в кв. 12 на третьому поверсі", "12"), ("квартира 45а протікає", "45"),
     ("Мешкаю: кв.7", "7"), ("I live in flat 3, apt 5", "3"),
     ("Мій РНОКПП 3012345678 для довідки", "3012345678"),
     ("паспорт КВ 123456 виданий", "123456"), ("ID-картка 001234567", "001234567"),
     ("IBAN UA21 3223 1300 0002 6007 2335 6600 1 для компенсації", "6600"),
     ("IBAN UA213223130000026007233566001", "UA21")],
)  # fmt: skip
def test_e_mails_flats_tax_passport_numbers_and_ibans_are_hidden(text, secret):
    assert secret not in mask(text)


def test_masking_a_typical_description_takes_about_a_millisecond(city):
    streets = street_names()
    text = (
        "Біля будинку на вулиці Шевченка, 12 не горить ліхтар уже третій тиждень. Дзвонила "
        "Олені Петрівні з ЖЕКу, вона сказала звернутися сюди. Мій телефон 050-123-45-67."
    )
    text_mask_personal_data(text, names=("Петро Гнатюк",), streets=streets)  # the analyser loads once
    started = time.perf_counter()
    for i in range(50):
        text_mask_personal_data(f"{text} {i}", names=("Петро Гнатюк",), streets=streets)
    assert (time.perf_counter() - started) / 50 < 0.02


# -- category answers ---------------------------------------------------------------------------------


def test_public_answers_are_masked_and_private_answers_never_shown(city):
    r = file_request(
        category="street_light_out",
        location=building_point(PLACE),
        attributes={"pole_number": ["Опора 17, ключ у Петренка, 0671234567"]},
    )
    page = html.unescape(Client().get(f"/requests/{r.number}/").content.decode())
    assert "Опора 17" in page and "Петренка" not in page and "0671234567" not in page
    roof = file_request(
        category="roof_leak", location=area_point("area-housing-2"), attributes={"entrance": ["3"]}
    )
    definitions = roof.category.attributes
    assert answers_display(definitions, roof.attributes, public=True) == []
    assert answers_display(definitions, roof.attributes) == [("Номер під'їзду", "3")]
    assert "Номер під&#x27;їзду" not in Client().get(f"/requests/{roof.number}/").content.decode()


# -- moderation ---------------------------------------------------------------------------------------


@pytest.fixture
def housing(city):
    r = file_request(category="entrance", text=TEXT, location=area_point("area-housing-2"), address=TYPED)
    assert r.service.source_id == "svc-zhytloservis-2"
    User.objects.create_user("neighbour", "n@example.test", "x")
    other = User.objects.create_user("otherhead", "o@example.test", "x", is_staff=True)
    other.groups.add(Group.objects.get(name="Service heads"))
    ServiceMembership.objects.create(
        service=Service.objects.get(source_id="svc-vodokanal"), user=other, position="head"
    )
    return r


@pytest.mark.parametrize("who", ["registrar", "head", "executor"])
def test_the_service_and_the_front_office_edit_the_published_text_with_an_audit_event(housing, who):
    client = Client()
    client.force_login(user(who))
    edited = "Глибока яма біля під'їзду пошкоджує колеса."
    response = client.post(
        f"/requests/{housing.number}/moderate/", {"text_public": edited, "address": "вулиця Шкільна, 7"}
    )
    assert response.status_code == 302
    housing.refresh_from_db()
    assert housing.text_public == edited and housing.address == "вулиця Шкільна, 7"
    assert housing.text == TEXT and housing.address_note == TYPED  # the original is kept
    event = housing.events.get(kind=Event.Kind.MODERATED)
    assert event.actor == user(who) and not event.is_public
    assert event.data["text_public"][1] == edited and "Олені" not in event.data["text_public"][0]
    public = html.unescape(Client().get(f"/requests/{housing.number}/").content.decode())
    assert edited in public and "вулиця Шкільна, 7" in public
    staff_page = html.unescape(client.get(f"/requests/{housing.number}/").content.decode())
    assert edited in staff_page and TEXT in staff_page


@pytest.mark.parametrize("who", [None, "resident", "neighbour", "otherhead"])
def test_the_applicant_other_services_and_visitors_may_not_edit_it(housing, who):
    client = Client()
    if who:
        client.force_login(user(who))
    before = housing.text_public
    response = client.post(f"/requests/{housing.number}/moderate/", {"text_public": "Інше", "address": ""})
    assert response.status_code == 403
    housing.refresh_from_db()
    assert housing.text_public == before and not housing.events.filter(kind=Event.Kind.MODERATED).exists()
    assert not permissions.can_moderate(user(who) if who else None, housing)
    with pytest.raises(TransitionRefused):
        request_moderate(request=housing, actor=user(who) if who else None, text_public="x", address="")


def test_the_moderation_history_is_for_staff_only(housing):
    request_moderate(request=housing, actor=user("head"), text_public="Яма біля під'їзду.", address="")
    public = html.unescape(Client().get(f"/requests/{housing.number}/").content.decode())
    assert "Яма біля під'їзду." in public and "Олені" not in public and "Коваленко" not in public
    assert "published text edited" not in public and "змінено опублікований текст" not in public
    staff = Client()
    staff.force_login(user("head"))
    page = html.unescape(staff.get(f"/requests/{housing.number}/").content.decode())
    assert "Олені Коваленко" in page  # old → new in the history, for staff


def test_the_refresh_command_re_masks_old_published_text_but_keeps_moderated_text(filed):
    import io

    from django.core.management import call_command
    from django.utils import timezone

    Request.objects.filter(pk=filed.pk).update(text_public=TEXT, address=TYPED)
    call_command("requests_public_refresh", stdout=io.StringIO())
    filed.refresh_from_db()
    assert "Олені" not in filed.text_public and "765-43-21" not in filed.text_public
    assert filed.address == PLACE
    Request.objects.filter(pk=filed.pk).update(
        text_public="Виправлено модератором", public_edited_at=timezone.now()
    )
    call_command("requests_public_refresh", stdout=io.StringIO())
    filed.refresh_from_db()
    assert filed.text_public == "Виправлено модератором"

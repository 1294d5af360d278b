"""Filing a request: residents and visitors, the hromada boundary, addresses, the e-mail
confirmation, limits against spam, personal data in the published text, questions of a
category, working-day deadlines and the receipt (sent after commit, exactly once)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.gis.geos import Point
from django.core import mail, signing
from django.core.management import call_command
from django.utils import timezone
from django.utils.html import escape

from citizen_requests.calendar import working_days_add
from citizen_requests.exceptions import InvalidAttribute, OutsideCity, RequestRefused
from citizen_requests.forms import FORM_SALT
from citizen_requests.models import Event, Notification, Request
from citizen_requests.services.intake import Contact
from tests.citizen_requests.builders import CENTRE, building_point, file_request, user

OUTSIDE = Point(33.30, 49.20, srid=4326)  # fields north-west of the hromada


def started(seconds_ago: float = 5) -> str:
    moment = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=seconds_ago)
    return signing.TimestampSigner(salt=FORM_SALT).sign(moment.isoformat())


def form(point: Point | None = None, **over) -> dict:
    point = point or building_point(CENTRE)
    data = {
        "category": "pothole",
        "text": "Глибока яма посеред проїжджої частини біля під'їзду.",
        "lat": f"{point.y:.7f}",
        "lon": f"{point.x:.7f}",
        "address": "",
        "visibility": "public",
        "name": "Петро Гнатюк",
        "email": "petro@example.test",
        "phone": "",
        "website": "",
        "started": started(),
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def link_in(message) -> str:
    return re.search(r"http://testserver(/requests/\S+/)", message.body).group(1)


# -- residents ------------------------------------------------------------------------------------


def test_a_resident_files_and_gets_a_number_a_service_a_deadline_and_a_receipt(
    city, client, django_capture_on_commit_callbacks
):
    client.force_login(user("resident"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/requests/new/", form(category="street_light_out"))
    request = Request.objects.get(applicant__username="resident")
    assert response.status_code == 302 and response["Location"] == f"/requests/{request.number}/"
    assert re.fullmatch(rf"{timezone.localdate().year}-\d{{6}}", request.number)
    assert request.status == Request.Status.ASSIGNED and request.service.name_uk == "КП «Міськсвітло»"
    assert request.deadline == working_days_add(timezone.localdate(request.submitted_at), 5, [])
    assert [e.kind for e in request.events.all()] == [Event.Kind.FILED, Event.Kind.ROUTED]
    assert len(mail.outbox) == 1
    receipt = mail.outbox[0]
    assert receipt.to == ["resident@misto.localhost"]
    assert request.number in receipt.subject and "зареєстровано" in receipt.subject
    assert "КП «Міськсвітло»" in receipt.body and f"/requests/{request.number}/" in receipt.body
    assert receipt.alternatives and "text/html" == receipt.alternatives[0][1]
    assert Notification.objects.get(request=request).state == Notification.State.SENT
    page = client.get(response["Location"]).content.decode()
    assert request.number in page and "Повідомити" in page


def test_a_request_outside_the_hromada_is_refused_with_a_reason_and_nothing_is_written(city, client):
    before = Request.objects.count()
    with pytest.raises(OutsideCity) as refused:
        file_request(location=OUTSIDE)
    assert "поза межами Горішньоплавнівської громади" in refused.value.message
    client.force_login(user("resident"))
    response = client.post("/requests/new/", form(OUTSIDE))
    assert response.status_code == 400
    assert "поза межами Горішньоплавнівської громади" in response.content.decode()
    assert Request.objects.count() == before


def test_the_place_check_tells_the_form_at_once_that_a_place_is_outside(city, client):
    outside = client.get("/requests/new/place/", {"lat": OUTSIDE.y, "lon": OUTSIDE.x}).json()
    assert outside["inside"] is False and "поза межами" in outside["message"]
    p = building_point(CENTRE)
    inside = client.get("/requests/new/place/", {"lat": p.y, "lon": p.x}).json()
    assert (
        inside == {"inside": True, "address": CENTRE, "district": inside["district"]} and inside["district"]
    )


# -- addresses ---------------------------------------------------------------------------------------


def test_typed_addresses_get_suggestions_of_streets_and_buildings_without_sheet_data(city, client):
    results = client.get("/requests/new/addresses/", {"q": "Миру 1"}).json()["results"]
    assert results[0]["label"] == "вулиця Миру, 1"
    assert {r["street"] for r in results} == {"вулиця Миру"}
    assert all(set(r) == {"label", "street", "house_number", "kind", "lat", "lon"} for r in results)
    street = client.get("/requests/new/addresses/", {"q": "гер дніпра"}).json()["results"]
    assert street[0] == {**street[0], "label": "проспект Героїв Дніпра", "kind": "street"}
    variants = ["вул. Шкільна, 7", "Шкільна 7", "вулиця шкільна,7 Горішні Плавні", "Shkilna Street 7"]
    for text in variants:
        found = client.get("/requests/new/addresses/", {"q": text}).json()["results"]
        assert found and found[0]["label"] == CENTRE, text


def test_a_typed_address_places_the_request_at_the_building(city, client):
    client.force_login(user("resident"))
    response = client.post("/requests/new/", form(lat="", lon="", address="вул. Шкільна, 7"))
    assert response.status_code == 302
    request = Request.objects.get(applicant__username="resident")
    assert request.location.distance(building_point(CENTRE)) < 1e-6  # stored to 7 decimals (1 cm)
    # Published: the building's address; what was typed stays a private note.
    assert request.address == "вулиця Шкільна, 7" and request.house_number == "7"
    assert request.address_note == "вул. Шкільна, 7"


def test_an_unknown_address_is_refused_with_suggestions_to_choose_from(city, client):
    client.force_login(user("resident"))
    response = client.post("/requests/new/", form(lat="", lon="", address="Миру 999"))
    html = response.content.decode()
    assert response.status_code == 400 and "не знайдено серед вулиць і будинків міста" in html
    nowhere = client.post("/requests/new/", form(lat="", lon="", address=""))
    assert "Виберіть місце на мапі або введіть його адресу" in nowhere.content.decode()
    assert not Request.objects.filter(applicant__username="resident").exists()


# -- visitors: e-mail confirmation ------------------------------------------------------------------


def test_a_visitor_confirms_by_e_mail_and_only_then_the_request_is_registered(
    city, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/requests/new/", form(visibility="confidential"))
    assert response.status_code == 302 and response["Location"] == "/requests/new/sent/"
    assert "petro@example.test" in client.get("/requests/new/sent/").content.decode()
    pending = Request.objects.get(applicant_email="petro@example.test")
    assert pending.status == Request.Status.UNCONFIRMED and pending.number is None and pending.service is None
    assert len(mail.outbox) == 1 and "Підтвердіть" in mail.outbox[0].subject
    link = link_in(mail.outbox[0])
    # Nobody sees it yet, not even in the public list.
    assert escape(pending.text) not in client.get("/requests/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        opened = client.get(link)
    pending.refresh_from_db()
    assert pending.status == Request.Status.ASSIGNED and pending.number and pending.email_verified_at
    assert opened["Location"] == f"/requests/{pending.number}/"
    # The confidential request is visible to this browser (it holds the link) …
    assert escape(pending.text) in client.get(opened["Location"]).content.decode()
    # … the receipt carries the private link, and the confirmation link no longer sits in the database.
    assert len(mail.outbox) == 2 and link in mail.outbox[1].body
    assert "link" not in Notification.objects.get(kind="request_confirm", request=pending).context
    assert [e.kind for e in pending.events.all()] == [
        Event.Kind.FILED,
        Event.Kind.CONFIRMED,
        Event.Kind.ROUTED,
    ]
    # Opening the link again (another device) just opens the request.
    other = client.__class__()
    assert other.get(link)["Location"] == f"/requests/{pending.number}/"


def test_an_expired_or_wrong_confirmation_link_registers_nothing(
    city, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/requests/new/", form())
    link = link_in(mail.outbox[0])
    Request.objects.filter(status="unconfirmed").update(
        confirmation_expires_at=timezone.now() - dt.timedelta(hours=1)
    )
    response = client.get(link)
    assert response.status_code == 404 and "Строк дії посилання минув" in response.content.decode()
    assert Request.objects.get(applicant_email="petro@example.test").status == Request.Status.UNCONFIRMED
    assert client.get("/requests/access/not-a-real-key/").status_code == 404
    call_command("requests_purge_unconfirmed")
    assert not Request.objects.filter(applicant_email="petro@example.test").exists()


def test_a_visitor_whose_e_mail_this_browser_verified_files_again_without_a_new_link(
    city, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/requests/new/", form())
    client.get(link_in(mail.outbox[0]))
    response = client.post("/requests/new/", form(category="graffiti", text="Написи на фасаді школи, свіжі."))
    second = Request.objects.filter(category__slug="graffiti").get()
    assert second.number and response["Location"] == f"/requests/{second.number}/"


# -- spam -----------------------------------------------------------------------------------------------


def test_the_honeypot_and_a_too_fast_form_are_refused(city, client, settings):
    before = Request.objects.count()
    bot = client.post("/requests/new/", form(website="http://spam.example"))
    assert bot.status_code == 400 and "не вдалося прийняти" in bot.content.decode()
    settings.MISTO_REQUEST_FORM_MIN_SECONDS = 60
    fast = client.post("/requests/new/", form(started=started(seconds_ago=1)))
    assert fast.status_code == 400
    forged = client.post("/requests/new/", form(started="2026-01-01:forged"))
    assert "Форма застаріла" in forged.content.decode()
    assert Request.objects.count() == before


def test_visitors_are_limited_per_ip_address_and_residents_per_account(city, client, settings):
    settings.MISTO_REQUEST_RATE_LIMITS = {"ip": (2, 3600), "user": (3, 3600), "email": (50, 3600)}
    for n in range(2):
        assert client.post("/requests/new/", form(email=f"v{n}@example.test")).status_code == 302
    refused = client.post("/requests/new/", form(email="v9@example.test"), REMOTE_ADDR="127.0.0.1")
    assert refused.status_code == 400 and "Забагато звернень" in refused.content.decode()
    assert client.post("/requests/new/", form(), REMOTE_ADDR="10.0.0.7").status_code == 302  # another address
    client.force_login(user("resident"))
    codes = [client.post("/requests/new/", form()).status_code for _ in range(4)]
    assert codes == [302, 302, 302, 400]


def test_staff_filing_for_residents_who_phone_in_are_not_limited(city, client, settings):
    settings.MISTO_REQUEST_RATE_LIMITS = {"ip": (1, 3600), "user": (1, 3600), "email": (1, 3600)}
    client.force_login(user("registrar"))
    assert [client.post("/requests/new/", form()).status_code for _ in range(3)] == [302, 302, 302]


# -- text, questions, deadlines -------------------------------------------------------------------


def test_personal_data_is_hidden_in_the_published_text_only(city):
    text = "Пише Петро Гнатюк, кв. 45. Телефонуйте +380 50 123 45 67 або 050-765-43-21, petro@example.test."
    request = file_request(applicant=None, text=text, contact=Contact("Петро Гнатюк", "petro@example.test"),
                           channel=Request.Channel.OPEN311)  # fmt: skip
    assert request.text == text
    published = request.text_public
    for secret in ("Петро", "Гнатюк", "45", "123 45 67", "765-43-21", "petro@example.test"):
        assert secret not in published
    assert "Телефонуйте" in published and "кв." in published


def test_a_category_s_required_question_must_be_answered_with_one_of_its_choices(city):
    with pytest.raises(InvalidAttribute) as missing:
        file_request(category="elevator", text="Ліфт стоїть другий день у другому під'їзді.")
    assert "Чи є люди в кабіні?" in missing.value.message
    with pytest.raises(InvalidAttribute):
        file_request(
            category="elevator", text="Ліфт стоїть другий день.", attributes={"people_inside": ["maybe"]}
        )
    request = file_request(
        category="elevator",
        text="Ліфт стоїть другий день.",
        attributes={"people_inside": ["no"], "entrance": ["2"]},
    )
    assert request.attributes == {"people_inside": "no", "entrance": 2}
    waste = file_request(category="missed_collection", text="Контейнери переповнені тиждень.",
                         attributes={"containers": ["bulky", "mixed", "bulky"]})  # fmt: skip
    assert waste.attributes == {"containers": ["mixed", "bulky"]}


def test_the_form_sends_only_the_chosen_category_s_answers(city, client):
    client.force_login(user("resident"))
    response = client.post(
        "/requests/new/",
        form(category="elevator", **{"attr_elevator__people_inside": "yes", "attr_roof_leak__entrance": "3"}),
    )
    assert response.status_code == 302
    assert Request.objects.get(applicant__username="resident").attributes == {"people_inside": "yes"}


def test_a_text_too_short_or_too_long_is_refused(city):
    with pytest.raises(RequestRefused, match="щонайменше 10 символів"):
        file_request(text="Яма")
    with pytest.raises(RequestRefused, match="не більше 4000"):
        file_request(text="я" * 4001)


def test_working_days_skip_weekends_and_configured_holidays():
    friday = dt.date(2026, 12, 18)
    assert working_days_add(friday, 1) == dt.date(2026, 12, 21)
    assert working_days_add(friday, 5) == dt.date(2026, 12, 25)
    assert working_days_add(friday, 5, [dt.date(2026, 12, 25)]) == dt.date(2026, 12, 28)
    assert working_days_add(dt.date(2026, 12, 19), 1) == dt.date(2026, 12, 21)  # filed on a Saturday


def test_deadlines_use_the_configured_holidays(city, settings):
    today = timezone.localdate()
    holidays = [(today + dt.timedelta(days=d)).isoformat() for d in range(1, 4)]
    settings.MISTO_PUBLIC_HOLIDAYS = holidays
    request = file_request(category="pothole")  # 10 working days
    expected = working_days_add(today, 10, [dt.date.fromisoformat(h) for h in holidays])
    assert request.deadline == expected and request.deadline > working_days_add(today, 10)


# -- notifications: after commit, retried, exactly once --------------------------------------------


def test_a_receipt_that_could_not_be_sent_stays_pending_and_is_sent_once_later(
    city, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    with django_capture_on_commit_callbacks(execute=True):
        request = file_request()
    request.refresh_from_db()
    assert request.number  # the resident's action is done, whatever the mail server does
    notification = Notification.objects.get(request=request)
    assert notification.state == Notification.State.PENDING and notification.attempts == 1
    assert "Connection" in notification.last_error or "refused" in notification.last_error.lower()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("notifications_send")
    call_command("notifications_send")
    notification.refresh_from_db()
    assert notification.state == Notification.State.SENT and len(mail.outbox) == 1


def test_nothing_is_sent_when_the_filing_rolls_back(city, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            file_request()
            raise RuntimeError("the database refused the commit")
    assert mail.outbox == [] and not Notification.objects.exists()


def test_a_replayed_form_token_is_refused_and_a_form_shown_again_gets_a_fresh_one(city, client):
    token = started()
    first = client.post("/requests/new/", form(started=token, email="first@example.test"))
    assert first.status_code == 302
    before = Request.objects.count()
    replay = client.post("/requests/new/", form(started=token, email="second@example.test"))
    assert replay.status_code == 400 and "вже надіслано" in replay.content.decode()
    assert Request.objects.count() == before
    # The page shown with the refusal carries a new token: corrected and sent again, it files.
    fresh = replay.context["form"].data["started"]
    assert fresh != token
    assert client.post("/requests/new/", form(started=fresh, email="second@example.test")).status_code == 302
    assert Request.objects.count() == before + 1

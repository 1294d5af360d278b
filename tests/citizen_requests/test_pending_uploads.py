"""Attached files survive a filing form that comes back with an error (issue 20): they are
kept for the same browser session as the upload policy cleaned them, shown on the form, sent
with the next try unless the resident removes them, and nobody else can read them."""

from __future__ import annotations

import os
import re
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from citizen_requests.models import Request
from citizen_requests.storage import request_file_storage
from citizen_requests.views.intake import PENDING_SCOPE
from core.uploads import PendingUploads
from tests.citizen_requests.builders import jpeg_bytes, pdf_bytes, user
from tests.citizen_requests.test_intake import form


def _tokens(html: str) -> list[str]:
    return re.findall(r'name="pending_remove" value="([^"]+)"', html)


def _photo(name="IMG_1.jpg"):
    return SimpleUploadedFile(
        name, jpeg_bytes(gps=(49.01, 33.63), exif_text="Pixel 8 Pro"), content_type="image/jpeg"
    )


def test_photos_are_kept_when_the_form_comes_back_and_sent_with_the_next_try(city, client):
    client.force_login(user("resident"))
    document = SimpleUploadedFile("act.pdf", pdf_bytes(), content_type="application/pdf")
    failed = client.post("/requests/new/", {**form(text="коротко"), "files": [_photo(), document]})
    html = failed.content.decode()
    assert failed.status_code == 400 and "Уже додано (збережено з попередньої спроби)" in html
    assert "IMG_1.jpg" in html and "act.pdf" in html and len(_tokens(html)) == 2
    # The next try attaches nothing new: the kept files go with it, in the order attached.
    sent = client.post("/requests/new/", form())
    assert sent.status_code == 302
    request = Request.objects.get(applicant__username="resident")
    photo, pdf = request.attachments.order_by("order")
    assert photo.kind == "photo" and pdf.kind == "document" and pdf.original_name == "act.pdf"
    assert b"Pixel 8 Pro" not in photo.file.open("rb").read()
    # Nothing is kept after the request is filed.
    assert "Уже додано" not in client.get("/requests/new/").content.decode()


def test_a_kept_photo_the_resident_removes_is_not_sent(city, client):
    client.force_login(user("resident"))
    failed = client.post("/requests/new/", {**form(text=""), "files": [_photo("a.jpg"), _photo("b.jpg")]})
    first, second = _tokens(failed.content.decode())
    sent = client.post("/requests/new/", {**form(), "pending_remove": [first]})
    assert sent.status_code == 302
    request = Request.objects.get(applicant__username="resident")
    assert [a.original_name for a in request.attachments.all()] == ["b.jpg"]


def test_new_files_are_added_to_the_kept_ones_within_the_limit(city, client, settings):
    client.force_login(user("resident"))
    client.post("/requests/new/", {**form(text=""), "files": [_photo("a.jpg"), _photo("b.jpg")]})
    too_many = [_photo(f"n{i}.jpg") for i in range(settings.MISTO_REQUEST_MAX_FILES - 1)]
    refused = client.post("/requests/new/", {**form(), "files": too_many})
    assert refused.status_code == 400 and "Не більше 5 файлів" in refused.content.decode()
    assert not Request.objects.filter(applicant__username="resident").exists()


def test_a_visitor_sees_their_kept_photo_and_another_session_gets_404(city, client):
    failed = client.post("/requests/new/", {**form(text=""), "files": [_photo()]})
    (token,) = _tokens(failed.content.decode())
    own = client.get(f"/requests/new/files/{token}/")
    assert own.status_code == 200 and own["Content-Type"] == "image/jpeg"
    assert own.content.startswith(b"\xff\xd8") and b"Pixel 8 Pro" not in own.content
    assert "no-store" in own["Cache-Control"]
    assert Client().get(f"/requests/new/files/{token}/").status_code == 404
    stranger = Client()
    stranger.force_login(user("registrar"))
    assert stranger.get(f"/requests/new/files/{token}/").status_code == 404
    assert client.get("/requests/new/files/not-a-token/").status_code == 404


def test_a_refused_file_is_not_kept_but_the_good_one_is(city, client):
    client.force_login(user("resident"))
    fake = SimpleUploadedFile("holiday.jpg", b"<?php system($_GET['c']); ?>" * 10, content_type="image/jpeg")
    failed = client.post("/requests/new/", {**form(), "files": [_photo(), fake]})
    html = failed.content.decode()
    assert failed.status_code == 400 and "holiday.jpg" in html
    assert len(_tokens(html)) == 1 and "IMG_1.jpg" in html


def test_files_of_abandoned_forms_are_purged_after_a_day(city, client):
    failed = client.post("/requests/new/", {**form(text=""), "files": [_photo()]})
    (token,) = _tokens(failed.content.decode())
    path = request_file_storage.path(f"pending/{PENDING_SCOPE}/{token}")
    assert os.path.exists(path)
    call_command("requests_purge_unconfirmed", stdout=open(os.devnull, "w"))
    assert os.path.exists(path)  # still fresh
    old = time.time() - 2 * 86400
    os.utime(path, (old, old))
    assert PendingUploads.purge(storage=request_file_storage, scope=PENDING_SCOPE) == 1
    assert not os.path.exists(path)
    assert client.get(f"/requests/new/files/{token}/").status_code == 404

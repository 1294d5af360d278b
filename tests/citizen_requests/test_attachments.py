"""Attachments: known by their content, photos re-encoded without EXIF/GPS/comments, a photo's
GPS proposing the place, the limits, and files served only through the request's visibility."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from citizen_requests.exceptions import AttachmentRefused
from citizen_requests.models import Attachment, Request
from citizen_requests.services.attachments import attachment_clean
from citizen_requests.services.intake import Upload
from tests.citizen_requests.builders import (
    CENTRE,
    building_point,
    file_request,
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
    user,
)
from tests.citizen_requests.test_intake import form


def test_a_photo_is_stored_without_exif_gps_or_comment_and_its_gps_is_read_first():
    original = jpeg_bytes(
        gps=(49.0123, 33.6456), comment=b"Olena's phone 050 123 45 67", exif_text="Pixel 8 Pro"
    )
    assert b"Exif" in original and b"Pixel 8 Pro" in original and b"050 123 45 67" in original
    clean = attachment_clean(name="IMG_2041.jpg", data=original)
    assert clean.gps == pytest.approx((49.0123, 33.6456), abs=1e-5)
    assert clean.content_type == "image/jpeg" and clean.kind == Attachment.Kind.PHOTO
    assert b"Exif" not in clean.content and b"Pixel 8 Pro" not in clean.content
    assert b"050 123 45 67" not in clean.content and b"http://ns.adobe.com/xap" not in clean.content
    stored = Image.open(io.BytesIO(clean.content))
    assert stored.format == "JPEG" and len(stored.getexif()) == 0 and "comment" not in stored.info
    assert stored.size == (64, 48)


def test_a_png_with_text_chunks_becomes_a_plain_jpeg():
    clean = attachment_clean(name="screen.png", data=png_bytes(text="Олена Коваленко"))
    assert clean.content.startswith(b"\xff\xd8\xff") and "Олена".encode() not in clean.content
    assert clean.gps is None


def test_a_large_photo_is_scaled_down(settings):
    settings.MISTO_REQUEST_PHOTO_MAX_SIDE = 100
    clean = attachment_clean(name="big.jpg", data=jpeg_bytes(size=(400, 300)))
    assert (clean.width, clean.height) == (100, 75)


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("invoice.jpg", b"MZ\x90\x00 this is a windows program, not a photo" * 10, "не фото"),
        ("notes.jpg", "Це просто текст, перейменований на .jpg".encode() * 5, "не фото"),
        ("photo.jpg", jpeg_bytes()[:200], "пошкоджений"),
        ("IMG_0001.HEIC", b"\x00\x00\x00\x18ftypheic" + b"\x00" * 100, "HEIC"),
        ("scan.pdf", pdf_bytes(javascript=True), "скрипти"),
        ("cut.pdf", pdf_bytes()[:40], "неповний"),
        ("empty.png", b"", "порожній"),
    ],
)
def test_files_that_are_not_what_they_claim_or_are_unsafe_are_refused(name, data, message):
    with pytest.raises(AttachmentRefused) as refused:
        attachment_clean(name=name, data=data)
    assert message in refused.value.message and name in refused.value.message


def test_a_plain_pdf_is_kept_as_it_is():
    clean = attachment_clean(name="../../etc/Акт огляду.pdf", data=pdf_bytes())
    assert clean.kind == Attachment.Kind.DOCUMENT and clean.content == pdf_bytes()
    assert clean.original_name == "Акт огляду.pdf"


def test_files_through_the_form_are_checked_counted_and_size_limited(city, client, settings):
    client.force_login(user("resident"))
    photo = SimpleUploadedFile("IMG_1.jpg", jpeg_bytes(gps=(49.01, 33.63)), content_type="image/jpeg")
    fake = SimpleUploadedFile("holiday.jpg", b"<?php system($_GET['c']); ?>" * 10, content_type="image/jpeg")
    refused = client.post("/requests/new/", {**form(), "files": [photo, fake]})
    assert refused.status_code == 400 and "holiday.jpg" in refused.content.decode()
    assert not Request.objects.filter(applicant__username="resident").exists()
    six = [SimpleUploadedFile(f"p{i}.jpg", jpeg_bytes(), content_type="image/jpeg") for i in range(6)]
    assert "Не більше 5 файлів" in client.post("/requests/new/", {**form(), "files": six}).content.decode()
    settings.MISTO_REQUEST_MAX_FILE_BYTES = 500
    big = SimpleUploadedFile("big.jpg", jpeg_bytes(size=(300, 300)), content_type="image/jpeg")
    assert "більший за" in client.post("/requests/new/", {**form(), "files": [big]}).content.decode()
    assert not Request.objects.filter(applicant__username="resident").exists()


def test_accepted_files_are_stored_re_encoded_and_served_through_the_request(city, client):
    client.force_login(user("resident"))
    files = [
        SimpleUploadedFile("IMG_1.jpg", jpeg_bytes(gps=(49.01, 33.63)), content_type="image/jpeg"),
        SimpleUploadedFile("act.pdf", pdf_bytes(), content_type="application/pdf"),
    ]
    response = client.post("/requests/new/", {**form(), "files": files})
    request = Request.objects.get(applicant__username="resident")
    assert response.status_code == 302
    photo, document = request.attachments.order_by("order")
    assert photo.kind == "photo" and document.kind == "document"
    stored = photo.file.open("rb").read()
    assert b"Exif" not in stored and photo.sha256 and photo.file.name.endswith(".jpg")
    assert "IMG_1" not in photo.file.name  # stored under a random name
    served = client.get(f"/requests/{request.number}/files/{photo.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff" and "sandbox" in served["Content-Security-Policy"]
    assert b"".join(served.streaming_content) == stored
    pdf = client.get(f"/requests/{request.number}/files/{document.pk}/")
    assert pdf["Content-Disposition"].startswith("attachment")


def test_a_photo_s_position_is_proposed_when_no_place_was_given(city, client):
    client.force_login(user("resident"))
    target = building_point(CENTRE)
    photo = SimpleUploadedFile("IMG_7.jpg", jpeg_bytes(gps=(target.y, target.x)), content_type="image/jpeg")
    response = client.post("/requests/new/", {**form(lat="", lon=""), "files": [photo]})
    html = response.content.decode()
    assert response.status_code == 400 and "де зроблено фото" in html
    assert f'value="{target.y:.6f}"' in html and f'value="{target.x:.6f}"' in html
    assert not Request.objects.filter(applicant__username="resident").exists()


def test_photos_of_a_public_request_are_public_and_its_documents_are_not(city, client):
    request = file_request(files=[Upload("a.jpg", jpeg_bytes()), Upload("b.pdf", pdf_bytes())])
    photo, document = request.attachments.order_by("order")
    assert client.get(f"/requests/{request.number}/files/{photo.pk}/").status_code == 200
    assert client.get(f"/requests/{request.number}/files/{document.pk}/").status_code == 404
    page = client.get(f"/requests/{request.number}/").content.decode()
    assert f"/files/{photo.pk}/" in page and f"/files/{document.pk}/" not in page
    client.force_login(user("resident"))
    assert client.get(f"/requests/{request.number}/files/{document.pk}/").status_code == 200

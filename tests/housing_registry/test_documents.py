"""Documents of a sheet: stored under MEDIA_ROOT, checked by type and size, served to staff only,
and their coming and going kept in the history."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from housing_registry.exceptions import UploadRejected
from housing_registry.history import building_document_events
from housing_registry.models import BuildingDocument
from housing_registry.services import building_document_add, building_document_remove


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


PNG = _png()
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_a_scan_is_stored_under_media_root_and_served_to_staff(client, building, dispatcher, resident, media):
    client.force_login(dispatcher)
    response = client.post(
        f"/registry/buildings/{building.pk}/documents/",
        {
            "kind": "technical_passport",
            "title": "Техпаспорт 1986",
            "file": SimpleUploadedFile("pasport.pdf", PDF),
        },
        follow=True,
    )
    assert "Документ додано" in response.content.decode()
    document = BuildingDocument.objects.get(building=building)
    assert document.uploaded_by == dispatcher and document.size == len(PDF)
    assert (media / document.file.name).read_bytes() == PDF
    assert document.file.name.startswith(f"housing/buildings/{building.pk}/")
    served = client.get(f"/registry/documents/{document.pk}/")
    assert served.status_code == 200 and b"".join(served.streaming_content) == PDF
    assert served["Cache-Control"] == "private, no-store"
    client.force_login(resident)
    assert client.get(f"/registry/documents/{document.pk}/").status_code == 403


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("virus.exe", b"MZ\x90\x00", "не приймаються"),
        ("photo.png", b"<?php system($_GET['c']); ?>", "не приймаються"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "пошкоджен"),
        ("empty.pdf", b"", "порожній"),
    ],
)
def test_wrong_files_are_refused(building, dispatcher, name, content, reason):
    with pytest.raises(UploadRejected) as refused:
        building_document_add(
            building=building,
            kind="photo",
            title="",
            upload=SimpleUploadedFile(name, content),
            actor=dispatcher,
        )
    assert reason in refused.value.message
    assert not BuildingDocument.objects.exists()


def test_the_content_decides_the_type_not_the_name(building, dispatcher, media):
    document = building_document_add(
        building=building,
        kind="photo",
        title="",
        upload=SimpleUploadedFile("scan.png", PDF),
        actor=dispatcher,
    )
    assert document.file.name.endswith("/scan.pdf") and (media / document.file.name).read_bytes() == PDF


def test_oversized_files_are_refused(building, dispatcher, settings):
    settings.MISTO_REGISTRY_UPLOAD_MAX_MB = 1
    big = PNG + b"\0" * (1024 * 1024)
    with pytest.raises(UploadRejected) as refused:
        building_document_add(
            building=building,
            kind="photo",
            title="",
            upload=SimpleUploadedFile("big.png", big),
            actor=dispatcher,
        )
    assert "більший за дозволені 1,0" in refused.value.message


def test_removal_is_kept_in_the_history(
    client, building, dispatcher, media, django_capture_on_commit_callbacks
):
    document = building_document_add(
        building=building,
        kind="photo",
        title="Фасад",
        upload=SimpleUploadedFile("f.png", PNG),
        actor=dispatcher,
    )
    stored = media / document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        building_document_remove(document=document, actor=dispatcher)
    assert not stored.exists()
    events = building_document_events(building)
    assert [(e.kind, e.title, e.user) for e in events] == [
        ("-", "Фасад", dispatcher),
        ("+", "Фасад", dispatcher),
    ]
    client.force_login(dispatcher)
    html = client.get(f"/registry/buildings/{building.pk}/history/").content.decode()
    assert "вилучено «Фасад»" in html


def test_only_sections_owners_attach_documents(client, building, heat_dispatcher):
    client.force_login(heat_dispatcher)
    response = client.post(
        f"/registry/buildings/{building.pk}/documents/",
        {"kind": "act", "title": "Акт", "file": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert response.status_code == 403
    assert not BuildingDocument.objects.exists()


def test_a_multi_page_tiff_scan_keeps_its_pages_and_loses_its_metadata(building, dispatcher, media):
    pages = [Image.new("L", (40, 60), shade) for shade in (0, 128, 255)]
    out = io.BytesIO()
    pages[0].save(out, format="TIFF", save_all=True, append_images=pages[1:], description="Секретна примітка")
    document = building_document_add(
        building=building, kind="photo", title="", upload=SimpleUploadedFile("act.tif", out.getvalue()),
        actor=dispatcher,
    )  # fmt: skip
    stored = (media / document.file.name).read_bytes()
    assert "Секретна".encode() not in stored and "Секретна".encode("utf-16-le") not in stored
    with Image.open(io.BytesIO(stored)) as scan:
        assert scan.format == "TIFF" and scan.n_frames == 3

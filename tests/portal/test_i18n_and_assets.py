"""Ukrainian first, English second; vendored assets listed with versions and licences."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_portal_speaks_ukrainian_by_default_even_to_english_browsers(city, client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="uk">' in html
    assert "Відкрити мапу" in html


def test_language_switch_to_english_sticks(city, client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/map/"})
    assert response.status_code == 302 and response["Location"] == "/map/"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Open the map" in html and "Pharmacies" in html


def test_every_ukrainian_message_is_translated():
    po = (ROOT / "locale" / "uk" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = po.split("\n\n")[1:]  # the first entry is the header
    untranslated = []
    for entry in entries:
        lines = entry.strip().splitlines()
        for i, line in enumerate(lines):
            empty = re.fullmatch(r'msgstr(\[\d+\])? ""', line)
            continued = i + 1 < len(lines) and lines[i + 1].startswith('"')
            if empty and not continued:
                untranslated.append(entry)
    fuzzy = [e for e in entries if "#, fuzzy" in e]
    assert untranslated == [] and fuzzy == []


def test_vendored_assets_are_listed_with_locked_versions_and_licences():
    lock = json.loads((ROOT / "package-lock.json").read_text())
    readme = (ROOT / "static" / "vendor" / "README.md").read_text()
    package = json.loads((ROOT / "package.json").read_text())
    for name in package["dependencies"]:
        locked = lock["packages"][f"node_modules/{name}"]
        assert f"| {name} | {locked['version']} | {locked['license']} |" in readme
        assert (ROOT / "static" / "vendor" / name).is_dir()


def test_closed_is_a_closed_request_but_a_day_off_in_opening_hours():
    """One English word, three Ukrainian meanings: a request's status, the requests filter and
    a day without opening hours must not share a translation."""
    from django.utils import translation

    from citizen_requests.forms import ListFilterForm
    from citizen_requests.models import Request

    with translation.override("uk"):
        assert str(Request.Status.CLOSED.label) == "закрито"
        assert translation.pgettext("opening hours", "closed") == "вихідний"
        choices = dict(ListFilterForm.base_fields["status"].choices)
        assert str(choices["closed"]) == "закриті"

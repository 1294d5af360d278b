"""Standard feeds: each notice as a CAP 1.2 alert (checked against the CAP 1.2 structure and
value lists of the OASIS standard), the Atom feed read by feedparser, the GeoJSON collection of
/api/v1/ and the OGC API collection."""

from __future__ import annotations

import datetime as dt
import json
import re
from xml.etree import ElementTree as ET

import feedparser
import pytest

from notices.services.notices import notice_cancel, notice_edit
from tests.notices.builders import make_notice, notice_input

pytestmark = pytest.mark.django_db
NS = "{urn:oasis:names:tc:emergency:cap:1.2}"

# CAP 1.2 (OASIS Standard, 1 July 2010), section 3.2 and its XML schema: the children of each
# element in schema order — (name, min occurs, max occurs or None for unbounded) — and the
# value lists.
ALERT = [("identifier", 1, 1), ("sender", 1, 1), ("sent", 1, 1), ("status", 1, 1), ("msgType", 1, 1),
         ("source", 0, 1), ("scope", 1, 1), ("restriction", 0, 1), ("addresses", 0, 1), ("code", 0, None),
         ("note", 0, 1), ("references", 0, 1), ("incidents", 0, 1), ("info", 0, None)]  # fmt: skip
INFO = [("language", 0, 1), ("category", 1, None), ("event", 1, 1), ("responseType", 0, None),
        ("urgency", 1, 1), ("severity", 1, 1), ("certainty", 1, 1), ("audience", 0, 1), ("eventCode", 0, None),
        ("effective", 0, 1), ("onset", 0, 1), ("expires", 0, 1), ("senderName", 0, 1), ("headline", 0, 1),
        ("description", 0, 1), ("instruction", 0, 1), ("web", 0, 1), ("contact", 0, 1), ("parameter", 0, None),
        ("resource", 0, None), ("area", 0, None)]  # fmt: skip
AREA = [("areaDesc", 1, 1), ("polygon", 0, None), ("circle", 0, None), ("geocode", 0, None),
        ("altitude", 0, 1), ("ceiling", 0, 1)]  # fmt: skip
VALUES = {
    "status": {"Actual", "Exercise", "System", "Test", "Draft"},
    "msgType": {"Alert", "Update", "Cancel", "Ack", "Error"},
    "scope": {"Public", "Restricted", "Private"},
    "category": {
        "Geo",
        "Met",
        "Safety",
        "Security",
        "Rescue",
        "Fire",
        "Health",
        "Env",
        "Transport",
        "Infra",
        "CBRNE",
        "Other",
    },
    "responseType": {
        "Shelter",
        "Evacuate",
        "Prepare",
        "Execute",
        "Avoid",
        "Monitor",
        "Assess",
        "AllClear",
        "None",
    },
    "urgency": {"Immediate", "Expected", "Future", "Past", "Unknown"},
    "severity": {"Extreme", "Severe", "Moderate", "Minor", "Unknown"},
    "certainty": {"Observed", "Likely", "Possible", "Unlikely", "Unknown"},
}
# CAP dateTime: no fractions, an explicit offset ("Z" is not allowed: "-00:00" instead).
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
DATETIME_FIELDS = {"sent", "effective", "onset", "expires"}
# No whitespace, commas or "<" / "&" in identifier and sender (CAP 1.2, 3.2.1).
PLAIN = re.compile(r"^[^\s,<&]+$")


def _check_children(element, spec: list[tuple[str, int, int | None]], where: str) -> None:
    names = [child.tag.removeprefix(NS) for child in element]
    assert all(child.tag.startswith(NS) for child in element), f"{where}: element outside the CAP namespace"
    order = [name for name, _lo, _hi in spec]
    assert all(n in order for n in names), f"{where}: unknown elements {set(names) - set(order)}"
    positions = [order.index(n) for n in names]
    assert positions == sorted(positions), f"{where}: elements out of schema order: {names}"
    for name, lo, hi in spec:
        count = names.count(name)
        assert count >= lo and (hi is None or count <= hi), f"{where}: {name} occurs {count} times"
    for child in element:
        name = child.tag.removeprefix(NS)
        text = (child.text or "").strip()
        if name in VALUES:
            assert text in VALUES[name], f"{where}/{name}: {text!r} is not in the CAP value list"
        if name in DATETIME_FIELDS:
            assert DATETIME.match(text), f"{where}/{name}: {text!r} is not a CAP dateTime"


def check_cap(document: bytes) -> ET.Element:
    """Raise AssertionError where `document` departs from the CAP 1.2 structure."""
    root = ET.fromstring(document)
    assert root.tag == f"{NS}alert"
    _check_children(root, ALERT, "alert")
    assert PLAIN.match(root.find(f"{NS}identifier").text) and PLAIN.match(root.find(f"{NS}sender").text)
    msg_type = root.find(f"{NS}msgType").text
    if msg_type in ("Update", "Cancel"):
        references = root.find(f"{NS}references").text.split()
        assert references and all(len(r.split(",")) == 3 for r in references)
    for info in root.findall(f"{NS}info"):
        _check_children(info, INFO, "info")
        for area in info.findall(f"{NS}area"):
            _check_children(area, AREA, "area")
            for polygon in area.findall(f"{NS}polygon"):
                pairs = [tuple(map(float, p.split(","))) for p in polygon.text.split()]
                assert len(pairs) >= 4 and pairs[0] == pairs[-1], (
                    "a CAP polygon is a closed ring of 4+ points"
                )
                assert all(-90 <= lat <= 90 and -180 <= lon <= 180 for lat, lon in pairs)
    return root


def test_a_published_notice_is_a_cap_alert_in_both_languages(vodokanal_head, vodokanal, client):
    notice = make_notice(vodokanal_head, service=vodokanal)
    answer = client.get(f"/notices/{notice.pk}/cap.xml")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/cap+xml")
    root = check_cap(answer.content)
    assert root.find(f"{NS}msgType").text == "Alert" and root.find(f"{NS}status").text == "Actual"
    infos = root.findall(f"{NS}info")
    assert [i.find(f"{NS}language").text for i in infos] == ["uk-UA", "en-US"]
    assert infos[0].find(f"{NS}headline").text == notice.title_uk
    assert infos[1].find(f"{NS}headline").text == notice.title_en
    assert infos[0].find(f"{NS}category").text == "Infra"
    assert (
        infos[0].find(f"{NS}urgency").text == "Expected"
        and infos[0].find(f"{NS}certainty").text == "Observed"
    )
    # The polygon is the notice's area: a lat,lon ring around the district.
    first = infos[0].find(f"{NS}area").find(f"{NS}polygon").text.split()[0]
    lat, lon = map(float, first.split(","))
    assert 48.9 < lat < 49.2 and 33.4 < lon < 33.9


def test_updates_and_cancellations_reference_the_earlier_alerts(vodokanal_head, vodokanal, client):
    notice = make_notice(vodokanal_head, service=vodokanal, nature="emergency")
    first_id = ET.fromstring(client.get(f"/notices/{notice.pk}/cap.xml").content).find(f"{NS}identifier").text
    notice = notice_edit(
        notice=notice,
        actor=vodokanal_head,
        data=notice_input(
            service_id=vodokanal.pk, nature="emergency", ends_at=notice.ends_at + dt.timedelta(hours=1)
        ),
    )
    root = check_cap(client.get(f"/notices/{notice.pk}/cap.xml").content)
    assert root.find(f"{NS}msgType").text == "Update"
    assert first_id in root.find(f"{NS}references").text
    assert root.find(f"{NS}info").find(f"{NS}urgency").text == "Immediate"
    notice = notice_cancel(notice=notice, actor=vodokanal_head, reason="Аварію усунено раніше")
    root = check_cap(client.get(f"/notices/{notice.pk}/cap.xml").content)
    assert root.find(f"{NS}msgType").text == "Cancel"


def test_a_planned_notice_is_future_and_likely(vodokanal_head, vodokanal, client):
    from django.utils import timezone

    start = timezone.now() + dt.timedelta(days=1)
    notice = make_notice(
        vodokanal_head, service=vodokanal, starts_at=start, ends_at=start + dt.timedelta(hours=8)
    )
    info = check_cap(client.get(f"/notices/{notice.pk}/cap.xml").content).find(f"{NS}info")
    assert (info.find(f"{NS}urgency").text, info.find(f"{NS}certainty").text) == ("Future", "Likely")
    assert info.find(f"{NS}responseType").text == "Prepare"


def test_the_atom_feed_lists_active_alerts_with_their_cap_documents(vodokanal_head, vodokanal, client):
    notice = make_notice(vodokanal_head, service=vodokanal)
    draft = make_notice(vodokanal_head, service=vodokanal, publish=False, title_uk="Чернетка-секрет")
    feed = feedparser.parse(client.get("/notices/feed.atom").content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    titles = [entry.title for entry in feed.entries]
    assert any(notice.title_uk in t for t in titles)
    assert not any(draft.title_uk in t for t in titles)
    entry = next(e for e in feed.entries if notice.title_uk in e.title)
    cap = [link.href for link in entry.links if link.get("type") == "application/cap+xml"]
    assert cap == [f"http://testserver/notices/{notice.pk}/cap.xml"]
    assert entry.link.endswith(f"/notices/{notice.pk}/")


def test_the_geojson_collection_has_active_notices_only(vodokanal_head, vodokanal, client):
    notice = make_notice(vodokanal_head, service=vodokanal)
    draft = make_notice(vodokanal_head, service=vodokanal, publish=False)
    data = client.get("/api/v1/notices/").json()
    assert data["type"] == "FeatureCollection"
    ids = {f["id"] for f in data["features"]}
    assert notice.pk in ids and draft.pk not in ids
    feature = next(f for f in data["features"] if f["id"] == notice.pk)
    assert feature["geometry"]["type"] == "MultiPolygon"
    assert feature["properties"]["kind"] == "water" and feature["properties"]["state"] == "active"
    assert client.get("/api/v1/notices/?when=planned").json()["features"] == [] or notice.pk not in {
        f["id"] for f in client.get("/api/v1/notices/?when=planned").json()["features"]
    }
    bad = client.get("/api/v1/notices/?when=yesterday")
    assert bad.status_code == 400 and bad.json()["error"]["parameter"] == "when"
    assert client.get("/api/v1/notices/?bbox=1,2,3").status_code == 400


def test_the_ogc_api_collection_serves_active_notices(vodokanal_head, vodokanal, client):
    notice = make_notice(vodokanal_head, service=vodokanal)
    draft = make_notice(vodokanal_head, service=vodokanal, publish=False)
    collections = client.get("/ogcapi/collections?f=json").json()
    assert "notices" in [c["id"] for c in collections["collections"]]
    items = json.loads(client.get("/ogcapi/collections/notices/items?f=json&limit=100").content)
    ids = {f["id"] for f in items["features"]}
    assert notice.pk in ids and draft.pk not in ids
    assert client.get(f"/ogcapi/collections/notices/items/{draft.pk}?f=json").status_code == 404

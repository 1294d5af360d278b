"""Nobody sees what is not theirs: every viewer × every door (tests/privacy/doors.py) onto the
objects of tests/privacy/world.py, each case asserting what that viewer must get there."""

from __future__ import annotations

import pytest

from tests.privacy.doors import DOORS, VIEWERS, Door, Kind, Viewer
from tests.privacy.world import World, body_text


def _leaks(text: str, secrets: tuple[str, ...]) -> list[str]:
    lowered = text.lower()
    return [s for s in secrets if s.lower() in lowered]


@pytest.mark.parametrize("door", DOORS, ids=lambda d: f"{d.obj}:{d.key}".replace(" ", "_"))
@pytest.mark.parametrize("viewer", VIEWERS, ids=lambda v: v.key)
def test_nobody_sees_what_is_not_theirs(world: World, db, viewer: Viewer, door: Door):
    client = world.clients[viewer.key]
    url = door.url(world)
    response = client.get(url)
    status = response.status_code
    text = body_text(response)
    marker = door.marker(world)
    kind = door.policy(viewer)
    where = f"{viewer.key} GET {url} → {status} (expected {kind.value})"
    assert status < 500, where

    if kind in (Kind.FULL, Kind.SEEN, Kind.PUBLIC):
        assert status == 200, where
        if marker:
            assert marker in text, f"{where}: the object is not shown"
    if kind is Kind.FULL:
        missing = [s for s in door.full_needs if s.lower() not in text.lower()]
        assert not missing, f"{where}: may read but does not get {missing}"
    if kind in (Kind.PUBLIC, Kind.ABSENT, Kind.NOT_FOUND, Kind.DENIED, Kind.QUIET):
        leaked = _leaks(text, door.secrets)
        assert not leaked, f"{where}: shows {leaked}"
    if kind in (Kind.ABSENT, Kind.NOT_FOUND, Kind.DENIED) and marker:
        # A 404 may echo the name that was asked for ("there is no layer «x»"): not a leak,
        # as long as it answers the same for a name that never existed (checked below).
        echo_free = (
            text.replace(door.swap(world)[0], "<id>") if door.swap and kind is Kind.NOT_FOUND else text
        )
        assert marker not in echo_free, f"{where}: mentions the object"
    if kind is Kind.ABSENT:
        assert status in (200, 204, 302, 403, 404), where
    if kind is Kind.DENIED:
        assert status in (302, 403, 404), where
        if status == 302:
            assert "login" in response["Location"], where
    if kind is Kind.NOT_FOUND:
        assert status == 404, where
        if door.swap:
            real, fake = door.swap(world)
            never = client.get(url.replace(real, fake))
            assert never.status_code == 404, f"{where}: the never-existing one answers {never.status_code}"
            assert body_text(never).replace(fake, "<id>") == text.replace(real, "<id>"), (
                f"{where}: answers unlike an object that never existed"
            )

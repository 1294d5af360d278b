"""`make backup` / `make restore`: a backup of the test database restored into a fresh database
holds the same requests, data sheets and layers, and the media files come back."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import pytest
from django.db import connections

from tests.citizen_requests.builders import file_request

ROOT = Path(__file__).resolve().parents[2]

SAME_ROWS = {
    "requests": "select count(*), min(number), max(md5(text)) from citizen_requests_request",
    "request events": "select count(*) from citizen_requests_event",
    "data sheets": "select count(*), max(md5(address || coalesce(floors, 0)::text)) from housing_registry_building",
    "layers": "select count(*), string_agg(slug, ',' order by slug) from gis_layers_layer",
    "layer features": "select count(*), md5(string_agg(st_astext(geometry), ',' order by id)) from gis_layers_feature",
    "migrations": "select count(*) from django_migrations",
}


def _env(database: str, **extra: str) -> dict:
    db = connections["default"].settings_dict
    url = (
        f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{database}"
    )
    return {**os.environ, "DATABASE_URL": url, **extra}


def _psql(env: dict, database: str, query: str) -> str:
    db = connections["default"].settings_dict
    return subprocess.run(
        ["psql", "-X", "-tA", "-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432),
         "-U", db["USER"], "-d", database, "-c", query],
        env={**env, "PGPASSWORD": db["PASSWORD"]}, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip


@pytest.fixture
def restored_name():
    name = f"misto_restore_{uuid.uuid4().hex[:10]}"
    yield name
    env = _env("postgres")
    _psql(env, "postgres", f"drop database if exists {name}")


def test_a_restored_backup_serves_the_same_requests_sheets_and_layers(committed, tmp_path, restored_name):
    with committed.unblock():  # a real, committed request (removed again after the test)
        filed = file_request(text="Зламана лавка у сквері біля школи, перевірка резервної копії.")
    source = connections["default"].settings_dict["NAME"]
    media = tmp_path / "media"
    (media / "registry").mkdir(parents=True)
    (media / "registry" / "plan.pdf").write_bytes(b"%PDF-1.4 plan of the building\n")
    env = _env(source, MEDIA_ROOT=str(media), RESTORE_MEDIA_ROOT=str(tmp_path / "restored-media"))

    backup = subprocess.run(
        ["scripts/backup.sh", "backup", str(tmp_path / "backup")],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert backup.returncode == 0, backup.stderr
    assert (tmp_path / "backup" / "database.dump").stat().st_size > 100_000

    restore = subprocess.run(
        ["scripts/backup.sh", "restore", str(tmp_path / "backup"), restored_name],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert restore.returncode == 0, restore.stderr
    for what, query in SAME_ROWS.items():
        original, copy = _psql(env, source, query), _psql(env, restored_name, query)
        assert copy == original, what
    one_request = (
        f"select text, status, category_id from citizen_requests_request where number = '{filed.number}'"
    )
    assert _psql(env, restored_name, one_request) == _psql(env, source, one_request) != ""
    assert filed.text in _psql(env, restored_name, one_request)
    assert int(_psql(env, restored_name, "select count(*) from gis_layers_layer")) > 0
    restored_file = tmp_path / "restored-media" / "registry" / "plan.pdf"
    assert restored_file.read_bytes() == b"%PDF-1.4 plan of the building\n"


def test_restore_refuses_to_overwrite_an_existing_database(demo_city, tmp_path):
    source = connections["default"].settings_dict["NAME"]
    env = _env(source, MEDIA_ROOT=str(tmp_path / "none"))
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "database.dump").write_bytes(b"not used")
    result = subprocess.run(
        ["scripts/backup.sh", "restore", str(tmp_path / "backup"), source],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 1
    assert f"database {source} exists" in result.stderr

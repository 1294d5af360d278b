"""/healthz, settings from the environment, and the production secret check."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}}
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_healthz_reports_database_and_postgis(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["postgis"].startswith("3.")


def test_healthz_answers_503_when_the_database_is_down():
    """A real unreachable database (nothing listens on the port), not a mock."""
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz', HTTP_HOST='127.0.0.1');"
        "print(r.status_code, r.content.decode())"
    )
    result = run_python(code, DEBUG="1", DATABASE_URL="postgis://misto:misto@127.0.0.1:9/misto")
    status, _, body = result.stdout.strip().partition(" ")
    assert status == "503", result.stderr
    assert json.loads(body)["database"] == "unavailable"


def test_settings_come_from_the_environment():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s;"
        "db = s.DATABASES['default'];"
        "print(json.dumps([db['NAME'], db['HOST'], db['PORT'], db['ENGINE'], s.DEBUG, s.ALLOWED_HOSTS,"
        " s.EMAIL_HOST, s.EMAIL_PORT, s.CELERY_BROKER_URL, s.SECRET_KEY, s.MISTO_BASEMAP_URL]))"
    )
    result = run_python(
        code,
        DATABASE_URL="postgres://u:p@db.internal:6543/cityportal",
        DEBUG="0",
        SECRET_KEY="a-real-secret-from-the-vault",
        ALLOWED_HOSTS="misto.example.org,www.misto.example.org",
        EMAIL_URL="smtp://mailer:pw@mail.example.org:2525",
        CELERY_BROKER_URL="redis://cache.internal:6379/3",
        MISTO_BASEMAP_URL="https://tiles.example.org/{z}/{x}/{y}.png",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "cityportal",
        "db.internal",
        6543,
        "django.contrib.gis.db.backends.postgis",
        False,
        ["misto.example.org", "www.misto.example.org"],
        "mail.example.org",
        2525,
        "redis://cache.internal:6379/3",
        "a-real-secret-from-the-vault",
        "https://tiles.example.org/{z}/{x}/{y}.png",
    ]


def test_local_defaults_work_without_any_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.DATABASES['default']['NAME'], s.DEBUG, s.LANGUAGE_CODE)"
    )
    result = run_python(code)
    assert result.stdout.split() == ["misto", "False", "uk"]


def test_production_refuses_the_default_secret():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k != "SECRET_KEY"}, "DEBUG": "0"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "misto.E001" in result.stderr and "SECRET_KEY" in result.stderr


def test_production_starts_with_a_real_secret():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "0", "SECRET_KEY": "x" * 60},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_wsgi_server_refuses_to_start_with_the_default_secret():
    result = run_python("import portal.wsgi", DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "misto.E001" in result.stderr


def test_the_portal_s_database_sessions_run_without_the_jit_compiler(db):
    """A tile or a page is a short query: JIT compilation cost more than the query itself (a z12
    tile spent 58 of 277 ms compiling). The portal's own connections, the tile path's included,
    say so to PostgreSQL; the bench's raw SQL runs with the same session settings."""
    from core.db_router import read_connection

    with read_connection().cursor() as cursor:  # the connection tiles and public reads use
        cursor.execute("show jit")
        assert cursor.fetchone()[0] == "off"
    harness = (ROOT / "bench" / "harness.py").read_text()
    assert "PGOPTIONS" in harness and "DB_SESSION_OPTIONS" in harness

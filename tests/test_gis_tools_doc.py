"""docs/gis-tools.md is true: every shell and Python block of it runs, as written, against the
portal served from a thread — GDAL's OAPIF driver with a token, ogr2ogr, curl editing through
OGC API Part 4, OWSLib, manage.py open311_client and an Open311 client's calls."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from core.api_tokens import api_token_create

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "gis-tools.md"
BLOCK = re.compile(r"^```(sh|python)\n(.*?)^```", re.S | re.M)
APP_NAME = "Міський застосунок"


def blocks() -> list[tuple[str, str]]:
    return BLOCK.findall(DOC.read_text(encoding="utf-8"))


def test_the_page_is_linked_from_the_readme_and_has_every_section():
    assert "docs/gis-tools.md" in (ROOT / "README.md").read_text(encoding="utf-8")
    text = DOC.read_text(encoding="utf-8")
    for heading in ("## 2. QGIS", "## 3. GDAL / ogr2ogr", "## 5. Python: OWSLib", "## 6. Open311 clients"):
        assert heading in text
    kinds = [kind for kind, _code in blocks()]
    assert kinds.count("sh") >= 4 and "python" in kinds


@pytest.fixture
def doc_env(portal_url, committed, tmp_path):
    """The variables the page names, for a GIS admin's committed token; afterwards the features,
    the Open311 app and the tokens made through the page are deleted again."""
    from django.contrib.auth.models import User

    from citizen_requests.models import ApiClient
    from core.models import ApiToken
    from gis_layers.models import Feature

    with committed.unblock():
        last_feature = Feature.objects.order_by("-id").values_list("id", flat=True).first()
        token = api_token_create(user=User.objects.get(username="gisadmin"), name="docs")[1]
    database = connection.settings_dict
    env = {
        **os.environ,
        "MISTO": portal_url,
        "TOKEN": token,
        # manage.py in the page's Open311 block writes to the database the test portal serves.
        "DATABASE_URL": (
            f"postgis://{database['USER']}:{database['PASSWORD']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "DEBUG": "1",
    }
    yield env, tmp_path
    with committed.unblock():
        ApiClient.objects.filter(name=APP_NAME).delete()
        Feature.objects.filter(id__gt=last_feature).delete()
        Feature.history.filter(id__gt=last_feature).delete()
        ApiToken.objects.filter(name="docs").delete()


def run_block(kind: str, code: str, env: dict, cwd: Path) -> subprocess.CompletedProcess:
    if kind == "sh":
        # .venv/bin/python in the page means the project's own: run from a folder that has it.
        code = code.replace(".venv/bin/python manage.py", f"{sys.executable} {ROOT / 'manage.py'}")
        args = ["bash", "-euo", "pipefail", "-c", code]
    else:
        args = [sys.executable, "-c", code]
    return subprocess.run(args, capture_output=True, text=True, timeout=300, env=env, cwd=cwd)


def test_every_command_of_the_page_runs(doc_env):
    env, cwd = doc_env
    outputs = []
    for kind, code in blocks():
        result = run_block(kind, code, env, cwd)
        assert result.returncode == 0, f"{kind} block failed:\n{code}\n--- stderr:\n{result.stderr[-3000:]}"
        outputs.append(result.stdout)
        if "open311_client" in code:
            env["OPEN311_KEY"] = result.stdout.strip().splitlines()[-1]
    text = "\n".join(outputs)
    # What the commands printed is what the page says they do.
    assert "snow-routes" in text and "Feature Count: 9" in text  # the staff-only layer, with the token
    assert (cwd / "snow-routes.gpkg").exists() and (cwd / "pharmacies.shp").exists()
    assert "9 snow-clearing routes" in text  # OWSLib
    assert '"service_request_id"' in text  # the Open311 filing
    assert "OPEN311_KEY" in env

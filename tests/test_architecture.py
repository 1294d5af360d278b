"""The shape of the code base stays readable: long files say why they are long, and the
import contracts (pyproject.toml, checked by `make test` with lint-imports) match the
picture in docs/architecture.md."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "core",
    "city",
    "gis_layers",
    "basemap",
    "facilities",
    "citizen_requests",
    "housing_registry",
    "coverage",
    "notices",
    "demo",
    "portal",
]


def product_files():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_no_product_file_passes_400_lines_without_a_reason_at_its_top():
    unexplained = []
    for path in product_files():
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) > 400 and not lines[0].startswith("# Over 400 lines: "):
            unexplained.append(f"{path.relative_to(ROOT)} ({len(lines)} lines)")
    assert not unexplained, unexplained


def test_the_documented_floors_are_the_contracted_ones():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["type"] == "layers")["layers"]
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert " → ".join(layers).replace(" | ", " \\| ") in doc
    assert set(config["root_packages"]) == set(APPS)


def test_nothing_but_the_entry_points_imports_the_project_package():
    offenders = []
    for path in product_files():
        if path.parts[len(ROOT.parts)] == "portal":
            continue
        text = path.read_text(encoding="utf-8")
        if "from portal" in text or "import portal" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, offenders

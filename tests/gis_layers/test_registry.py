"""The layer engine stays generic: apps plug in through gis_layers.registry, never the reverse."""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db.migrations.loader import MigrationLoader

from gis_layers import registry
from gis_layers.models import validate_layer_slug

DOMAIN_APPS = ("facilities", "housing_registry", "citizen_requests", "coverage")
ENGINE = Path(__file__).resolve().parents[2] / "gis_layers"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_layer_engine_imports_no_domain_app():
    offenders = {
        f"{path.relative_to(ENGINE)}: {module}"
        for path in ENGINE.rglob("*.py")
        for module in _imported_modules(path)
        if module.split(".")[0] in DOMAIN_APPS
    }
    assert offenders == set()


@pytest.mark.django_db
def test_layer_engine_migrations_depend_on_no_domain_app():
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    engine_nodes = [key for key in graph.nodes if key[0] == "gis_layers"]
    assert engine_nodes
    for key in engine_nodes:
        parents = {parent[0] for parent in graph.node_map[key].parents}
        assert not parents & set(DOMAIN_APPS), key


def test_apps_register_their_map_data():
    assert {"facilities", "buildings"} <= set(registry.tile_layers())
    assert {"facilities", "buildings"} <= set(registry.collections())
    assert {"facilities", "buildings"} <= set(registry.osm_targets())
    assert registry.data_version_sources()["buildings"] == ("housing_registry_building",)


@pytest.mark.parametrize("slug", ["facilities", "buildings", "layers", "new"])
def test_a_layer_cannot_take_the_name_of_a_registered_collection(slug):
    with pytest.raises(ValidationError):
        validate_layer_slug(slug)


def test_a_layer_may_take_any_other_name():
    validate_layer_slug("shelters")


def test_registering_a_different_object_under_a_taken_name_is_refused():
    with pytest.raises(ValueError, match="already registered"):
        registry.register_collection("facilities", lambda: None)

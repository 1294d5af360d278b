import pytest
from django.core.cache import cache

from gis_layers import tiles


@pytest.fixture(autouse=True)
def _fresh_tile_caches():
    """Each test rolls its changes back, and the data versions with them: the next test's change
    reaches the same version again, so tiles cached by an earlier test must not answer it."""
    cache.clear()
    with tiles.memory.lock:
        tiles.memory.items.clear()
        tiles.memory.size = 0
    yield

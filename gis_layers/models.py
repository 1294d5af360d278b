"""Map layers and their publication. DataVersion lets caches (tiles) know when data changed."""

from django.db import models


class DataVersion(models.Model):
    """A counter per data source, bumped by database triggers on every change to its tables.

    Tile ETags and cache keys include it, so a changed facility or building is never served
    from a stale cache — whichever process or tool changed it.
    """

    source = models.CharField(max_length=50, primary_key=True)
    version = models.BigIntegerField(default=1)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.source} v{self.version}"

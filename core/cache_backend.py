"""Django's Redis cache, failing open: a Redis that restarts or is briefly unreachable makes
the cache miss instead of failing the request with a 500.

Everything the portal keeps in the cache can be recomputed (tiles, rendered fragments,
matched features) except the rate-limit counters, which simply do not count while Redis is
away: a few seconds without limits is better than refusing every resident. Settings install it
in place of django.core.cache.backends.redis.RedisCache (CACHE_URL=redis://...).
"""

from __future__ import annotations

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


class FailOpenRedisCache(RedisCache):
    def _unavailable(self, operation: str, exc: Exception) -> None:
        log.warning("cache %s skipped, Redis unavailable: %s", operation, exc)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as exc:
            self._unavailable("get", exc)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as exc:
            self._unavailable("get_many", exc)
            return {}

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except RedisError as exc:  # counts as the first hit: throttles let the action through
            self._unavailable("add", exc)
            return True

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except RedisError as exc:
            self._unavailable("set", exc)

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except RedisError as exc:
            self._unavailable("set_many", exc)
            return list(data)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as exc:
            self._unavailable("incr", exc)
            return delta

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as exc:
            self._unavailable("delete", exc)
            return False

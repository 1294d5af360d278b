"""Fixed-window rate limits in Django's cache (Redis in production, local memory otherwise)."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache


def throttle_hit(*, scope: str, key: str, limit: int, window: int) -> bool:
    """Count one more action of `key` in the current window; False once it is over `limit`
    (a limit of 0 means no limit)."""
    if limit <= 0:
        return True
    bucket = int(time.time() // window)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"misto:throttle:{scope}:{digest}:{bucket}"
    if cache.add(cache_key, 1, timeout=window + 5):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.set(cache_key, 1, timeout=window + 5)
        count = 1
    return count <= limit

"""Fixed-window rate limits in the cache: N attempts per window per key (SECURITY.md test 17).

The embedded default uses the process-local cache, which is exact for one server process;
several processes share a limit only through a shared cache (Redis) in production.
"""

from __future__ import annotations

import time

from django.core.cache import cache

LOGIN_PER_ADDRESS = (20, 60)  # attempts, seconds
API_PER_TOKEN = (300, 60)  # requests, seconds
EXPORTS_PER_USER = (10, 60)  # exports, seconds


def hit(key: str, limit: int, window: int, now: float | None = None) -> int:
    """Counts one attempt; returns 0 when allowed, else the seconds until the window ends."""
    now = time.time() if now is None else now
    bucket = int(now // window)
    cache_key = f"rate:{key}:{bucket}"
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        return max(1, int((bucket + 1) * window - now))
    return 0

"""A fixed-window rate limit counted in the cache (Redis in production, so limits hold
across workers and hosts). Used for posting, voting and feedback; allauth has its own."""

import hashlib
import time

from django.core.cache import cache


def client_ip(request) -> str:
    """The visitor's address, as allauth's limits see it (TRUSTED_PROXY_COUNT decides how
    much of X-Forwarded-For to believe): one answer for every limit in the project."""
    from allauth.account.adapter import get_adapter

    return get_adapter(request).get_client_ip(request) or "unknown"


def hit(scope: str, key: str, *, limit: int, period: int) -> bool:
    """Count one event for ``key``; False when it is over ``limit`` per ``period`` seconds."""
    window = int(time.time() // period)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"rl:{scope}:{window}:{digest}"
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr: start again
        cache.set(cache_key, 1, timeout=period + 1)
        count = 1
    if count is None:
        # Redis did not answer (the cache ignores its errors and logs them): an outage
        # never blocks a post, so nothing is counted and the event is let through.
        return True
    return count <= limit

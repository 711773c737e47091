"""A fixed-window rate limit counted in the cache (Redis in production, so limits hold
across workers and hosts). Used for posting, voting and feedback; allauth has its own."""

import hashlib
import time

from django.core.cache import cache


def client_ip(request) -> str:
    # Behind the load balancer REMOTE_ADDR is the balancer; gunicorn's forwarded_allow_ips
    # and the proxy set the real address in REMOTE_ADDR via X-Forwarded-For handling.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


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
    return count <= limit

"""A per-client rate limit kept in Django's cache.

Fixed windows counted with ``cache.add`` and ``cache.incr``: with the Redis
cache (``REDIS_URL``) every worker shares the counters, so the limit holds
across processes; with the local-memory cache it holds per process.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

#: Live checks one client may run per window. The editor sends at most one
#: check every 250 ms while someone types, which is 240 a minute.
DEFAULT_CHECKS_PER_WINDOW = 300
DEFAULT_WINDOW_SECONDS = 60


@dataclass(frozen=True, slots=True)
class RateLimit:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int  # seconds until the window resets


def client_key(request: HttpRequest) -> str:
    """The client a request counts against: its address.

    Without a proxy that is ``REMOTE_ADDR``. Behind ``TRUSTED_PROXY_HOPS``
    proxies (``DJANGO_TRUSTED_PROXY_HOPS``), it is the address the outermost of
    them saw, read from the right of ``X-Forwarded-For``: entries further left
    were written by the client and could be made up to dodge the limit.
    """
    hops = int(getattr(settings, "TRUSTED_PROXY_HOPS", 0))
    if hops:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(addresses) >= hops:
            return addresses[-hops]
    return request.META.get("REMOTE_ADDR") or "unknown"


def rate_limit_hit(*, request: HttpRequest, scope: str) -> RateLimit:
    """Count one request of ``scope`` against its client and say if it may go on."""
    limit = int(getattr(settings, "PLAYGROUND_CHECKS_PER_WINDOW", DEFAULT_CHECKS_PER_WINDOW))
    window = int(getattr(settings, "PLAYGROUND_WINDOW_SECONDS", DEFAULT_WINDOW_SECONDS))
    now = time.time()
    bucket = int(now // window)
    key = f"ratelimit:{scope}:{client_key(request)}:{bucket}"
    retry_after = max(1, int((bucket + 1) * window - now))
    # add() is atomic and only sets a missing key; incr() is atomic on Redis.
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window + 1)
        count = 1
    return RateLimit(
        allowed=count <= limit,
        limit=limit,
        remaining=max(0, limit - count),
        retry_after=retry_after,
    )

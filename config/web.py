"""Web plumbing shared by every app, defined once.

The typed htmx request, the page-or-fragment render, the client's address, a
fixed-window rate limit kept in Django's cache, the base class of errors a user
can fix, and the size limit of a policy typed into a form.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails

#: The longest policy a learner may type into a lesson, exercise or question
#: form. Policies typed by learners are small; a trust policy's quota is 2,048.
MAX_POLICY_FIELD = 20_000

#: Live checks one client may run per window. The editor sends at most one
#: check every 250 ms while someone types, which is 240 a minute.
DEFAULT_CHECKS_PER_WINDOW = 300
DEFAULT_WINDOW_SECONDS = 60


class HtmxHttpRequest(HttpRequest):
    """A request that went through ``django_htmx``'s middleware."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """A request to a view behind ``@login_required``: its user has signed in."""

    user: User


class UserError(ValueError):
    """Input a user can correct, shown beside ``field`` (or above the form) with a 4xx."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    fragment: str = "",
    status: int = 200,
) -> HttpResponse:
    """The whole page, or only its ``{% partialdef fragment %}`` for an htmx request.

    The response varies on ``HX-Request`` either way, so no cache hands a
    fragment to a browser that asked for the page, or the page to htmx.
    """
    htmx = bool(getattr(request, "htmx", False))
    name = f"{template}#{fragment}" if fragment and htmx else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


def client_address(request: HttpRequest | None) -> str:
    """The address a request counts against.

    Without a proxy that is ``REMOTE_ADDR``. Behind ``TRUSTED_PROXY_HOPS``
    proxies (``DJANGO_TRUSTED_PROXY_HOPS``), it is the address the outermost of
    them saw, read from the right of ``X-Forwarded-For``: entries further left
    were written by the client and could be made up to dodge a limit.
    """
    if request is None:
        return "unknown"
    hops = int(getattr(settings, "TRUSTED_PROXY_HOPS", 0))
    if hops:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(addresses) >= hops:
            return addresses[-hops]
    return request.META.get("REMOTE_ADDR") or "unknown"


def cache_count(*, key: str, window: int) -> int:
    """Add one to the counter ``key``, which starts at its first count and lives ``window``
    seconds; return the new count. Atomic on Redis, so every worker shares the counters."""
    # add() only sets a missing key and starts the window; incr() keeps its expiry.
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window)
        return 1


@dataclass(frozen=True, slots=True)
class RateLimit:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int  # seconds until the window resets


def rate_limit_hit(*, request: HttpRequest, scope: str) -> RateLimit:
    """Count one request of ``scope`` against its client and say if it may go on.

    Fixed windows: with the Redis cache (``REDIS_URL``) the limit holds across
    processes; with the local-memory cache it holds per process.
    """
    limit = int(getattr(settings, "PLAYGROUND_CHECKS_PER_WINDOW", DEFAULT_CHECKS_PER_WINDOW))
    window = int(getattr(settings, "PLAYGROUND_WINDOW_SECONDS", DEFAULT_WINDOW_SECONDS))
    now = time.time()
    bucket = int(now // window)
    key = f"ratelimit:{scope}:{client_address(request)}:{bucket}"
    retry_after = max(1, int((bucket + 1) * window - now))
    count = cache_count(key=key, window=window + 1)
    return RateLimit(
        allowed=count <= limit,
        limit=limit,
        remaining=max(0, limit - count),
        retry_after=retry_after,
    )

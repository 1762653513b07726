"""The cache backends: Redis made to survive an outage, and the database cache
that shares counters between workers when there is no Redis.

Django's Redis cache, made to survive a Redis outage.

Everything the app keeps in Redis can be lost without losing data: cached
pages and fragments are recomputed, sessions (``cached_db``) are read from
the database, and rate-limit counters start again. So when Redis cannot be
reached, a read is a miss, a write is dropped and the request goes on,
slower, with a warning in the log, never a 500.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import connections, router, transaction
from django.utils.functional import cached_property
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

#: Errors that mean "Redis is not there right now", as opposed to a bug in a call.
OUTAGE_ERRORS: tuple[type[Exception], ...] = (
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionError,
    TimeoutError,
)

#: One warning per process per this many seconds, so an outage does not flood the log.
WARNING_INTERVAL_SECONDS = 30.0


#: When this process last warned of an outage. Process-wide, as the clients are:
#: under the ASGI worker Django builds a cache object per request.
_LAST_WARNING = {"at": float("-inf")}
_WARNING_LOCK = threading.Lock()
#: One Redis client (and so one connection pool) per process and configuration.
_CLIENTS: dict[str, Any] = {}
_CLIENTS_LOCK = threading.Lock()


class ResilientRedisCache(RedisCache):
    """``RedisCache`` that treats an unreachable Redis as an empty cache."""

    # Set by RedisCache.__init__; declared here for the type checker.
    _servers: list[str]
    _options: dict[str, Any]
    _class: type[Any]

    @cached_property
    def _cache(self) -> Any:
        """The process's client for this configuration. Django makes a cache object
        per thread, and the ASGI worker runs each request in a thread of its own: a
        client per object would open a new Redis connection for every request."""
        key = repr((self._servers, sorted(self._options.items())))
        with _CLIENTS_LOCK:
            client = _CLIENTS.get(key)
            if client is None:
                client = _CLIENTS[key] = self._class(self._servers, **self._options)
        return client

    def _outage(self, operation: str, exc: Exception) -> None:
        now = time.monotonic()
        with _WARNING_LOCK:
            if now - _LAST_WARNING["at"] < WARNING_INTERVAL_SECONDS:
                return
            _LAST_WARNING["at"] = now
        logger.warning(
            "Redis is unreachable (%s failed: %s); serving without the cache, "
            "sessions from the database, rate limits not counted.",
            operation,
            exc,
        )

    def _call[T](self, operation: str, fallback: T, call: Callable[[], T]) -> T:
        try:
            return call()
        except OUTAGE_ERRORS as exc:
            self._outage(operation, exc)
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._call("add", False, lambda: RedisCache.add(self, key, value, timeout, version))

    def get(self, key, default=None, version=None) -> Any:
        return self._call("get", default, lambda: RedisCache.get(self, key, default, version))

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        self._call("set", None, lambda: RedisCache.set(self, key, value, timeout, version))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        return self._call("touch", False, lambda: RedisCache.touch(self, key, timeout, version))

    def delete(self, key, version=None) -> bool:
        return self._call("delete", False, lambda: RedisCache.delete(self, key, version))

    def get_many(self, keys, version=None) -> dict[str, Any]:
        return self._call("get_many", {}, lambda: RedisCache.get_many(self, keys, version))

    def has_key(self, key, version=None) -> bool:
        return self._call("has_key", False, lambda: RedisCache.has_key(self, key, version))

    def incr(self, key, delta=1, version=None) -> int:
        # A counter that cannot be read counts as new: rate limits fail open
        # during an outage rather than locking every learner out.
        return self._call("incr", delta, lambda: RedisCache.incr(self, key, delta, version))

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> list[str]:
        return self._call(
            "set_many", list(data), lambda: RedisCache.set_many(self, data, timeout, version)
        )

    def delete_many(self, keys, version=None) -> None:
        self._call("delete_many", None, lambda: RedisCache.delete_many(self, keys, version))

    def clear(self) -> None:
        self._call("clear", None, lambda: RedisCache.clear(self))


class CountingDatabaseCache(DatabaseCache):
    """Django's database cache with an ``incr`` that no two workers can interleave.

    Without Redis the rate limits and the sign-in throttle count in the
    database, which every gunicorn worker shares (local memory would give each
    worker its own counters). Django's ``incr`` reads then writes; here it runs
    in one transaction that holds the row first."""

    def incr(self, key, delta=1, version=None) -> int:
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)  # type: ignore[attr-defined]
        with transaction.atomic(using=db):
            # A write first: it takes SQLite's write lock (whatever the transaction
            # mode) or PostgreSQL's row lock, so the read-then-write below is alone.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET expires = expires WHERE cache_key = %s",
                    [self.make_and_validate_key(key, version=version)],
                )
            return super().incr(key, delta, version)

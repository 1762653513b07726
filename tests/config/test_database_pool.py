"""Under the ASGI worker `make serve` runs, PostgreSQL connections stay bounded.

Django's ASGI handler runs each request's view in a thread of its own, and
Django keeps one connection per thread. With kept-alive connections every
request left one open behind it, and 200 learners made PostgreSQL refuse
clients ("too many clients already": 666 pages answered 500 in
`bench/load.py`). A pool per worker process bounds them.
"""

from __future__ import annotations

import asyncio

import pytest
from asgiref.testing import ApplicationCommunicator
from django.conf import settings
from django.core.asgi import get_asgi_application
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (CI's second run sets it)"
)

REQUESTS = 40


def _scope(path: str) -> dict[str, object]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"localhost")],
        "client": ("127.0.0.1", 50000),
        "server": ("localhost", 80),
    }


async def _get(application, path: str) -> int:
    communicator = ApplicationCommunicator(application, _scope(path))
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(timeout=30)
    while (await communicator.receive_output(timeout=30)).get("more_body"):
        pass
    return int(start["status"])


def _server_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_many_requests_at_once_share_a_bounded_number_of_connections():
    application = get_asgi_application()
    pool_size = settings.DATABASES["default"].get("OPTIONS", {}).get("pool", {}).get("max_size", 8)

    async def crowd() -> list[int]:
        return await asyncio.gather(*(_get(application, "/healthz") for _ in range(REQUESTS)))

    statuses = asyncio.run(crowd())

    assert statuses == [200] * REQUESTS
    # One pool for the process: at most its size, however many requests ran.
    assert _server_connections() <= pool_size

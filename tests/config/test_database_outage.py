"""When the database goes away the app says so on /healthz, and recovers by itself."""

from __future__ import annotations

import psycopg
import pytest
from django.db import DatabaseError, close_old_connections, connection
from django.test import Client
from django.urls import reverse

from config import views


@pytest.mark.django_db
def test_healthz_goes_back_to_200_once_the_database_answers_again(client: Client, monkeypatch):
    def unreachable():
        raise DatabaseError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(views.connection, "cursor", unreachable)
        assert client.get(reverse("healthz")).status_code == 503
    assert client.get(reverse("healthz")).json() == {"status": "ok", "database": "ok"}


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (CI's second run sets it)"
)
@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_dropped_is_replaced_before_the_next_request(client: Client):
    """CONN_HEALTH_CHECKS: a kept-alive connection that died (a database restart, a
    failover) is noticed at the start of the next request, not as that request's error."""
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert client.get(reverse("healthz")).status_code == 200
    old_pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [old_pid])
    # Django's WSGI handler runs this at the start of every request; the test
    # client leaves it out, so the test runs it where the handler would.
    close_old_connections()
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert connection.connection.info.backend_pid != old_pid

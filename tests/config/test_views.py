"""The frame of the site: home page, health check, error pages and security headers."""

from __future__ import annotations

import json
import re

import pytest
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_page_says_what_the_product_is_and_links_to_each_part(client: Client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "trust policies" in html
    for name in ("courses:course_map", "policies:playground", "practice:home"):
        assert f'href="{reverse(name)}"' in html
    assert 'href="#main"' in html  # skip link
    assert '<main id="main"' in html


def test_home_page_sets_the_csrf_token_for_htmx_once_on_body(client: Client):
    html = client.get(reverse("home")).content.decode()
    assert re.search(r'<body hx-headers=\'\{"X-CSRFToken": "[\w-]+"\}\'>', html)
    assert html.count("X-CSRFToken") == 1


def test_healthz_reports_the_database(client: Client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_says_503_when_the_database_is_unreachable(client: Client, monkeypatch):
    from config import views

    def broken_cursor():
        raise DatabaseError("connection refused")

    monkeypatch.setattr(views.connection, "cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_unknown_page_gets_the_friendly_404_in_the_site_frame(client: Client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'class="site-header"' in html


def test_server_error_page_is_friendly(rf):
    from config.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def _pool_timeout() -> Exception:
    """What Django raises when no pooled connection came free in time."""
    from django.db import OperationalError
    from psycopg_pool import PoolTimeout

    try:
        try:
            raise PoolTimeout("couldn't get a connection after 10.00 sec")
        except PoolTimeout as exc:
            raise OperationalError(str(exc)) from exc
    except OperationalError as wrapped:
        return wrapped


def test_a_crowd_that_outwaits_the_connection_pool_gets_a_503_not_a_500(monkeypatch):
    from config import views

    def crowded(**kwargs):
        raise _pool_timeout()

    monkeypatch.setattr(views, "course_progress", crowded)
    response = Client(raise_request_exception=False).get(reverse("home"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    html = response.content.decode()
    assert "Very busy right now" in html and "Nothing you saved" in html


def test_the_api_says_busy_in_json(rf):
    from config.views import server_error

    try:
        raise _pool_timeout()
    except Exception:
        response = server_error(rf.post("/api/v1/validate"))
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "error": "The service is busy; try again in a few seconds."
    }


def test_a_get_only_page_refuses_post(client: Client):
    assert client.post(reverse("home")).status_code == 405


@pytest.mark.parametrize("name", ["home", "healthz", "policies:playground", "courses:course_map"])
def test_security_headers_on_every_page_with_debug_off(client: Client, name: str):
    response = client.get(reverse(name), secure=True)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


def test_every_script_on_the_page_carries_the_csp_nonce(client: Client):
    response = client.get(reverse("home"), secure=True)
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert scripts, "the page loads htmx"
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag, tag

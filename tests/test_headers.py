"""Every URL of the resolver answers with the security headers and a strict CSP.

The list is walked from the URL resolver (tests/urlwalk.py), so a new page is
covered the day it is added. Debug is off, as in production, and requests
come over HTTPS (``secure=True``) so that HSTS is sent.
"""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client

from tests.sample_world import sample_world
from tests.urlwalk import WalkedUrl, walk_urls

pytestmark = pytest.mark.django_db

URLS = walk_urls()
PERSONAS = ("anonymous", "staff_teacher")


def csp_directives(response: HttpResponse) -> dict[str, set[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = set(values)
    return directives


def assert_security_headers(response: HttpResponse, where: str) -> None:
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["X-Frame-Options"] == "DENY", where
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", where
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", where
    assert response["Strict-Transport-Security"].startswith("max-age=31536000"), where
    csp = csp_directives(response)
    assert csp["default-src"] == {"'self'"}, where
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in csp[directive], where
        assert "'unsafe-eval'" not in csp[directive], where
        assert "*" not in csp[directive] and "data:" not in csp[directive], where
    assert csp["object-src"] == {"'none'"}, where
    assert csp["frame-ancestors"] == {"'none'"}, where
    assert csp["base-uri"] == {"'self'"}, where
    assert csp["form-action"] == {"'self'"}, where


@pytest.fixture
def world():
    made = sample_world()
    return {"staff_teacher": made.teacher, "exercise": made.exercise_slug}, made.samples


def test_the_walk_reaches_every_url_of_the_resolver():
    from django.urls import resolve

    assert len(URLS) > 50
    assert len({url.name for url in URLS}) == len(URLS), "two URLs share a name"
    for url in URLS:
        assert resolve(url.path).func == url.pattern.callback, url.name


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url", URLS, ids=str)
def test_every_url_sends_the_security_headers_and_a_strict_csp(world, url: WalkedUrl, persona):
    people, samples = world
    if url.name.startswith("courses:exercise"):
        samples = {**samples, "slug": people["exercise"]}
    path = {u.name: u.path for u in walk_urls(samples)}[url.name]
    client = Client()
    if persona != "anonymous":
        client.force_login(people[persona])
    for method in ("get", "head"):
        response = getattr(client, method)(path, secure=True)
        assert response.status_code < 500, f"{method.upper()} {path}"
        assert_security_headers(response, f"{method.upper()} {path} as {persona}")

"""Web plumbing in config/web.py: the client address, the rate limit, render_page, UserError."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from config.web import client_address, rate_limit_hit


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _request(addr: str = "198.51.100.7", **extra):
    return RequestFactory().post("/playground/", REMOTE_ADDR=addr, **extra)


def test_requests_under_the_limit_pass_and_count_down(settings):
    settings.PLAYGROUND_CHECKS_PER_WINDOW = 3
    hits = [rate_limit_hit(request=_request(), scope="t") for _ in range(3)]
    assert [h.allowed for h in hits] == [True, True, True]
    assert [h.remaining for h in hits] == [2, 1, 0]


def test_the_request_over_the_limit_is_refused_with_a_retry_time(settings):
    settings.PLAYGROUND_CHECKS_PER_WINDOW = 2
    settings.PLAYGROUND_WINDOW_SECONDS = 60
    for _ in range(2):
        rate_limit_hit(request=_request(), scope="t")
    over = rate_limit_hit(request=_request(), scope="t")
    assert not over.allowed
    assert 1 <= over.retry_after <= 60


def test_clients_and_scopes_are_counted_apart(settings):
    settings.PLAYGROUND_CHECKS_PER_WINDOW = 1
    assert rate_limit_hit(request=_request("198.51.100.1"), scope="t").allowed
    assert rate_limit_hit(request=_request("198.51.100.2"), scope="t").allowed
    assert rate_limit_hit(request=_request("198.51.100.1"), scope="other").allowed
    assert not rate_limit_hit(request=_request("198.51.100.1"), scope="t").allowed


def test_a_made_up_forwarded_for_header_does_not_dodge_the_limit(settings):
    settings.PLAYGROUND_CHECKS_PER_WINDOW = 1
    rate_limit_hit(request=_request(), scope="t")
    spoofed = _request(HTTP_X_FORWARDED_FOR="203.0.113.50")
    assert client_address(spoofed) == "198.51.100.7"
    assert not rate_limit_hit(request=spoofed, scope="t").allowed


def test_a_new_window_starts_counting_again(settings, monkeypatch):
    settings.PLAYGROUND_CHECKS_PER_WINDOW = 1
    settings.PLAYGROUND_WINDOW_SECONDS = 10
    now = [1_000_000.0]
    monkeypatch.setattr("config.web.time.time", lambda: now[0])
    assert rate_limit_hit(request=_request(), scope="t").allowed
    assert not rate_limit_hit(request=_request(), scope="t").allowed
    now[0] += 10
    assert rate_limit_hit(request=_request(), scope="t").allowed


def test_behind_trusted_proxies_the_client_is_read_from_the_right(rf, settings):
    from config.web import client_address

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.2")
    settings.TRUSTED_PROXY_HOPS = 0
    assert client_address(request) == "10.0.0.2"  # no proxy trusted: the header is ignored
    settings.TRUSTED_PROXY_HOPS = 1
    assert client_address(request) == "203.0.113.7"  # not the made-up 6.6.6.6 on the left
    settings.TRUSTED_PROXY_HOPS = 3
    assert client_address(request) == "10.0.0.2"  # fewer entries than hops: fall back


def test_render_page_sends_the_fragment_to_htmx_and_the_page_otherwise(rf):
    """A question report's message: htmx gets only it; both answers vary on HX-Request."""
    from config.web import render_page

    page_request = rf.get("/")
    page_request.htmx = False
    htmx_request = rf.get("/", HTTP_HX_REQUEST="true")
    htmx_request.htmx = True
    from types import SimpleNamespace

    question = SimpleNamespace(qid="q-001")  # the refused form comes back with its message
    template = "practice/report_done.html"
    context = {"error": "Say what is wrong.", "question": question}
    fragment = render_page(htmx_request, template, context, fragment="message", status=400)
    whole = render_page(page_request, template, context, fragment="message", status=400)
    assert fragment.status_code == whole.status_code == 400
    assert "HX-Request" in fragment["Vary"] and "HX-Request" in whole["Vary"]
    assert b"Say what is wrong." in fragment.content
    assert len(fragment.content) < len(whole.content)
    assert b"<html" in whole.content and b"<html" not in fragment.content


def test_a_user_error_carries_the_field_it_belongs_to():
    from config.web import UserError
    from learning.classrooms.services import ClassroomError
    from learning.practice.bank import QuizError

    error = UserError("Type a policy first.", field="policy")
    assert str(error) == "Type a policy first." and error.field == "policy"
    assert issubclass(QuizError, UserError) and issubclass(ClassroomError, UserError)
    assert ClassroomError("Give the class a name.").field == ""

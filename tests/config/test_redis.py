"""Redis for the cache, the sessions and the rate limits, and life without it."""

from __future__ import annotations

import logging
import os
import socket

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from config import cache as resilient
from learning.models import ExamResponse, QuestionAnswer
from tests.learning.content.factories import LessonFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_settings(settings, url: str) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "rolecall-test",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


@pytest.fixture
def redis_down(settings, monkeypatch):
    _redis_settings(settings, f"redis://127.0.0.1:{_closed_port()}/0")
    # Every test sees the first warning, whatever an earlier test logged.
    monkeypatch.setattr(resilient, "WARNING_INTERVAL_SECONDS", 0.0)


def test_without_redis_every_page_and_form_still_answers(redis_down, caplog, client: Client):
    lesson = LessonFactory()
    question = QuestionFactory()
    for _ in range(9):
        QuestionFactory()
    with caplog.at_level(logging.WARNING, logger="config.cache"):
        assert client.get(reverse("courses:lesson", args=[lesson.slug])).status_code == 200
        assert client.post(reverse("policies:playground"), {"policy": "{}"}).status_code < 500
        answer = client.post(reverse("practice:question"), {"qid": question.qid, "option": "1"})
        assert answer.status_code == 200
        started = client.post(reverse("practice:exam_start"), {"exam": "SAA-C03", "count": 10})
        assert started.status_code == 302
        saved = client.post(started["Location"], {"option": "0", "go": "next"})
        assert saved.status_code == 302
    # The session lives in the database, so the same learner goes on.
    assert QuestionAnswer.objects.count() == 1
    assert ExamResponse.objects.count() == 1
    assert any("Redis is unreachable" in r.getMessage() for r in caplog.records)


def test_without_redis_the_api_answers_and_rate_limits_fail_open(redis_down, client, settings):
    settings.PLAYGROUND_CHECKS_PER_WINDOW = 1
    url = reverse("api:validate")
    for _ in range(3):
        response = client.post(url, '{"policy": "{}"}', content_type="application/json")
        assert response.status_code == 200


def test_the_outage_warning_is_logged_once_per_interval(settings, caplog, monkeypatch):
    _redis_settings(settings, f"redis://127.0.0.1:{_closed_port()}/0")
    monkeypatch.setattr(resilient, "WARNING_INTERVAL_SECONDS", 3600.0)
    monkeypatch.setitem(resilient._LAST_WARNING, "at", float("-inf"))
    cache = caches["default"]
    with caplog.at_level(logging.WARNING, logger="config.cache"):
        assert cache.get("missing", "fallback") == "fallback"
        assert cache.add("k", 1) is False
        assert cache.incr("k") == 1
        cache.set("k", 2)
        assert cache.get_many(["a", "b"]) == {}
    assert len([r for r in caplog.records if r.name == "config.cache"]) == 1


def test_every_request_shares_the_process_redis_client_and_warning_clock(
    settings, caplog, monkeypatch
):
    """Under the ASGI worker each request gets its own cache object: they must share
    one connection pool (not a new Redis connection per request), and an outage is
    logged once per interval, not once per request (273 warnings in a 2 s outage)."""
    _redis_settings(settings, f"redis://127.0.0.1:{_closed_port()}/0")
    monkeypatch.setattr(resilient, "WARNING_INTERVAL_SECONDS", 3600.0)
    monkeypatch.setitem(resilient._LAST_WARNING, "at", float("-inf"))
    first, second = caches.create_connection("default"), caches.create_connection("default")
    assert first is not second
    assert first._cache is second._cache
    with caplog.at_level(logging.WARNING, logger="config.cache"):
        assert first.get("k", "miss") == "miss"
        assert second.get("k", "miss") == "miss"
    assert len([r for r in caplog.records if r.name == "config.cache"]) == 1


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set (CI sets it)")
def test_with_redis_sessions_and_counters_are_shared(settings, client: Client):
    _redis_settings(settings, os.environ["REDIS_URL"])
    cache = caches["default"]
    cache.set("shared", "yes", 30)
    assert cache.get("shared") == "yes"
    cache.add("counter", 0, 30)
    assert cache.incr("counter") == 1
    question = QuestionFactory()
    client.post(reverse("practice:question"), {"qid": question.qid, "option": "1"})
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert cache.get(f"django.contrib.sessions.cached_db{key}") is not None

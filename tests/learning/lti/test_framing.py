"""Framing and cookies: only a browser launched from a registered platform may be framed,
only by that platform, and its cookies travel inside the platform's frame."""

from __future__ import annotations

import pytest

from tests.learning.accounts.factories import UserFactory
from tests.learning.content.factories import LessonFactory
from tests.learning.lti import platform as fake


def csp(response) -> dict[str, str]:
    parts = (p.strip().split(" ", 1) for p in response["Content-Security-Policy"].split(";"))
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


@pytest.fixture
def lesson(db):
    return LessonFactory(slug="trust-basics")


def test_pages_of_a_launched_session_may_be_framed_by_the_platform_only(
    launch, browser_client, lesson
):
    launch()
    page = browser_client.get(lesson.get_absolute_url())
    assert page.status_code == 200
    assert "X-Frame-Options" not in page
    assert csp(page)["frame-ancestors"] == fake.HOST
    assert "'unsafe-inline'" not in csp(page)["script-src"]


def test_the_launch_sets_session_and_csrf_cookies_that_work_in_a_frame(launch, browser_client):
    """SameSite=None crosses sites; Partitioned (CHIPS) survives blocked third-party cookies."""
    answer = launch()
    for name in ("sessionid", "csrftoken"):
        cookie = answer.cookies[name].OutputString()
        assert "SameSite=None; Partitioned" in cookie, name
        assert "; Secure" in cookie, name


def test_any_other_session_keeps_deny_and_lax_cookies(client, lesson, registered):
    user = UserFactory(password="a-long-password-1")
    answer = client.post(
        "/accounts/login/", {"username": user.email, "password": "a-long-password-1"}
    )
    assert answer.status_code == 302 and "_auth_user_id" in client.session
    assert answer.cookies["sessionid"]["samesite"] == "Lax"
    page = client.get(lesson.get_absolute_url())
    assert page["X-Frame-Options"] == "DENY"
    assert csp(page)["frame-ancestors"] == "'none'"


def test_a_refusal_may_be_shown_in_a_registered_platforms_frame(browser_client, registered):
    answer = browser_client.post("/lti/launch/", {"state": "x", "id_token": "y"})
    assert answer.status_code == 403
    assert "X-Frame-Options" not in answer
    assert csp(answer)["frame-ancestors"] == fake.HOST


def test_with_no_platform_registered_a_refusal_is_not_framable(client, db):
    answer = client.post("/lti/launch/", {"state": "x", "id_token": "y"})
    assert answer["X-Frame-Options"] == "DENY"


def test_the_deep_linking_form_action_is_only_widened_on_its_own_page(
    launch, browser_client, lesson
):
    launch()
    assert csp(browser_client.get(lesson.get_absolute_url()))["form-action"] == "'self'"

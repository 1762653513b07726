"""Deep Linking: an instructor picks an item; the signed response goes back to the platform."""

from __future__ import annotations

import html
import re

import pytest

from learning.lti.models import LtiUser
from tests.learning.content.factories import ExerciseFactory, LessonFactory
from tests.learning.lti import platform as fake
from tests.learning.lti.conftest import TOOL, login

DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
RETURN_URL = f"{fake.HOST}/mod/lti/contentitem_return.php?course=3&id=9"
INSTRUCTOR = [fake.ROLE + "Instructor"]


@pytest.fixture
def content(db):
    LessonFactory(slug="trust-basics", title="Trust policy basics")
    ExerciseFactory(slug="let-ec2-in", title="Let EC2 instances in")


@pytest.fixture
def deep_launch(browser_client, registered, platform_server, content):
    def run(*, roles=INSTRUCTOR, settings=None):
        started = login(browser_client, target_link_uri=f"{TOOL}/lti/deep-link/")
        dl = {
            "deep_link_return_url": RETURN_URL,
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe"],
            "accept_lineitem": True,
            "data": "csrf-of-the-platform-42",
            **(settings or {}),
        }
        token = platform_server.id_token(
            nonce=started.nonce,
            sub="teacher-1",
            roles=roles,
            message_type="LtiDeepLinkingRequest",
            **{DL_SETTINGS: dl},
        )
        return browser_client.post("/lti/deep-link/", {"id_token": token, "state": started.state})

    return run


def picked(client, ref: str):
    page = client.get("/lti/deep-link/pick/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    return client.post("/lti/deep-link/pick/", {"item": ref, "csrfmiddlewaretoken": token})


def test_an_instructor_is_shown_the_picker_with_every_kind_of_item(deep_launch, browser_client):
    answer = deep_launch()
    assert answer["Location"] == "/lti/deep-link/pick/"
    page = browser_client.get(answer["Location"]).content.decode()
    assert "Trust policy basics" in page and "Let EC2 instances in" in page
    assert "DVA-C02 exam simulation" in page


def test_the_picker_searches(deep_launch, browser_client):
    deep_launch()
    page = browser_client.get("/lti/deep-link/pick/", {"q": "ec2"}).content.decode()
    assert "Let EC2 instances in" in page and "Trust policy basics" not in page


def test_the_response_is_signed_and_posted_to_the_return_url_exactly(deep_launch, browser_client):
    deep_launch()
    answer = picked(browser_client, "lesson:trust-basics")
    assert answer.status_code == 200
    body = answer.content.decode()
    action = html.unescape(re.search(r'id="lti-return" method="post" action="([^"]+)"', body)[1])
    assert action == RETURN_URL
    token = re.search(r'name="JWT" value="([^"]+)"', body)[1]
    claims = fake.tool_token_claims(token)
    assert claims["iss"] == fake.CLIENT_ID
    assert claims["aud"] == [fake.ISSUER]
    assert claims[fake.CLAIM + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[fake.CLAIM + "version"] == "1.3.0"
    assert claims[fake.CLAIM + "deployment_id"] == fake.DEPLOYMENT_ID
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "csrf-of-the-platform-42"
    (item,) = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["type"] == "ltiResourceLink"
    assert item["title"] == "Trust policy basics"
    assert item["url"] == f"{TOOL}/lessons/trust-basics/"
    assert item["custom"] == {"rolecall": "lesson:trust-basics"}
    assert item["lineItem"]["scoreMaximum"] == 1.0


def test_the_response_page_may_post_to_the_platform_and_be_framed_by_it(
    deep_launch, browser_client
):
    deep_launch()
    answer = picked(browser_client, "exercise:let-ec2-in")
    csp = answer["Content-Security-Policy"]
    assert f"form-action 'self' {fake.HOST}" in csp
    assert f"frame-ancestors {fake.HOST}" in csp
    assert "X-Frame-Options" not in answer


def test_no_line_item_when_the_platform_ignores_them(deep_launch, browser_client):
    deep_launch(settings={"accept_lineitem": False})
    body = picked(browser_client, "exam:SAA-C03").content.decode()
    claims = fake.tool_token_claims(re.search(r'name="JWT" value="([^"]+)"', body)[1])
    (item,) = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert "lineItem" not in item
    assert item["custom"] == {"rolecall": "exam:SAA-C03"}


def test_a_response_is_sent_once(deep_launch, browser_client):
    deep_launch()
    picked(browser_client, "lesson:trust-basics")
    again = browser_client.get("/lti/deep-link/pick/")
    assert again.status_code == 403


def test_an_unknown_item_is_refused_on_the_picker(deep_launch, browser_client):
    deep_launch()
    answer = picked(browser_client, "lesson:nope")
    assert answer.status_code == 400
    assert b"Pick one of the lessons" in answer.content


def test_a_learner_cannot_deep_link_and_nothing_is_created(deep_launch, browser_client):
    answer = deep_launch(roles=[fake.ROLE + "Learner"])
    assert answer.status_code == 403
    assert b"Only a course&#x27;s instructors" in answer.content
    assert not LtiUser.objects.exists()
    assert "_auth_user_id" not in browser_client.session

"""Third-party initiated login and the launch: each step, and each refusal.

A refusal answers a 4xx page and signs nobody in; no account, class or
membership is created."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model

from learning.lti.models import LoginState, LtiUser
from learning.models import Classroom, Membership
from tests.learning.lti import platform as fake
from tests.learning.lti.conftest import TOOL, login


def nothing_created() -> bool:
    return (
        not get_user_model().objects.exists()
        and not LtiUser.objects.exists()
        and not Classroom.objects.exists()
        and not Membership.objects.exists()
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("method", ["get", "post"])
def test_login_redirects_to_the_platform_with_state_nonce_and_the_exact_launch_url(
    browser_client, registered, method
):
    started = login(browser_client, method=method)
    url = urlsplit(started.location)
    assert f"{url.scheme}://{url.netloc}{url.path}" == fake.AUTH_URL
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["redirect_uri"] == f"{TOOL}/lti/launch/"
    assert query["client_id"] == fake.CLIENT_ID
    assert query["login_hint"] == "hint-1"
    assert query["lti_message_hint"] == "message-hint-1"
    assert (query["scope"], query["response_type"], query["response_mode"], query["prompt"]) == (
        "openid",
        "id_token",
        "form_post",
        "none",
    )
    row = LoginState.objects.get(state=query["state"])
    assert row.nonce == query["nonce"] and row.used is None
    cookie = browser_client.cookies[f"lti-state-{query['state']}"].OutputString()
    assert "SameSite=None; Partitioned" in cookie
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_login_targeting_deep_linking_returns_to_the_deep_linking_url(browser_client, registered):
    started = login(browser_client, target_link_uri=f"{TOOL}/lti/deep-link/")
    assert started.redirect_uri == f"{TOOL}/lti/deep-link/"


def test_the_issuer_is_never_called(launch, platform_server):
    assert launch().status_code == 302
    assert not any(fake.ISSUER in r for r in platform_server.requests)
    assert platform_server.requests == [f"GET {fake.JWKS_URL}"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"iss": "https://unknown.example"}, "not registered"),
        ({"client_id": "someone-else"}, "not registered"),
        ({"lti_deployment_id": "9:unknown"}, "deployment"),
        ({"login_hint": ""}, "no login_hint"),
    ],
)
def test_login_from_an_unregistered_platform_is_refused(
    browser_client, registered, params, message
):
    answer = browser_client.get(
        "/lti/login/",
        {
            "iss": fake.ISSUER,
            "login_hint": "h",
            "target_link_uri": f"{TOOL}/lti/launch/",
            "client_id": fake.CLIENT_ID,
            **params,
        },
    )
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not LoginState.objects.exists()


def test_a_valid_launch_signs_the_learner_in_without_a_csrf_token(launch, browser_client):
    answer = launch()
    assert answer.status_code == 302
    assert signed_in(browser_client)
    identity = LtiUser.objects.get()
    assert (identity.sub, identity.platform.issuer) == ("learner-1", fake.ISSUER)


def _refused(answer, client, reason: str) -> None:
    assert 400 <= answer.status_code < 500
    assert f'data-reason="{reason}"' in answer.content.decode()
    assert not signed_in(client)
    assert nothing_created()


def test_a_replayed_token_is_refused(browser_client, registered, platform_server):
    started = login(browser_client)
    token = platform_server.id_token(nonce=started.nonce)
    post = {"id_token": token, "state": started.state}
    assert browser_client.post("/lti/launch/", post).status_code == 302
    browser_client.logout()
    LtiUser.objects.all().delete()
    get_user_model().objects.all().delete()
    Classroom.objects.all().delete()
    _refused(browser_client.post("/lti/launch/", post), browser_client, "state")


def test_an_old_token_under_a_fresh_state_is_refused(browser_client, registered, platform_server):
    old = login(browser_client)
    old_token = platform_server.id_token(nonce=old.nonce)
    fresh = login(browser_client)
    answer = browser_client.post("/lti/launch/", {"id_token": old_token, "state": fresh.state})
    _refused(answer, browser_client, "token")
    assert "nonce" in answer.content.decode()


def test_another_key_under_the_same_key_id_is_refused(launch, browser_client):
    other_pem, _ = fake.rsa_key()
    _refused(launch(key_pem=other_pem), browser_client, "token")


def test_an_unknown_key_id_is_refused(launch, browser_client):
    _refused(launch(kid="someone-elses-key"), browser_client, "token")


def test_another_audience_is_refused(launch, browser_client):
    _refused(launch(aud="another-tool"), browser_client, "token")


def test_an_audience_list_needs_our_client_id_as_authorized_party(launch, browser_client):
    answer = launch(aud=[fake.CLIENT_ID, "another-tool"], azp="another-tool")
    _refused(answer, browser_client, "token")


def test_an_expired_token_is_refused(launch, browser_client):
    past = int(time.time()) - 600
    _refused(launch(iat=past - 300, exp=past), browser_client, "token")


def test_a_token_without_expiry_is_refused(launch, browser_client):
    _refused(launch(exp=None), browser_client, "token")


@pytest.mark.parametrize(
    "claims",
    [
        {fake.CLAIM + "version": "1.1"},
        {fake.CLAIM + "deployment_id": "9:unregistered"},
        {fake.CLAIM + "message_type": "LtiSubmissionReviewRequest"},
        {"iss": "https://another-issuer.example"},
    ],
)
def test_wrong_claims_are_refused(launch, browser_client, claims):
    _refused(launch(**claims), browser_client, "token")


def test_a_launch_without_the_state_cookie_offers_a_new_window(
    browser_client, registered, platform_server
):
    started = login(browser_client)
    browser_client.cookies.pop(f"lti-state-{started.state}")
    token = platform_server.id_token(nonce=started.nonce)
    answer = browser_client.post("/lti/launch/", {"id_token": token, "state": started.state})
    _refused(answer, browser_client, "cookie")
    assert "Open RoleCall in a new window" in answer.content.decode()
    assert "login_hint=hint-1" in answer.content.decode()


def test_a_token_posted_to_the_other_endpoint_is_refused(launch, browser_client):
    _refused(launch(endpoint="/lti/deep-link/"), browser_client, "redirect")


def test_an_expired_login_state_is_refused(browser_client, registered, platform_server):
    started = login(browser_client)
    LoginState.objects.update(created="2020-01-01T00:00:00Z")
    token = platform_server.id_token(nonce=started.nonce)
    answer = browser_client.post("/lti/launch/", {"id_token": token, "state": started.state})
    _refused(answer, browser_client, "state")


@pytest.mark.parametrize("body", [{}, {"state": "x"}, {"id_token": "x", "state": "nope"}])
def test_garbage_is_refused_with_a_message(browser_client, registered, body):
    answer = browser_client.post("/lti/launch/", body)
    assert answer.status_code in (400, 403)
    assert b"RoleCall could not open this activity" in answer.content
    assert nothing_created()


def test_a_malformed_token_under_a_valid_state_is_refused(browser_client, registered):
    started = login(browser_client)
    answer = browser_client.post("/lti/launch/", {"id_token": "a.b.c", "state": started.state})
    _refused(answer, browser_client, "token")

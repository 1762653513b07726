"""Platform storage: where the browser blocks RoleCall's cookie in the course frame,
the login's state and nonce are kept by the platform's page (lti.put_data) and fetched
back at launch (lti.get_data) by RoleCall's page, which posts them to the completion."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from learning.lti.models import LoginState
from tests.learning.lti import platform as fake
from tests.learning.lti.conftest import TOOL, login
from tests.learning.lti.test_launch import nothing_created, signed_in

OWN_ORIGIN = "http://testserver"
TARGET = "post_message_forwarding"


def attribute(html: str, name: str) -> str:
    found = re.search(rf'{name}="([^"]*)"', html)
    assert found, name
    return unescape(found.group(1))


def storage_login(client: Client) -> tuple[str, str, str]:
    """A login that advertises platform storage; returns (page html, state, nonce)."""
    answer = client.get(
        "/lti/login/",
        {
            "iss": fake.ISSUER,
            "login_hint": "hint-1",
            "target_link_uri": f"{TOOL}/lti/launch/",
            "client_id": fake.CLIENT_ID,
            "lti_deployment_id": fake.DEPLOYMENT_ID,
            "lti_storage_target": TARGET,
        },
    )
    assert answer.status_code == 200
    html = answer.content.decode()
    return html, attribute(html, "data-state"), attribute(html, "data-nonce")


def test_login_with_a_storage_target_serves_the_put_page(browser_client, registered):
    html, state, nonce = storage_login(browser_client)
    row = LoginState.objects.get(state=state)
    assert row.nonce == nonce
    assert attribute(html, "data-mode") == "put"
    assert attribute(html, "data-target") == TARGET
    origin = urlsplit(fake.AUTH_URL)
    assert attribute(html, "data-origin") == f"{origin.scheme}://{origin.netloc}"
    following = urlsplit(attribute(html, "data-next"))
    assert parse_qs(following.query)["state"] == [state]
    assert "lti/storage.js" in html and "<script>" not in html
    assert f"lti-state-{state}" in browser_client.cookies  # the cookie is still tried first


def test_login_without_a_storage_target_still_redirects(browser_client, registered):
    assert login(browser_client).location.startswith(fake.AUTH_URL)


def test_launch_with_the_cookie_ignores_platform_storage(
    browser_client, registered, platform_server
):
    _, state, nonce = storage_login(browser_client)
    token = platform_server.id_token(nonce=nonce)
    answer = browser_client.post("/lti/launch/", {"id_token": token, "state": state})
    assert answer.status_code == 302 and signed_in(browser_client)


def launch_without_cookie(registered, platform_server, **claims):
    browser = Client(enforce_csrf_checks=True)
    _, state, nonce = storage_login(browser)
    token = platform_server.id_token(nonce=nonce, **claims)
    cookieless = Client(enforce_csrf_checks=True)
    page = cookieless.post(
        "/lti/launch/", {"id_token": token, "state": state}, HTTP_ORIGIN=fake.HOST
    )
    return cookieless, page, state, nonce, token


def test_launch_without_the_cookie_serves_the_get_page(registered, platform_server):
    client, page, state, _, token = launch_without_cookie(registered, platform_server)
    assert page.status_code == 200
    html = page.content.decode()
    assert attribute(html, "data-mode") == "get"
    assert attribute(html, "data-state") == state
    assert 'action="/lti/launch/complete/"' in html and token in html
    assert fake.HOST in page["Content-Security-Policy"]  # the platform may frame it
    assert LoginState.objects.get(state=state).used is None
    assert not signed_in(client) and nothing_created()


def complete(client, state, token, **stored):
    return client.post(
        "/lti/launch/complete/",
        {"state": state, "id_token": token, **stored},
        HTTP_ORIGIN=OWN_ORIGIN,
    )


def test_completion_with_the_stored_state_signs_in(registered, platform_server):
    client, _, state, nonce, token = launch_without_cookie(registered, platform_server)
    answer = complete(client, state, token, stored_state=state, stored_nonce=nonce)
    assert answer.status_code == 302 and signed_in(client)
    assert LoginState.objects.get(state=state).used is not None


def test_a_replayed_completion_is_refused(registered, platform_server):
    client, _, state, nonce, token = launch_without_cookie(registered, platform_server)
    assert complete(client, state, token, stored_state=state, stored_nonce=nonce).status_code == 302
    other = Client()
    again = complete(other, state, token, stored_state=state, stored_nonce=nonce)
    assert again.status_code == 403 and not signed_in(other)


@pytest.mark.parametrize(
    "stored",
    [
        {"stored_state": "someone-elses-state", "stored_nonce": "n"},
        {"stored_state": "", "stored_nonce": ""},
        {},
    ],
    ids=["wrong", "empty", "absent"],
)
def test_completion_without_the_stored_state_is_refused(registered, platform_server, stored):
    client, _, state, _, token = launch_without_cookie(registered, platform_server)
    answer = complete(client, state, token, **stored)
    assert answer.status_code == 403
    assert b"did not hold this launch" in answer.content
    assert not signed_in(client) and nothing_created()


def test_completion_with_a_wrong_nonce_is_refused(registered, platform_server):
    client, _, state, _, token = launch_without_cookie(registered, platform_server)
    answer = complete(client, state, token, stored_state=state, stored_nonce="other")
    assert answer.status_code == 403 and nothing_created()


def test_completion_from_another_site_is_refused(registered, platform_server):
    client, _, state, nonce, token = launch_without_cookie(registered, platform_server)
    answer = client.post(
        "/lti/launch/complete/",
        {"state": state, "id_token": token, "stored_state": state, "stored_nonce": nonce},
        HTTP_ORIGIN="https://evil.example",
    )
    assert answer.status_code == 403 and nothing_created()
    assert LoginState.objects.get(state=state).used is None


def test_completion_for_an_unknown_state_is_a_400(registered):
    answer = Client().post(
        "/lti/launch/complete/",
        {"state": "nope", "id_token": "x", "stored_state": "nope"},
        HTTP_ORIGIN=OWN_ORIGIN,
    )
    assert answer.status_code == 400 and nothing_created()


def test_cookieless_launch_of_a_login_without_storage_is_still_refused(registered, platform_server):
    started = login(Client())
    token = platform_server.id_token(nonce=started.nonce)
    cookieless = Client()
    answer = cookieless.post("/lti/launch/", {"id_token": token, "state": started.state})
    assert answer.status_code == 403 and nothing_created()
    completion = complete(
        cookieless, started.state, token, stored_state=started.state, stored_nonce=started.nonce
    )
    assert completion.status_code == 403 and nothing_created()

"""Fixtures for the LTI tests: a registered platform of the suite's own and a launch helper."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from learning.lti.registry import platform_register
from tests.learning.lti import platform as fake

TOOL = "https://rolecall.test"


@pytest.fixture
def platform_server(monkeypatch) -> fake.FakePlatform:
    """The suite's platform, reached by every request RoleCall sends through requests."""
    return fake.install(monkeypatch)


@pytest.fixture
def registered(db, settings, platform_server):
    settings.LTI_TOOL_BASE_URL = TOOL
    return platform_register(
        issuer=fake.ISSUER,
        client_id=fake.CLIENT_ID,
        deployment_ids=[fake.DEPLOYMENT_ID],
        auth_login_url=fake.AUTH_URL,
        auth_token_url=fake.TOKEN_URL,
        key_set_url=fake.JWKS_URL,
        origins=[fake.HOST],
    )


@dataclass
class Login:
    state: str
    nonce: str
    redirect_uri: str
    location: str


def login(client: Client, *, method: str = "get", **params) -> Login:
    """Start a third-party initiated login as the platform's page would."""
    data = {
        "iss": fake.ISSUER,
        "login_hint": "hint-1",
        "target_link_uri": f"{TOOL}/lti/launch/",
        "lti_message_hint": "message-hint-1",
        "client_id": fake.CLIENT_ID,
        "lti_deployment_id": fake.DEPLOYMENT_ID,
        **params,
    }
    answer = getattr(client, method)("/lti/login/", data)
    assert answer.status_code == 302, answer.content
    query = {k: v[0] for k, v in parse_qs(urlsplit(answer["Location"]).query).items()}
    return Login(query["state"], query["nonce"], query["redirect_uri"], answer["Location"])


@pytest.fixture
def browser_client() -> Client:
    """A client that enforces CSRF, as a browser's would be: the launch must not need it."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def launch(browser_client, registered, platform_server):
    """Log in and post the id_token the platform signs; returns the launch response."""

    def run(*, endpoint: str = "/lti/launch/", login_params=None, **token_claims):
        started = login(browser_client, **(login_params or {}))
        token = platform_server.id_token(nonce=started.nonce, **token_claims)
        return browser_client.post(
            endpoint,
            {"id_token": token, "state": started.state},
            HTTP_ORIGIN=fake.HOST,
        )

    return run

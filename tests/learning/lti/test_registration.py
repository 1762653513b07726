"""Registering a platform, and the tool's key pair and key set."""

from __future__ import annotations

import json
from io import StringIO

import jwt
import pytest
from django.core.management import CommandError, call_command

from learning.lti.keys import jwks, key_rotate, signing_key
from learning.lti.models import Deployment, Platform, ToolKey

ADD = [
    "lti_platform",
    "add",
    "--issuer",
    "https://canvas.instructure.com",
    "--client-id",
    "10000000000042",
    "--deployment-id",
    "7:deployment",
    "--auth-login-url",
    "https://sso.canvaslms.com/api/lti/authorize_redirect",
    "--auth-token-url",
    "https://sso.canvaslms.com/login/oauth2/token",
    "--key-set-url",
    "https://sso.canvaslms.com/api/lti/security/jwks",
    "--base-url",
    "https://rolecall.example.com",
]
ENDPOINTS = {
    "login_url": "https://rolecall.example.com/lti/login/",
    "launch_url": "https://rolecall.example.com/lti/launch/",
    "jwks_url": "https://rolecall.example.com/lti/jwks.json",
    "deep_linking_url": "https://rolecall.example.com/lti/deep-link/",
}


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_add_prints_the_tool_endpoints_as_one_json_object():
    assert json.loads(run(*ADD)) == ENDPOINTS
    platform = Platform.objects.get()
    assert platform.client_id == "10000000000042"
    assert platform.origins == ["https://sso.canvaslms.com"]
    assert list(platform.deployments.values_list("deployment_id", flat=True)) == ["7:deployment"]


@pytest.mark.django_db
def test_add_is_idempotent_on_issuer_and_client_id_and_show_prints_the_same():
    run(*ADD)
    run(*ADD, "--deployment-id", "8:second", "--origin", "https://school.instructure.com")
    assert Platform.objects.count() == 1
    assert Deployment.objects.count() == 2
    assert Platform.objects.get().origins == ["https://school.instructure.com"]
    shown = run(
        "lti_platform",
        "show",
        "--issuer",
        "https://canvas.instructure.com",
        "--client-id",
        "10000000000042",
        "--base-url",
        "https://rolecall.example.com",
    )
    assert json.loads(shown) == ENDPOINTS


@pytest.mark.django_db
def test_show_of_an_unknown_platform_says_so():
    with pytest.raises(CommandError, match="No platform is registered"):
        run(
            "lti_platform", "show", "--issuer", "x", "--client-id", "y", "--base-url", "https://r.t"
        )


@pytest.mark.django_db
def test_a_bad_url_is_refused_naming_the_field():
    bad = [*ADD]
    bad[bad.index("--key-set-url") + 1] = "ftp://keys"
    with pytest.raises(CommandError, match="key_set_url must be an http"):
        run(*bad)
    assert not Platform.objects.exists()


@pytest.mark.django_db
def test_the_key_pair_is_made_once_and_published(client):
    first = client.get("/lti/jwks.json").json()
    assert client.get("/lti/jwks.json").json() == first
    assert ToolKey.objects.count() == 1
    (key,) = first["keys"]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig"
    assert "d" not in key  # never the private part
    token = jwt.encode({"x": 1}, signing_key().private_pem, "RS256", {"kid": key["kid"]})
    assert jwt.decode(token, jwt.PyJWK(key).key, algorithms=["RS256"]) == {"x": 1}


@pytest.mark.django_db
def test_rotation_signs_with_a_new_key_and_keeps_the_old_one_published():
    old = signing_key()
    new = key_rotate()
    assert new.kid != old.kid and signing_key() == new
    assert [k["kid"] for k in jwks()["keys"]] == [new.kid, old.kid]
    assert json.loads(run("lti_platform", "rotate-key"))["kid"] != new.kid


@pytest.mark.django_db
def test_admin_shows_the_endpoints_for_a_platform(admin_client, settings):
    settings.LTI_TOOL_BASE_URL = "https://rolecall.example.com"
    run(*ADD)
    page = admin_client.get(f"/admin/lti/platform/{Platform.objects.get().pk}/change/")
    assert page.status_code == 200
    assert "https://rolecall.example.com/lti/deep-link/" in page.content.decode()


@pytest.mark.django_db
def test_a_platform_added_in_the_admin_gets_its_login_origin(admin_client):
    answer = admin_client.post(
        "/admin/lti/platform/add/",
        {
            "issuer": "https://moodle.example.edu",
            "client_id": "abc",
            "auth_login_url": "https://moodle.example.edu/mod/lti/auth.php",
            "auth_token_url": "https://moodle.example.edu/mod/lti/token.php",
            "key_set_url": "https://moodle.example.edu/mod/lti/certs.php",
            "origins": "[]",
            "deployments-TOTAL_FORMS": "1",
            "deployments-INITIAL_FORMS": "0",
            "deployments-0-deployment_id": "3",
        },
    )
    assert answer.status_code == 302, answer.content
    platform = Platform.objects.get()
    assert platform.origins == ["https://moodle.example.edu"]
    assert list(platform.deployments.values_list("deployment_id", flat=True)) == ["3"]


@pytest.mark.django_db
def test_the_admin_rotates_the_signing_key(admin_client):
    old = signing_key()
    admin_client.post(
        "/admin/lti/toolkey/", {"action": "rotate", "_selected_action": [str(old.pk)]}
    )
    assert signing_key() != old
    assert ToolKey.objects.get(pk=old.pk).retired is not None

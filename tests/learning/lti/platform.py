"""A learning platform of the suite's own: its RSA key pair, its key set, its token,
score and membership endpoints, reached through requests' transport.

Every HTTP request RoleCall makes through ``requests`` lands in ``FakePlatform.handle``:
nothing is mocked above the transport, so pylti1p3 and RoleCall's sessions run as
they would against Canvas or Moodle. Tokens are real RS256 JWTs signed by this key."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK

from learning.lti.keys import jwks as tool_jwks

ISSUER = "https://canvas.instructure.com"  # a name: nothing is ever fetched from it
HOST = "https://platform.test"
CLIENT_ID = "10000000000042"
DEPLOYMENT_ID = "7:deployment"
TOKEN_URL = f"{HOST}/login/oauth2/token"
AUTH_URL = f"{HOST}/api/lti/authorize_redirect"
JWKS_URL = f"{HOST}/api/lti/security/jwks"
LINEITEM = f"{HOST}/mod/lti/services.php/2/lineitems/7/lineitem?type_id=3"
MEMBERSHIPS = f"{HOST}/api/lti/courses/1/names_and_roles"
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]


def rsa_key() -> tuple[str, dict]:
    """A fresh key pair: the private PEM and the public JWK (no kid yet)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = json.loads(JWK.from_pem(pem.encode()).export_public())
    return pem, public


def response(url: str, status: int, body: Any = None, headers: dict | None = None):
    resp = requests.Response()
    resp.status_code = status
    resp.url = url
    resp._content = json.dumps(body).encode() if body is not None else b""
    resp.headers.update({"Content-Type": "application/json", **(headers or {})})
    resp.encoding = "utf-8"
    return resp


@dataclass
class FakePlatform:
    private_pem: str
    public_jwk: dict
    kid: str = "platform-key-1"
    down: bool = False  # token and score endpoints answer 503
    scores: list[dict] = field(default_factory=list)
    score_urls: list[str] = field(default_factory=list)
    assertions: list[dict] = field(default_factory=list)
    members: list[dict] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    # Tokens the platform signs

    def id_token(
        self,
        *,
        nonce: str,
        sub: str = "learner-1",
        roles: list[str] | None = None,
        message_type: str = "LtiResourceLinkRequest",
        key_pem: str | None = None,
        kid: str | None = None,
        **overrides: Any,
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "azp": CLIENT_ID,
            "sub": sub,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "name": f"Person {sub}",
            "email": f"{sub}@school.example",
            CLAIM + "message_type": message_type,
            CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": DEPLOYMENT_ID,
            CLAIM + "roles": roles if roles is not None else [ROLE + "Learner"],
            CLAIM + "context": {"id": "course-1", "title": "Cloud Security 101"},
            CLAIM + "resource_link": {"id": "link-1", "title": "Trust policies"},
            CLAIM + "target_link_uri": "https://rolecall.test/lti/launch/",
        }
        if message_type == "LtiDeepLinkingRequest":
            claims.pop(CLAIM + "resource_link")
            claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": f"{HOST}/courses/1/deep_linking_response?modal=true",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe", "window"],
                "accept_lineitem": True,
                "data": "opaque-platform-data",
            }
        for name, value in overrides.items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        return jwt.encode(
            claims, key_pem or self.private_pem, algorithm="RS256", headers={"kid": kid or self.kid}
        )

    def jwks(self) -> dict:
        return {"keys": [{**self.public_jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    # The platform's endpoints

    def handle(self, request: requests.PreparedRequest):
        url = request.url or ""
        self.requests.append(f"{request.method} {url}")
        if not url.startswith(HOST):
            raise requests.ConnectionError(f"No such host in the test: {url}")
        path = urlsplit(url).path
        if request.method == "GET" and url == JWKS_URL:
            return response(url, 200, self.jwks())
        if self.down:
            return response(url, 503, {"error": "down for maintenance"})
        if request.method == "POST" and url == TOKEN_URL:
            return self._token(request)
        if request.method == "POST" and path.endswith("/scores"):
            return self._score(request)
        if request.method == "GET" and url == MEMBERSHIPS:
            return self._members(request)
        return response(url, 404, {"error": "not found"})

    def _token(self, request):
        form = {k: v[0] for k, v in parse_qs(request.body).items()}
        assertion = form["client_assertion"]
        header = jwt.get_unverified_header(assertion)
        keys = {k["kid"]: k for k in tool_jwks()["keys"]}
        public = jwt.PyJWK(keys[header["kid"]]).key
        claims = jwt.decode(assertion, public, algorithms=["RS256"], audience=TOKEN_URL)
        self.assertions.append({"form": form, "claims": claims})
        return response(request.url, 200, {"access_token": "platform-token", "expires_in": 3600})

    def _authorized(self, request) -> bool:
        return request.headers.get("Authorization") == "Bearer platform-token"

    def _score(self, request):
        if not self._authorized(request):
            return response(request.url, 401, {"error": "no token"})
        self.score_urls.append(request.url)
        self.scores.append(
            {"content_type": request.headers["Content-Type"], **json.loads(request.body)}
        )
        return response(request.url, 200, {})

    def _members(self, request):
        if not self._authorized(request):
            return response(request.url, 401, {"error": "no token"})
        return response(request.url, 200, {"id": MEMBERSHIPS, "members": self.members})


def new_platform() -> FakePlatform:
    pem, public = rsa_key()
    return FakePlatform(private_pem=pem, public_jwk=public)


def install(monkeypatch) -> FakePlatform:
    """A new platform that answers every request sent through requests' transport."""
    server = new_platform()

    def send(adapter, request, **kwargs):
        return server.handle(request)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
    return server


def tool_token_claims(token: str) -> dict:
    """Verify a JWT RoleCall signed (with its published key set) and return its claims."""
    header = jwt.get_unverified_header(token)
    keys = {k["kid"]: k for k in tool_jwks()["keys"]}
    return jwt.decode(
        token,
        jwt.PyJWK(keys[header["kid"]]).key,
        algorithms=["RS256"],
        audience=ISSUER,
    )


def new_nonce() -> str:
    return uuid.uuid4().hex

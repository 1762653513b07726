"""Third-party initiated login and the validation of the id_token that comes back.

pylti1p3 checks the signature against the platform's key set, the registration,
the deployment and the message claims. It does not use up a nonce (2.0.0 only
looks for it in the session), so RoleCall keeps its own login states: each is
bound to the browser by a cookie, holds the one nonce it sent, and is used once.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from pylti1p3.contrib.django import DjangoMessageLaunch
from pylti1p3.exception import LtiException

from learning.lti.models import Deployment, LoginState, Platform
from learning.lti.registry import ToolEndpoints
from learning.lti.toolconf import DatabaseToolConf, http_session

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
LOGIN_STATE_LIFETIME = timedelta(minutes=10)
STATE_COOKIE_PREFIX = "lti-state-"


class LaunchRefused(Exception):
    """A login or launch RoleCall will not accept. ``reason`` is a code, ``message`` for people."""

    def __init__(
        self, reason: str, message: str, *, status: int = 403, reopen_url: str = ""
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.status = status
        self.reopen_url = reopen_url


def state_cookie_name(state: str) -> str:
    return STATE_COOKIE_PREFIX + state


@dataclass(frozen=True)
class LoginStart:
    redirect_url: str
    state: str


def _platform_for_login(params: Mapping[str, str]) -> Platform:
    issuer, client_id = params.get("iss", ""), params.get("client_id", "")
    platforms = Platform.objects.filter(issuer=issuer)
    if client_id:
        platforms = platforms.filter(client_id=client_id)
    found = list(platforms[:2])
    if len(found) != 1:
        raise LaunchRefused(
            "unregistered",
            "This platform is not registered with RoleCall (issuer and client id). "
            "Ask your RoleCall administrator to register it.",
            status=400,
        )
    deployment_id = params.get("lti_deployment_id", "")
    if (
        deployment_id
        and not Deployment.objects.filter(platform=found[0], deployment_id=deployment_id).exists()
    ):
        raise LaunchRefused(
            "deployment", "This deployment of RoleCall is not registered.", status=400
        )
    return found[0]


def login_start(*, params: Mapping[str, str], endpoints: ToolEndpoints) -> LoginStart:
    """Answer a platform's login initiation with the redirect to its auth URL.

    ``redirect_uri`` is exactly the deep-linking URL when the platform targets
    it, else exactly the launch URL: the two URLs registration printed."""
    for required in ("iss", "login_hint", "target_link_uri"):
        if not params.get(required):
            raise LaunchRefused("incomplete", f"The login request has no {required}.", status=400)
    platform = _platform_for_login(params)
    target = params["target_link_uri"]
    redirect_uri = (
        endpoints.deep_linking_url if target == endpoints.deep_linking_url else endpoints.launch_url
    )
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    kept = {k: params[k] for k in _REOPEN_PARAMS if params.get(k)}
    LoginState.objects.create(
        state=state, nonce=nonce, platform=platform, redirect_uri=redirect_uri, login_params=kept
    )
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": platform.client_id,
        "redirect_uri": redirect_uri,
        "state": state,
        "nonce": nonce,
        "login_hint": params["login_hint"],
    }
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    separator = "&" if "?" in platform.auth_login_url else "?"
    return LoginStart(platform.auth_login_url + separator + urlencode(query), state)


_REOPEN_PARAMS = (
    "iss",
    "login_hint",
    "target_link_uri",
    "lti_message_hint",
    "client_id",
    "lti_deployment_id",
)


@dataclass(frozen=True)
class Launch:
    """A validated launch: the platform it came from and the token's claims."""

    platform: Platform
    claims: Mapping[str, Any]

    def claim(self, name: str, default: Any = None) -> Any:
        return self.claims.get(CLAIM + name, default)

    @property
    def message_type(self) -> str:
        return self.claim("message_type", "")

    @property
    def sub(self) -> str:
        return self.claims["sub"]

    @property
    def roles(self) -> list[str]:
        return list(self.claim("roles", []))

    @property
    def context(self) -> Mapping[str, Any]:
        return self.claim("context") or {}

    @property
    def resource_link_id(self) -> str:
        return (self.claim("resource_link") or {}).get("id", "")

    @property
    def custom(self) -> Mapping[str, Any]:
        return self.claim("custom") or {}

    @property
    def target_link_uri(self) -> str:
        return self.claim("target_link_uri", "")

    @property
    def deployment_id(self) -> str:
        return self.claim("deployment_id", "")

    @property
    def ags(self) -> Mapping[str, Any]:
        return self.claims.get("https://purl.imsglobal.org/spec/lti-ags/claim/endpoint") or {}

    @property
    def nrps(self) -> Mapping[str, Any]:
        return (
            self.claims.get("https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice") or {}
        )

    @property
    def deep_linking_settings(self) -> Mapping[str, Any]:
        return (
            self.claims.get("https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings")
            or {}
        )


class _StateBoundLaunch(DjangoMessageLaunch):
    """pylti1p3's checks, with RoleCall's one-time state and nonce and a strict audience."""

    def __init__(self, request: HttpRequest, login: LoginState) -> None:
        super().__init__(request, DatabaseToolConf(), requests_session=http_session())
        self._login = login
        self.set_jwt_verify_options({"verify_aud": False, "require": ["exp", "iat"]})  # type: ignore[dict-item]

    def validate_state(self):
        return self  # checked, and used up, before the token is read

    def validate_nonce(self):
        nonce = self._get_jwt_body().get("nonce") or ""
        if not constant_time_compare(str(nonce), self._login.nonce):
            raise LtiException("The token's nonce is not the one this login sent.")
        return self

    def validate_registration(self):
        super().validate_registration()
        body = self._get_jwt_body()
        platform = self._login.platform
        if (body.get("iss"), self.get_client_id()) != (platform.issuer, platform.client_id):
            raise LtiException("The token is not from the platform this login started with.")
        audience = body.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if platform.client_id not in audiences:
            raise LtiException("The token is addressed to another tool.")
        azp = body.get("azp")
        if (len(audiences) > 1 or azp is not None) and azp != platform.client_id:
            raise LtiException("The token's authorized party (azp) is another tool.")
        return self

    def save_launch_data(self):
        return self  # RoleCall keeps what it needs in its own tables


def _login_claim(state: str, endpoint_url: str) -> LoginState:
    """Use up the login state: a second post of the same state is refused."""
    fresh_since = timezone.now() - LOGIN_STATE_LIFETIME
    with transaction.atomic():
        claimed = LoginState.objects.filter(
            state=state, used__isnull=True, created__gte=fresh_since
        ).update(used=timezone.now())
    if claimed != 1:
        raise LaunchRefused(
            "state",
            "This launch was already used or has expired. "
            "Open the activity again from your course.",
        )
    login = LoginState.objects.select_related("platform").get(state=state)
    if login.redirect_uri != endpoint_url:
        raise LaunchRefused("redirect", "The token was sent to the wrong RoleCall address.")
    return login


_TOKEN_ERRORS = (
    LtiException,
    jwt.PyJWTError,
    requests.RequestException,
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
)


def launch_validate(*, request: HttpRequest, endpoint_url: str, reopen_url: str) -> Launch:
    """Validate the id_token form post; raise ``LaunchRefused`` with a reason otherwise."""
    state, id_token = request.POST.get("state", ""), request.POST.get("id_token", "")
    if not state or not id_token:
        raise LaunchRefused("incomplete", "The launch has no state or no id_token.", status=400)
    login = _login_claim(state, endpoint_url)
    if not constant_time_compare(request.COOKIES.get(state_cookie_name(state), ""), state):
        raise LaunchRefused(
            "cookie",
            "Your browser did not send RoleCall's cookie from inside the course page, "
            "so this launch cannot be tied to you.",
            reopen_url=reopen_url + "?" + urlencode(login.login_params),
        )
    launch = _StateBoundLaunch(request, login)
    try:
        launch.validate()
        claims = launch.get_launch_data()
    except _TOKEN_ERRORS as exc:
        raise LaunchRefused("token", f"The launch token was refused: {exc}") from exc
    if claims.get(CLAIM + "message_type") not in (RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST):
        raise LaunchRefused("message", "RoleCall takes resource link and deep linking launches.")
    return Launch(platform=login.platform, claims=claims)

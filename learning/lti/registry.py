"""Registering platforms, and the tool endpoints a platform is given."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse

from learning.lti.models import Deployment, Platform


class RegistrationError(ValueError):
    """A registration value a person can correct; carries the field it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ToolEndpoints:
    login_url: str
    launch_url: str
    jwks_url: str
    deep_linking_url: str

    def as_dict(self) -> dict[str, str]:
        return {
            "login_url": self.login_url,
            "launch_url": self.launch_url,
            "jwks_url": self.jwks_url,
            "deep_linking_url": self.deep_linking_url,
        }


def tool_base_url(fallback: str = "") -> str:
    """Where RoleCall is served (``LTI_TOOL_BASE_URL``), without a trailing slash."""
    base = getattr(settings, "LTI_TOOL_BASE_URL", None) or fallback
    if not base:
        raise RegistrationError(
            "base_url",
            "Set LTI_TOOL_BASE_URL (for example https://rolecall.example.com) or pass --base-url.",
        )
    return base.rstrip("/")


def tool_endpoints(base_url: str) -> ToolEndpoints:
    """The four URLs a platform is given. ``redirect_uri`` at login is one of these, exactly."""
    base = base_url.rstrip("/")
    return ToolEndpoints(
        login_url=base + reverse("lti:login"),
        launch_url=base + reverse("lti:launch"),
        jwks_url=base + reverse("lti:jwks"),
        deep_linking_url=base + reverse("lti:deep_link"),
    )


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _url_checked(field: str, value: str) -> str:
    try:
        URLValidator(schemes=["https", "http"])(value)
    except ValidationError:
        raise RegistrationError(field, f"{field} must be an http(s) URL; got {value!r}.") from None
    return value


def _origins_checked(origins: list[str]) -> list[str]:
    checked = []
    for origin in origins:
        _url_checked("origin", origin)
        parts = urlsplit(origin)
        if parts.path not in ("", "/") or parts.query:
            raise RegistrationError("origin", f"An origin has no path: {origin!r}.")
        checked.append(origin_of(origin))
    return checked


def origins_or_default(origins: list[str], auth_login_url: str) -> list[str]:
    """The given origins, checked; without any, the origin of the auth login URL."""
    return _origins_checked(origins) or [origin_of(auth_login_url)]


@transaction.atomic
def platform_register(
    *,
    issuer: str,
    client_id: str,
    deployment_ids: list[str],
    auth_login_url: str,
    auth_token_url: str,
    key_set_url: str,
    origins: list[str] | None = None,
) -> Platform:
    """Register a platform, or update it: idempotent on issuer and client id.

    Deployment ids are added, never removed. Without ``origins`` the origin of
    the auth login URL is taken as where the platform's pages are served."""
    if not issuer.strip():
        raise RegistrationError("issuer", "The issuer is required.")
    if not client_id.strip():
        raise RegistrationError("client_id", "The client id is required.")
    urls = {
        "auth_login_url": _url_checked("auth_login_url", auth_login_url),
        "auth_token_url": _url_checked("auth_token_url", auth_token_url),
        "key_set_url": _url_checked("key_set_url", key_set_url),
    }
    origin_list = origins_or_default(origins or [], auth_login_url)
    platform, _ = Platform.objects.update_or_create(
        issuer=issuer.strip(),
        client_id=client_id.strip(),
        defaults={**urls, "origins": origin_list},
    )
    for deployment_id in deployment_ids:
        if deployment_id.strip():
            Deployment.objects.get_or_create(platform=platform, deployment_id=deployment_id.strip())
    return platform


def platform_origins() -> set[str]:
    """Every registered platform's origins."""
    return {
        origin
        for origins in Platform.objects.values_list("origins", flat=True)
        for origin in origins
    }

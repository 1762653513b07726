"""What an LTI launch keeps in the session: the platform's origins (for framing) and,
for a deep-linking request, what the response must carry back."""

from __future__ import annotations

from django.http import HttpRequest

from learning.lti.launch import DEEP_LINKING_REQUEST, Launch

SESSION_KEY = "lti"
DEEP_LINK_KEY = "lti_deep_link"


def lti_session_start(request: HttpRequest, *, launch: Launch) -> None:
    request.session[SESSION_KEY] = {
        "platform": launch.platform.pk,
        "origins": list(launch.platform.origins),
    }
    if launch.message_type == DEEP_LINKING_REQUEST:
        settings = launch.deep_linking_settings
        request.session[DEEP_LINK_KEY] = {
            "platform": launch.platform.pk,
            "deployment_id": launch.deployment_id,
            "return_url": settings.get("deep_link_return_url", ""),
            "data": settings.get("data"),
            "accept_lineitem": settings.get("accept_lineitem"),
            "accept_types": list(settings.get("accept_types", [])),
        }


def frame_origins(request: HttpRequest) -> list[str]:
    session = getattr(request, "session", None)
    if session is None:
        return []
    return list((session.get(SESSION_KEY) or {}).get("origins", []))


def is_lti_session(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and session.get(SESSION_KEY))

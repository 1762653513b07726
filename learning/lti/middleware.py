"""Framing and cookies for pages shown inside a learning platform.

Only a browser that launched from a registered platform (its session says so)
or a launch refusal may be framed, and only by that platform's origins; every
other response keeps ``X-Frame-Options: DENY`` and ``frame-ancestors 'none'``.
In such a session the session and CSRF cookies are ``SameSite=None; Secure;
Partitioned``, or the browser would not send them from inside the platform's frame."""

from __future__ import annotations

from collections.abc import Callable
from http.cookies import Morsel

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.csp import CSP

from learning.lti.session import frame_origins, is_lti_session
from learning.lti.worker import retry_thread_start

Middleware = Callable[[HttpRequest], HttpResponse]


def frame_cookie(cookie: Morsel) -> None:
    """Make a cookie work inside another site's frame.

    ``SameSite=None; Secure`` lets it cross sites; ``Partitioned`` (CHIPS) keeps
    it working where the browser blocks third-party cookies, in a jar of its own
    per top-level site. Python 3.12's Morsel has no Partitioned attribute, so the
    flag rides after the SameSite value, which Morsel writes as it is."""
    cookie["samesite"] = "None; Partitioned"
    cookie["secure"] = True


def lti_framing(get_response: Middleware) -> Middleware:
    """Listed after the clickjacking and CSP middleware, so it runs before them on the way out."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        origins = getattr(response, "lti_frame_origins", None) or frame_origins(request)
        form_action = getattr(response, "lti_form_action", None)
        if not origins and not form_action:
            return response
        config = dict(getattr(response, "_csp_config", settings.SECURE_CSP))
        if origins:
            config["frame-ancestors"] = list(origins)
            response.xframe_options_exempt = True
        if form_action:
            config["form-action"] = [CSP.SELF, *form_action]
        response._csp_config = config  # type: ignore[attr-defined]
        return response

    return middleware


def lti_cookies(get_response: Middleware) -> Middleware:
    """Listed before the session middleware, so it sees the cookies that middleware sets.

    Loaded once per web process, it also starts that process's score retry thread."""
    retry_thread_start()

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if not is_lti_session(request):
            return response
        for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
            cookie = response.cookies.get(name)
            if cookie is not None and cookie.value:
                frame_cookie(cookie)
        return response

    return middleware

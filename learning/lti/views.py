"""LTI endpoints: login initiation, launch, the key set and the deep-linking picker.

The login and launch requests come from the platform's page, not RoleCall's:
they carry no CSRF token and a foreign Origin, and are protected instead by
the login state, its cookie and the signed id_token."""

from __future__ import annotations

import logging

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from learning.lti import deep_linking
from learning.lti.keys import jwks as tool_jwks
from learning.lti.launch import (
    LOGIN_STATE_LIFETIME,
    LaunchRefused,
    launch_validate,
    login_start,
    state_cookie_name,
)
from learning.lti.middleware import frame_cookie
from learning.lti.registry import platform_origins, tool_base_url, tool_endpoints
from learning.lti.services import launch_apply, roster_sync
from learning.lti.session import lti_session_start

logger = logging.getLogger(__name__)
AUTH_BACKEND = "learning.auth.EmailBackend"
STATE_COOKIE_PATH = "/lti/"


def _endpoints(request: HttpRequest):
    return tool_endpoints(tool_base_url(request.build_absolute_uri("/")))


def refused(request: HttpRequest, exc: LaunchRefused) -> HttpResponse:
    """The refusal page, which the platform may show in its frame."""
    logger.info("LTI refused (%s): %s", exc.reason, exc.message)
    response = render(
        request, "lti/refused.html", {"error": exc, "reopen_url": exc.reopen_url}, status=exc.status
    )
    response.lti_frame_origins = sorted(platform_origins())  # type: ignore[attr-defined]
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def login_initiation(request: HttpRequest) -> HttpResponse:
    params = request.POST if request.method == "POST" else request.GET
    endpoints = _endpoints(request)
    try:
        start = login_start(params=params, endpoints=endpoints)
    except LaunchRefused as exc:
        return refused(request, exc)
    response = HttpResponseRedirect(start.redirect_url)
    name = state_cookie_name(start.state)
    response.set_cookie(
        name,
        start.state,
        max_age=int(LOGIN_STATE_LIFETIME.total_seconds()),
        path=STATE_COOKIE_PATH,
        httponly=True,
    )
    frame_cookie(response.cookies[name])
    return response


def _launch(request: HttpRequest, endpoint_url: str) -> HttpResponse:
    try:
        launch = launch_validate(
            request=request,
            endpoint_url=endpoint_url,
            reopen_url=_endpoints(request).login_url,
        )
        result = launch_apply(launch=launch)
    except LaunchRefused as exc:
        return refused(request, exc)
    login(request, result.user, backend=AUTH_BACKEND)
    lti_session_start(request, launch=launch)
    if result.context is not None and launch.nrps.get("context_memberships_url"):
        roster_sync(context=result.context)
    response = HttpResponseRedirect(result.destination)
    response.delete_cookie(state_cookie_name(request.POST["state"]), path=STATE_COOKIE_PATH)
    return response


@csrf_exempt
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    return _launch(request, _endpoints(request).launch_url)


@csrf_exempt
@require_POST
def deep_link(request: HttpRequest) -> HttpResponse:
    return _launch(request, _endpoints(request).deep_linking_url)


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    return JsonResponse(tool_jwks())


@require_http_methods(["GET", "POST"])
def deep_link_picker(request: HttpRequest) -> HttpResponse:
    """An instructor picks what to add to the course; the choice goes back signed."""
    settings_ = deep_linking.request_in_session(request)
    if settings_ is None:
        return render(request, "lti/picker_expired.html", status=403)
    query = request.GET.get("q", "")[:100]
    context = {"items": deep_linking.items(query), "q": query, "request_settings": settings_}
    if request.method == "GET":
        return render(request, "lti/picker.html", context)
    try:
        response = deep_linking.respond(
            request=request, ref=request.POST.get("item", ""), base_url=_endpoints(request)
        )
    except deep_linking.DeepLinkError as exc:
        return render(request, "lti/picker.html", {**context, "error": str(exc)}, status=400)
    return response

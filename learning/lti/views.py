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
    storage_login,
    storage_origin,
)
from learning.lti.middleware import frame_cookie
from learning.lti.models import LoginState
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
    response: HttpResponse = HttpResponseRedirect(start.redirect_url)
    if start.storage_target:
        # The cookie below may be blocked in the frame: the platform keeps the state too.
        response = render(
            request,
            "lti/storage_put.html",
            {
                "origin": start.storage_origin,
                "target": start.storage_target,
                "state": start.state,
                "nonce": start.nonce,
                "redirect_url": start.redirect_url,
            },
        )
        response.lti_frame_origins = sorted(platform_origins())  # type: ignore[attr-defined]
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


def _storage_page(request: HttpRequest, login: LoginState) -> HttpResponse:
    """The launch arrived without the state cookie: fetch the state from platform storage."""
    response = render(
        request,
        "lti/storage_get.html",
        {
            "origin": storage_origin(login.platform),
            "target": login.login_params["lti_storage_target"],
            "state": login.state,
            "id_token": request.POST.get("id_token", ""),
        },
    )
    response.lti_frame_origins = sorted(platform_origins())  # type: ignore[attr-defined]
    return response


def _launch(
    request: HttpRequest, endpoint_url: str, stored: dict[str, str] | None = None
) -> HttpResponse:
    if stored is None:
        state = request.POST.get("state", "")
        waiting = storage_login(
            state=state,
            cookie=request.COOKIES.get(state_cookie_name(state), ""),
            endpoint_url=endpoint_url,
        )
        if waiting is not None and request.POST.get("id_token"):
            return _storage_page(request, waiting)
    try:
        launch = launch_validate(
            request=request,
            endpoint_url=endpoint_url,
            reopen_url=_endpoints(request).login_url,
            stored=stored,
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


@csrf_exempt
@require_POST
def launch_complete(request: HttpRequest) -> HttpResponse:
    """The storage page's post: the id_token with the state and nonce the platform kept.

    It has no CSRF token (the CSRF cookie is blocked in the frame too), so it must
    come from RoleCall's own page; the stored state and nonce tie it to the login."""
    own_origin = f"{request.scheme}://{request.get_host()}"
    if request.headers.get("Origin") != own_origin:
        return refused(
            request,
            LaunchRefused("origin", "This launch was not sent from RoleCall's page.", status=403),
        )
    login = (
        LoginState.objects.filter(state=request.POST.get("state", "")).only("redirect_uri").first()
    )
    if login is None:
        return refused(
            request, LaunchRefused("state", "This launch has an unknown state.", status=400)
        )
    stored = {
        "state": request.POST.get("stored_state", ""),
        "nonce": request.POST.get("stored_nonce", ""),
    }
    return _launch(request, login.redirect_uri, stored)


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

"""The policy playground: one page, one template, fragments for htmx."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods

from config.web import HtmxHttpRequest, rate_limit_hit, render_page
from policies.cloudtrail import LOGGING_PAGE
from policies.compare_page import compare_run, compare_share, compare_state_from_share
from policies.engine import UsageError
from policies.playground import (
    MAX_POLICY_CHARS,
    Check,
    PlaygroundState,
    StateError,
    default_state,
    playground_check,
    state_from_form,
    state_from_share,
    state_from_starter_slug,
)
from policies.presets import ACTIONS, DEFAULT_ROLE_ARN, PRESETS, suggested_keys
from policies.share import MAX_SHARE_URL_CHARS, ShareError, decode_share_state, encode_share_state
from policies.starters import STARTERS

TEMPLATE = "policies/playground.html"
ERROR_FIELDS = ("policy", "identity_policy", "principal", "action", "role_arn", "conditions")
RESULT_TABS = (("decision", "Decision"), ("explain", "Explain"), ("cloudtrail", "CloudTrail"))

#: Form fields that, in a GET query, mean "check this" (a no-JavaScript GET
#: form or a link such as ``?policy=...`` from a lesson).
_FORM_FIELDS = ("policy", "principal", "action", "role_arn", "preset")


@require_http_methods(["GET", "HEAD", "POST"])
def playground(request: HtmxHttpRequest) -> HttpResponse:
    """Show the playground; check the posted (or linked) policy and request.

    GET with nothing: the default template. GET with ``s`` (a share link),
    ``starter`` (a template) or form fields: that state. POST: the form. An
    htmx request gets only the results, plus out-of-band updates of the
    findings and the messages beside the fields.
    """
    try:
        params = request.POST if request.method == "POST" else request.GET
    except RequestDataTooBig:
        return _too_big(request)
    runs_input = request.method == "POST" or any(k in params for k in ("s", *_FORM_FIELDS))

    if runs_input:
        limit = rate_limit_hit(request=request, scope="playground")
        if not limit.allowed:
            response = _too_many(request, limit.retry_after)
            response["Retry-After"] = str(limit.retry_after)
            patch_vary_headers(response, ["HX-Request"])
            return response

    state, status, notice = _requested_state(request, params)
    check = playground_check(state=state)
    if status == 200:
        status = check.status
    context = _context(request, check, notice)
    return render_page(request, TEMPLATE, context, fragment="live", status=status)


def _requested_state(request: HttpRequest, params: QueryDict) -> tuple[PlaygroundState, int, str]:
    """The state a request asks for, the status it gets, and a notice for the page."""
    if request.method == "POST" or any(k in params for k in _FORM_FIELDS):
        return state_from_form(params), 200, ""
    if "s" in params:
        try:
            return state_from_share(decode_share_state(params["s"])), 200, ""  # type: ignore[arg-type]
        except (ShareError, StateError) as exc:
            notice = (
                f"This share link cannot be opened: {exc}. Here is the default template "
                "instead; ask whoever sent the link to copy it again."
            )
            return default_state(), 400, notice
    if "starter" in params:
        found = state_from_starter_slug(params["starter"])  # type: ignore[arg-type]
        if found is None:
            notice = "There is no template by that name. Pick one from the Templates menu."
            return default_state(), 404, notice
        return found, 200, ""
    return default_state(), 200, ""


def _share(request: HttpRequest, state: PlaygroundState) -> dict[str, Any]:
    path = reverse("policies:playground") + "?s=" + encode_share_state(state.to_share())
    url = request.build_absolute_uri(path)
    if len(url) > MAX_SHARE_URL_CHARS:
        return {
            "too_long": True,
            "length": len(url),
            "limit": MAX_SHARE_URL_CHARS,
        }
    return {"path": path, "url": url, "too_long": False}


def _context(request: HttpRequest, check: Check, notice: str) -> dict[str, Any]:
    state = check.state
    rows = list(state.conditions)
    return {
        "check": check,
        "state": state,
        "answer": check.answer,
        "errors": {k: v for k, v in check.errors.items() if k != "policy_too_large"},
        "findings": check.findings,
        "rows": rows,
        "notice": notice,
        "presets": PRESETS,
        "presets_data": {p.slug: p.to_dict() for p in PRESETS},
        "actions": ACTIONS,
        "keys": suggested_keys(state.preset_obj),
        "preset_keys": list(state.preset_obj.suggested_keys) if state.preset_obj else [],
        "starters": [s for s in STARTERS if not s.vulnerable],
        "holes": [s for s in STARTERS if s.vulnerable],
        "current_starter": next((s for s in STARTERS if s.slug == state.starter), None),
        "share": _share(request, state) if check.ok else None,
        "max_policy_chars": f"{MAX_POLICY_CHARS:,}",
        "logging_page": LOGGING_PAGE,
        "error_fields": ERROR_FIELDS,
        "result_tabs": RESULT_TABS,
    }


def _too_big(request: HtmxHttpRequest) -> HttpResponse:
    """A body larger than Django reads at all (``DATA_UPLOAD_MAX_MEMORY_SIZE``)."""
    state = default_state()
    check = Check(state=state, errors={"policy": _TOO_BIG})
    context = _context(request, check, _TOO_BIG)
    return render_page(request, TEMPLATE, context, fragment="live", status=413)


_TOO_BIG = (
    f"What was sent is far larger than the {MAX_POLICY_CHARS:,} characters the playground "
    "checks, so it was not read. Shorten the policy to see a decision."
)


def _too_many(request: HtmxHttpRequest, retry_after: int) -> HttpResponse:
    message = (
        f"Too many checks from your connection in a short time. Wait {retry_after} "
        f"second{'s' if retry_after != 1 else ''}, then keep typing or press Check."
    )
    state = state_from_form(request.POST) if request.method == "POST" else default_state()
    if request.htmx:
        html = render_to_string(
            f"{TEMPLATE}#results", {"rate_limited": message, "state": state}, request
        )
        return HttpResponse(html, status=429)
    context = _context(request, Check(state=state), message)
    context["rate_limited"] = message
    return render(request, TEMPLATE, context, status=429)


COMPARE_TEMPLATE = "policies/compare.html"


@require_http_methods(["GET", "HEAD", "POST"])
def compare(request: HtmxHttpRequest) -> HttpResponse:
    """The Compare tab: an old and a new trust policy, and what the change does.

    GET: the form (filled from a share link ``s``, which also runs the
    comparison). POST: compare the posted policies. Works without JavaScript.
    """
    try:
        params = request.POST if request.method == "POST" else request.GET
    except RequestDataTooBig:
        return _too_big(request)
    before = params.get("before", STARTERS[0].policy_text)
    after = params.get("after", before)
    role_arn = params.get("role_arn", "") or DEFAULT_ROLE_ARN
    context: dict[str, Any] = {"outcome": None, "notice": "", "share": None}
    status = 200
    runs = request.method == "POST" or "s" in params
    try:
        if "s" in params and request.method != "POST":
            before, after, role_arn = compare_state_from_share(decode_share_state(params["s"]))
        if runs:
            limit = rate_limit_hit(request=request, scope="playground")
            if not limit.allowed:
                context.update(before=before, after=after, role_arn=role_arn)
                context["notice"] = (
                    f"Too many checks from your address; try again in {limit.retry_after} s."
                )
                response = render(request, COMPARE_TEMPLATE, context, status=429)
                response["Retry-After"] = str(limit.retry_after)
                return response
            if max(len(before), len(after)) > MAX_POLICY_CHARS:
                raise UsageError(f"each policy may hold at most {MAX_POLICY_CHARS:,} characters")
            context["outcome"] = compare_run(before=before, after=after, role_arn=role_arn)
            path = (
                reverse("policies:compare")
                + "?s="
                + compare_share(before=before, after=after, role_arn=role_arn)
            )
            context["share"] = _share_link(request, path)
    except (ShareError, UsageError) as exc:
        context["notice"] = f"Nothing was compared: {exc}."
        status = 400
    context.update(before=before, after=after, role_arn=role_arn)
    response = render(request, COMPARE_TEMPLATE, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _share_link(request: HttpRequest, path: str) -> dict[str, Any]:
    url = request.build_absolute_uri(path)
    if len(url) > MAX_SHARE_URL_CHARS:
        return {"too_long": True, "length": len(url), "limit": MAX_SHARE_URL_CHARS}
    return {"path": path, "url": url, "too_long": False}

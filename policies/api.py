"""A JSON API for the engine, so teachers and tools can script against it.

Each endpoint takes and returns the engine contract's JSON
(``docs/engine-contract.md``): ``evaluate`` a case, ``validate`` or
``describe`` a policy, ``compare`` two policies. The same size and rate
limits as the playground hold; every error is JSON, ``{"error": "..."}``,
with a 4xx status. There is no cookie-based authentication, so no CSRF token is asked for.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from config.web import rate_limit_hit
from policies.engine import (
    InputTooLargeError,
    UsageError,
    compare,
    describe,
    evaluate,
    validate,
)
from policies.openapi import OPENAPI
from policies.playground import MAX_POLICY_CHARS

#: The largest body the API reads. A case holds the trust policy (at most
#: MAX_POLICY_CHARS characters, as in the playground) and the caller's policies.
MAX_BODY_BYTES = 65_536

JsonView = Callable[[dict[str, Any]], dict[str, Any]]


class ApiError(Exception):
    """An answer other than 200, with the message the client sees."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


def error_response(status: int, message: str, headers: Mapping[str, str] | None = None):
    response = JsonResponse({"error": message}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _read_json_object(request: HttpRequest) -> dict[str, Any]:
    """The body as a JSON object, or an ApiError saying what is wrong with it."""
    content_type = request.content_type or ""
    if content_type.lower() != "application/json":
        raise ApiError(
            415, "Send the body as JSON, with the header Content-Type: application/json."
        )
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise ApiError(413, _too_large())
    try:
        body = request.body
    except RequestDataTooBig:
        raise ApiError(413, _too_large()) from None
    if len(body) > MAX_BODY_BYTES:
        raise ApiError(413, _too_large())
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, f"The body is not valid UTF-8 (byte {exc.start}).") from None
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ApiError(
            400, f"The body is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from None
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, f"The body is not usable JSON: {exc}.") from None
    if not isinstance(data, dict):
        raise ApiError(400, "The body must be a JSON object.")
    return data


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _too_large() -> str:
    return f"The body is larger than the {MAX_BODY_BYTES:,} bytes the API reads."


def json_endpoint(handler: JsonView) -> Callable[[HttpRequest], HttpResponse]:
    """Adapt ``handler`` (a JSON object in, a JSON object out) to a POST endpoint."""

    @csrf_exempt
    @never_cache
    @wraps(handler)
    def view(request: HttpRequest) -> HttpResponse:
        try:
            if request.method != "POST":
                raise ApiError(
                    405, f"Use POST; {request.method} is not allowed here.", {"Allow": "POST"}
                )
            limit = rate_limit_hit(request=request, scope="api")
            if not limit.allowed:
                raise ApiError(
                    429,
                    f"Too many requests from your address; try again in {limit.retry_after} s.",
                    {"Retry-After": str(limit.retry_after)},
                )
            data = _read_json_object(request)
            return JsonResponse(handler(data))
        except ApiError as exc:
            return error_response(exc.status, exc.message, exc.headers)

    return view


def _policy_field(data: dict[str, Any]) -> str | dict[str, Any]:
    if "policy" not in data:
        raise ApiError(400, 'Give the trust policy as "policy": an object or its text.')
    policy = data["policy"]
    if not isinstance(policy, str | dict):
        raise ApiError(400, '"policy" must be a JSON object or the policy text as a string.')
    _check_policy_size(policy)
    return policy


def _check_policy_size(policy: object) -> None:
    if isinstance(policy, str) and len(policy) > MAX_POLICY_CHARS:
        raise ApiError(
            413, f"The policy is longer than the {MAX_POLICY_CHARS:,} characters the API checks."
        )


def _evaluate(data: dict[str, Any]) -> dict[str, Any]:
    _check_policy_size(data.get("trust_policy"))
    try:
        return evaluate(data).to_dict()
    except InputTooLargeError as exc:
        raise ApiError(413, str(exc)) from None
    except UsageError as exc:
        raise ApiError(400, str(exc)) from None


def _validate(data: dict[str, Any]) -> dict[str, Any]:
    policy = _policy_field(data)
    try:
        return {"findings": [finding.to_dict() for finding in validate(policy)]}
    except InputTooLargeError as exc:
        raise ApiError(413, str(exc)) from None
    except UsageError as exc:
        raise ApiError(400, str(exc)) from None


def _describe(data: dict[str, Any]) -> dict[str, Any]:
    policy = _policy_field(data)
    account = data.get("role_account")
    if "role_account" in data and not (
        isinstance(account, str) and len(account) == 12 and account.isascii() and account.isdigit()
    ):
        raise ApiError(400, '"role_account" must be a 12-digit AWS account ID.')
    try:
        return describe(policy, role_account=account).to_dict()
    except InputTooLargeError as exc:
        raise ApiError(413, str(exc)) from None
    except UsageError as exc:
        raise ApiError(400, str(exc)) from None


def _compare(data: dict[str, Any]) -> dict[str, Any]:
    for name in ("a", "b"):
        if name not in data:
            raise ApiError(400, 'Give both trust policies, "a" and "b": objects or their text.')
        if not isinstance(data[name], str | dict):
            raise ApiError(400, f'"{name}" must be a JSON object or the policy text as a string.')
        _check_policy_size(data[name])
    scope = data.get("scope", {})
    if not isinstance(scope, dict):
        raise ApiError(
            400, '"scope" must be a JSON object (actions, principals, role_arn, context).'
        )
    try:
        return compare(data["a"], data["b"], scope).to_dict()
    except InputTooLargeError as exc:
        raise ApiError(413, str(exc)) from None
    except UsageError as exc:
        raise ApiError(400, str(exc)) from None


evaluate_view = json_endpoint(_evaluate)
compare_view = json_endpoint(_compare)
validate_view = json_endpoint(_validate)
describe_view = json_endpoint(_describe)


@never_cache
def openapi_view(request: HttpRequest) -> HttpResponse:
    """The OpenAPI 3.1 document that describes this API."""
    if request.method not in ("GET", "HEAD"):
        return error_response(
            405, f"Use GET; {request.method} is not allowed here.", {"Allow": "GET, HEAD"}
        )
    return JsonResponse(OPENAPI)

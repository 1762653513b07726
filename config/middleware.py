"""Site-wide response fixes that no single view owns."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


def method_not_allowed_message(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Give Django's bare 405 (``require_POST`` and friends) a message saying what to use.

    Django sends it with an empty body; a person or a script that got the
    method wrong should read which methods the address takes.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if response.status_code == 405 and not response.streaming and not response.content:
            allowed = response.get("Allow", "")
            response.content = (
                f"{request.method} is not allowed at this address. It accepts: {allowed}.\n"
            ).encode()
            response["Content-Type"] = "text/plain; charset=utf-8"
        return response

    return middleware

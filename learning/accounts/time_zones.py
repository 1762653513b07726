"""Each person's time zone: dates are shown in it, and a teacher's due dates read in it.

The zone is kept on the profile (blank means UTC); the middleware turns it on
for every request of a signed-in user, so Django's forms read a typed date in
it and templates show stored (UTC) times in it."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

#: Every IANA zone this Python knows, sorted; "UTC" is offered as the blank choice.
TIME_ZONES: list[str] = sorted(
    zone for zone in zoneinfo.available_timezones() if "/" in zone and not zone.startswith("Etc/")
)


def user_time_zone(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Turn on the signed-in user's time zone for the request."""

    def middleware(request: HttpRequest) -> HttpResponse:
        zone = ""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            profile = getattr(user, "profile", None)
            zone = getattr(profile, "time_zone", "") if profile is not None else ""
        if zone in TIME_ZONES:
            timezone.activate(zoneinfo.ZoneInfo(zone))
        else:
            timezone.deactivate()
        try:
            return get_response(request)
        finally:
            timezone.deactivate()

    return middleware

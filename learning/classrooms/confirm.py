"""Pages around a class's destructive actions: the confirmation a first click lands on,
and the name a teacher sees for a person."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from config.web import AuthenticatedHttpRequest
from learning.models import Classroom


def confirmation(
    request: AuthenticatedHttpRequest,
    classroom: Classroom,
    *,
    title: str,
    question: str,
    action: str,
) -> HttpResponse | None:
    """A page asking to confirm a destructive action, unless the form already says yes.

    The button's first POST lands here; the page's own form posts again with
    ``confirm=yes``. It needs no JavaScript, and one stray click changes nothing."""
    if request.POST.get("confirm") == "yes":
        return None
    cancel_url: str = request.META.get("HTTP_REFERER", "") or classroom.get_absolute_url()
    if not url_has_allowed_host_and_scheme(
        cancel_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        cancel_url = classroom.get_absolute_url()
    context = {
        "classroom": classroom,
        "title": title,
        "question": question,
        "action_label": action,
        "cancel_url": cancel_url,
    }
    return render(request, "classrooms/confirm.html", context)


def person_name(user: User) -> str:
    """The name a teacher sees for a person: their display name, else their email."""
    profile = getattr(user, "profile", None)
    return (profile.display_name if profile else "") or user.email

"""A class's join link kept through sign-in and sign-up.

A student without an account opens the join link, is sent to sign in with
the link as ``next``, and may create an account from there: the class is
named on both pages, ``next`` is carried to sign-up, and once signed in the
student is put in the class (joining is what the link was for)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.urls import Resolver404, resolve

from learning.classrooms import services as svc
from learning.models import Classroom, Membership


def join_link_classroom(next_url: str) -> Classroom | None:
    """The class whose join link ``next_url`` is, if it is one."""
    path = (next_url or "").split("?", 1)[0]
    if not path.startswith("/"):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.view_name != "classrooms:class_join_link":
        return None
    return svc.classroom_by_code(match.kwargs.get("code", ""))


def join_after_sign_in(*, user: User, next_url: str) -> Membership | None:
    """Join the class of the join link ``next_url``; None when it is not one or is closed."""
    classroom = join_link_classroom(next_url)
    if classroom is None:
        return None
    try:
        return svc.classroom_join(user=user, code=classroom.join_code)
    except svc.ClassroomError:
        return None  # closed: the join page then says so

"""Who is learning: a signed-in user, or an anonymous visitor's session.

Progress rows carry one or the other, so that what a visitor does before
signing up can be carried into their account."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, overload

from django.db.models import Manager, Model, QuerySet
from django.http import HttpRequest


@dataclass(frozen=True)
class Learner:
    user_id: int | None
    session_key: str

    def owner_fields(self) -> dict[str, Any]:
        if self.user_id is not None:
            return {"user_id": self.user_id, "session_key": ""}
        return {"user_id": None, "session_key": self.session_key}


@overload
def learner_for(request: HttpRequest, *, create: Literal[True]) -> Learner: ...
@overload
def learner_for(request: HttpRequest, *, create: bool = False) -> Learner | None: ...
def learner_for(request: HttpRequest, *, create: bool = False) -> Learner | None:
    """The learner behind a request; ``create`` starts a session for a first-time visitor."""
    if request.user.is_authenticated:
        return Learner(user_id=request.user.pk, session_key="")
    if request.session.session_key is None:
        if not create:
            return None
        request.session.save()
    return Learner(user_id=None, session_key=request.session.session_key or "")


def owned_by[M: Model](queryset: QuerySet[M] | Manager[M], learner: Learner | None) -> QuerySet[M]:
    """Only the rows of this learner (none at all for a visitor with no session)."""
    if learner is None:
        return queryset.none()
    return queryset.filter(**learner.owner_fields())

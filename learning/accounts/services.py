"""Accounts as plain functions: sign up, carry a visitor's progress in, profile, export, delete."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from config.web import UserError
from learning.auth import normalise_email
from learning.learners import Learner
from learning.models import (
    Classroom,
    ExamAttempt,
    ExamResponse,
    LessonProgress,
    Membership,
    Profile,
    QuestionReport,
    ReviewCard,
    ReviewLog,
    StudyPlan,
)
from learning.models.progress import LearnerOwned
from learning.practice import scheduling


class AccountError(UserError):
    """Something the person can correct, shown beside the field."""


def account_create(*, email: str, password: str, display_name: str = "") -> User:
    """A new user whose login is their email, stored lower-cased as username and email."""
    email = normalise_email(email)
    user_model = get_user_model()
    taken = AccountError(
        "An account with this email already exists. Sign in instead.", field="email"
    )
    if user_model._default_manager.filter(email__iexact=email).exists():
        raise taken
    try:
        with transaction.atomic():
            user = user_model._default_manager.create_user(
                username=email, email=email, password=password
            )
            Profile.objects.create(user=user, display_name=display_name.strip())
    except IntegrityError as error:
        # Two sign-ups with one email at once: both passed the check above, and
        # the unique username lets only one of them in.
        raise taken from error
    return user


def learner_owned_models() -> list[type[LearnerOwned]]:
    """Every model whose rows belong to a learner (user or session)."""
    return [m for m in apps.get_models() if issubclass(m, LearnerOwned)]


def _merge_lesson_progress(session_row: LessonProgress, user_row: LessonProgress) -> None:
    # Keep the earliest completion, and the check answer the account already had.
    completions = [c for c in (user_row.completed, session_row.completed) if c]
    user_row.completed = min(completions) if completions else None
    if user_row.check_correct is None:
        user_row.check_correct = session_row.check_correct
    user_row.save(update_fields=["completed", "check_correct"])
    session_row.delete()


def _merge_review_card(session_row: ReviewCard, user_row: ReviewCard) -> None:
    # The card reviewed last holds the newer memory state; both cards' logs are kept.
    never = datetime.min.replace(tzinfo=UTC)
    keep, drop = (
        (session_row, user_row)
        if (session_row.last_review or never) > (user_row.last_review or never)
        else (user_row, session_row)
    )
    ReviewLog.objects.filter(card=drop).update(card=keep)
    drop.delete()
    if keep is session_row:
        keep.user_id, keep.session_key = user_row.user_id, ""
        keep.save(update_fields=["user", "session_key"])


def _merge_study_plan(session_row: StudyPlan, user_row: StudyPlan) -> None:
    # The account's own plan wins; the visitor's fills in a missing date.
    if user_row.exam_date is None and session_row.exam_date is not None:
        user_row.exam_date = session_row.exam_date
        user_row.save(update_fields=["exam_date"])
    session_row.delete()


# How to merge a visitor's row into an account that already has one with the same
# unique key. Rows of the other learner-owned models have no such key and just move.
MERGERS: dict[type[LearnerOwned], tuple[tuple[str, ...], Any]] = {
    LessonProgress: (("lesson_id",), _merge_lesson_progress),
    ReviewCard: (("question_id",), _merge_review_card),
    StudyPlan: ((), _merge_study_plan),
}


def unique_keyed(model: type[models.Model]) -> bool:
    return any(isinstance(c, models.UniqueConstraint) for c in model._meta.constraints)


@transaction.atomic
def progress_merge(*, session_key: str | None, user: User) -> int:
    """Carry everything a visitor did in this session into their account.

    Rows move from the session to the user; where the user already has a row
    with the same unique key, the two are merged into one. Nothing is lost and
    nothing is duplicated. Returns how many rows were carried in."""
    if not session_key:
        return 0
    moved = 0
    for model in learner_owned_models():
        session_rows = model.objects.filter(session_key=session_key, user__isnull=True)  # type: ignore[attr-defined]
        if model in MERGERS:
            fields, merge = MERGERS[model]
            for row in list(session_rows):
                match = {field: getattr(row, field) for field in fields}
                existing = model.objects.filter(user=user, **match).first()  # type: ignore[attr-defined]
                if existing is None:
                    row.user_id, row.session_key = user.pk, ""
                    row.save(update_fields=["user", "session_key"])
                else:
                    merge(row, existing)
                moved += 1
        elif unique_keyed(model):
            raise TypeError(f"{model.__name__} has a unique key but no merge rule in MERGERS.")
        else:
            moved += session_rows.update(user=user, session_key="")
    QuestionReport.objects.filter(session_key=session_key, user__isnull=True).update(
        user=user, session_key=""
    )
    return moved


@dataclass(frozen=True)
class ProfileData:
    display_name: str
    exam: str
    exam_date: date | None


def profile_get(*, user: User) -> ProfileData:
    profile, _ = Profile.objects.get_or_create(user=user)
    plan = StudyPlan.objects.filter(user=user).first()
    return ProfileData(
        display_name=profile.display_name,
        exam=plan.exam if plan else "",
        exam_date=plan.exam_date if plan else None,
    )


@transaction.atomic
def profile_update(
    *, user: User, display_name: str, exam: str, exam_date: date | None
) -> ProfileData:
    """Save the name, and the target exam and date as the learner's study plan."""
    Profile.objects.update_or_create(user=user, defaults={"display_name": display_name.strip()})
    if exam:
        scheduling.study_plan_set(
            learner=Learner(user_id=user.pk, session_key=""), exam=exam, exam_date=exam_date
        )
    else:
        StudyPlan.objects.filter(user=user).delete()
    return profile_get(user=user)


def _rows(queryset: models.QuerySet) -> list[dict[str, Any]]:
    return [
        model_to_dict(row, exclude=["user", "session_key"]) | {"id": row.pk} for row in queryset
    ]


def account_export(*, user: User) -> str:
    """Everything we keep about a user, as JSON they can download and read."""
    data: dict[str, Any] = {
        "exported": timezone.now(),
        "account": {
            "email": user.email,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "profile": profile_get(user=user).__dict__,
    }
    for model in learner_owned_models():
        data[model._meta.verbose_name_plural.replace(" ", "_")] = _rows(  # type: ignore[union-attr]
            model.objects.filter(user=user)  # type: ignore[attr-defined]
        )
    data["exam_responses"] = _rows(ExamResponse.objects.filter(attempt__user=user))
    data["review_logs"] = _rows(ReviewLog.objects.filter(card__user=user))
    data["question_reports"] = _rows(QuestionReport.objects.filter(user=user))
    data["classes"] = [
        {
            "class": m.classroom.name,
            "role": m.role,
            "joined": m.joined,
            "owner": m.classroom.owner_id == user.pk,
        }
        for m in Membership.objects.filter(user=user).select_related("classroom")
    ]
    data["exam_attempt_ids"] = [
        str(pk) for pk in ExamAttempt.objects.filter(user=user).values_list("public_id", flat=True)
    ]
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete the account, its progress, and the classes it owns (with their assignments)."""
    Classroom.objects.filter(owner=user).delete()
    user.delete()

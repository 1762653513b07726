"""What learners do, as plain functions: views call these, never the ORM directly for writes."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from config.web import UserError
from learning.courses.grading import Grade, attack_try, first_error, grade_policy
from learning.learners import Learner
from learning.lti import hooks as lti_hooks
from learning.models import Exercise, ExerciseAttempt, Lesson, LessonProgress
from policies.grading_compare import loophole_scenarios


def lesson_complete(*, learner: Learner, lesson: Lesson) -> LessonProgress:
    """Mark a lesson done; doing it again keeps the first completion time."""
    with transaction.atomic():
        progress, _ = LessonProgress.objects.get_or_create(lesson=lesson, **learner.owner_fields())
        if progress.completed is None:
            progress.completed = timezone.now()
            progress.save(update_fields=["completed"])
        lti_hooks.lesson_done(user_id=learner.user_id, lesson_slug=lesson.slug)
    return progress


def lesson_check_record(*, learner: Learner, lesson: Lesson, correct: bool) -> None:
    with transaction.atomic():
        progress, _ = LessonProgress.objects.get_or_create(lesson=lesson, **learner.owner_fields())
        progress.check_correct = correct
        progress.save(update_fields=["check_correct"])


def exercise_scenarios(exercise: Exercise, attack_request: dict[str, Any] | None) -> list[dict]:
    """The exercise's scenarios, plus the learner's own attack once they have found one."""
    scenarios = list(exercise.scenarios)
    if attack_request:
        scenarios.append(
            {
                "name": "Your own attack from step 1",
                "expect": "denied",
                "hidden": False,
                "request": attack_request,
            }
        )
    return scenarios


#: Attempts kept per learner and exercise: the newest ones, plus the first that passed.
#: Each run is stored, so without a cap one client could grow the database without end.
KEPT_ATTEMPTS = 20


def _attempts_prune(*, learner: Learner, exercise: Exercise) -> None:
    """Drop a learner's attempts at ``exercise`` beyond the newest ``KEPT_ATTEMPTS``."""
    mine = ExerciseAttempt.objects.filter(exercise=exercise, **learner.owner_fields())
    keep = list(mine.order_by("-created", "-pk").values_list("pk", flat=True)[:KEPT_ATTEMPTS])
    first_pass = mine.filter(passed=True).order_by("created", "pk").values_list("pk", flat=True)
    keep += list(first_pass[:1])
    mine.exclude(pk__in=keep).delete()


def exercise_submit(
    *, learner: Learner, exercise: Exercise, policy: str, attack_request: dict[str, Any] | None
) -> Grade:
    """Grade a learner's policy and keep the attempt.

    A policy with an error finding is refused (``UserError`` naming its line
    and column) before any scenario runs, so hidden scenarios stay hidden.
    """
    error = first_error(policy)
    if error is not None:
        raise UserError(
            f"Not graded: line {error.line}, column {error.column}: {error.message} "
            "Fix it and submit again; no scenario was run.",
            field="policy",
        )
    scenarios = exercise_scenarios(exercise, attack_request)
    grade = grade_policy(policy=policy, scenarios=scenarios, role_arn=exercise.role_arn)
    if grade.passed:  # the scenarios pass: prove there is no loophole they missed
        extra = loophole_scenarios(
            policy=policy,
            reference=exercise.solution,
            scope=exercise.scope,
            role_arn=exercise.role_arn,
        )
        if extra:
            grade = grade_policy(
                policy=policy, scenarios=scenarios + extra, role_arn=exercise.role_arn
            )
    failure = grade.first_failure
    ExerciseAttempt.objects.create(
        exercise=exercise,
        phase=ExerciseAttempt.Phase.POLICY,
        policy=policy,
        attack_request=attack_request,
        passed=grade.passed,
        failed_scenario=failure.name if failure else "",
        **learner.owner_fields(),
    )
    _attempts_prune(learner=learner, exercise=exercise)
    lti_hooks.exercise_graded(
        user_id=learner.user_id, exercise_slug=exercise.slug, passed=grade.passed
    )
    return grade


def exercise_attack(*, learner: Learner, exercise: Exercise, request: dict[str, Any]):
    """Try the learner's crafted request against the vulnerable starting policy."""
    outcome = attack_try(
        attack=exercise.attack or {},
        policy=exercise.starting_policy,
        role_arn=exercise.role_arn,
        request=request,
    )
    ExerciseAttempt.objects.create(
        exercise=exercise,
        phase=ExerciseAttempt.Phase.ATTACK,
        attack_request=request,
        passed=outcome.succeeded,
        **learner.owner_fields(),
    )
    _attempts_prune(learner=learner, exercise=exercise)
    return outcome

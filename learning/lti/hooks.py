"""Called by the learning services when a learner finishes something: a lesson
done, an exercise solved, an exam submitted. Each finds the LTI line items the
item is graded in for this learner and queues a score; most learners have none."""

from __future__ import annotations


def lesson_done(*, user_id: int | None, lesson_slug: str) -> None:
    if user_id is None:
        return
    _item_finished(user_id=user_id, ref=f"lesson:{lesson_slug}", given=1.0, maximum=1.0)


def exercise_graded(*, user_id: int | None, exercise_slug: str, passed: bool) -> None:
    if user_id is None or not passed:
        return
    _item_finished(user_id=user_id, ref=f"exercise:{exercise_slug}", given=1.0, maximum=1.0)


def exam_submitted(*, attempt) -> None:
    """An exam simulation started from an LTI-linked assignment was submitted."""
    from learning.lti import grades, integration
    from learning.lti.models import GradeTarget

    if attempt.user_id is None:
        return
    assignment = integration.exam_assignment(attempt)
    if assignment is None:
        return
    targets = GradeTarget.objects.filter(
        link__assignment=assignment, lti_user__user_id=attempt.user_id
    )
    given, maximum = integration.exam_score(attempt)
    grades.score_queue(targets=list(targets), given=given, maximum=maximum)


def _item_finished(*, user_id: int, ref: str, given: float, maximum: float) -> None:
    from learning.lti import grades
    from learning.lti.models import GradeTarget

    targets = GradeTarget.objects.filter(link__item=ref, lti_user__user_id=user_id)
    grades.score_queue(targets=list(targets), given=given, maximum=maximum)

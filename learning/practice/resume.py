"""Where a learner's unfinished exam simulation picks up again."""

from __future__ import annotations

from django.utils import timezone

from learning.learners import Learner, owned_by
from learning.models import ExamAttempt


def exam_in_progress(*, learner: Learner | None) -> ExamAttempt | None:
    """The learner's latest exam that is neither submitted nor past its deadline."""
    if learner is None:
        return None
    return (
        owned_by(ExamAttempt.objects, learner)
        .filter(submitted__isnull=True, deadline__gt=timezone.now())
        .first()
    )


def exam_first_unanswered(*, attempt: ExamAttempt) -> int:
    """The number (1-based) of the first question not answered yet; the last when all are."""
    answered = set(
        attempt.responses.filter(answered__isnull=False).values_list("question_id", flat=True)
    )
    for number, pk in enumerate(attempt.question_ids, start=1):
        if pk not in answered:
            return number
    return max(1, len(attempt.question_ids))

"""Going back to an unfinished exam: at the first question not answered yet."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from learning.learners import learner_for, owned_by
from learning.models import ExamAttempt
from learning.practice.resume import exam_first_unanswered


@require_GET
def exam_resume(request: HttpRequest, public_id) -> HttpResponse:
    """Redirect to the first unanswered question (the result once it is submitted)."""
    attempt = (
        owned_by(ExamAttempt.objects, learner_for(request)).filter(public_id=public_id).first()
    )
    if attempt is None:
        raise Http404("No such exam.")
    if attempt.submitted:
        return redirect("practice:exam_result", attempt.public_id)
    number = exam_first_unanswered(attempt=attempt)
    return redirect("practice:exam_question", attempt.public_id, number)

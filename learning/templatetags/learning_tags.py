"""Template tags every page uses: the banner of an unfinished exam."""

from __future__ import annotations

from typing import Any

from django import template

from learning.learners import learner_for
from learning.practice.resume import exam_in_progress

register = template.Library()

#: Pages of the exam itself, which show its own bar instead of the banner.
EXAM_PAGES = {"exam_question", "exam_review", "exam_result", "exam_resume"}


@register.inclusion_tag("practice/exam_banner.html", takes_context=True)
def exam_banner(context: template.Context) -> dict[str, Any]:
    """The learner's exam in progress, if any, with the link that resumes it."""
    request = context.get("request")
    if request is None or not hasattr(request, "session"):
        return {}
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name in EXAM_PAGES:
        return {}
    if not request.user.is_authenticated and request.session.session_key is None:
        return {}
    return {"attempt": exam_in_progress(learner=learner_for(request))}

"""Template tags every page uses: the banner of an unfinished exam."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

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


def _title_from_path(url: str) -> str:
    """A readable name for a documentation page no lesson has titled: its last path part."""
    stem = url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")
    words = stem.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else url


@register.simple_tag
def source_links(urls: list[str]) -> list[tuple[str, str]]:
    """Each source URL with its page title, as the lessons cite it (else a readable name)."""
    from learning.models import Lesson

    titles: dict[str, str] = {}
    for sources in Lesson.objects.values_list("sources", flat=True):
        for source in sources or []:
            if isinstance(source, dict) and source.get("url") and source.get("title"):
                titles.setdefault(source["url"], source["title"])
    return [(url, titles.get(url) or _title_from_path(url)) for url in urls or []]


_BACKTICKS = re.compile(r"`([^`]+)`")


@register.filter
def inline_code(text: str) -> str:
    """Content text with `code` spans shown as code, not as literal backticks."""
    escaped = conditional_escape(text or "")
    return mark_safe(_BACKTICKS.sub(r"<code>\1</code>", escaped))  # escaped first

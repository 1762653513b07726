"""A missed end-of-lesson check comes back in spaced review, like a missed bank question.

A check lives in its lesson's Markdown, not in the question bank, so review asks
a copy of it: a ``Question`` tied to the lesson, kept out of practice rounds and
exams, refreshed whenever the check's wording changes."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

import fsrs
from django.utils.html import escape

from learning.learners import Learner
from learning.models import Lesson, Question, ReviewCard
from learning.practice.scheduling import card_review


def _paragraph(text: Any) -> str:
    return f"<p>{escape(str(text))}</p>"


def lesson_check_question(*, lesson: Lesson, index: int) -> Question:
    """The review copy of the check block at ``index`` of this lesson, created or refreshed."""
    block = lesson.blocks[index]
    values = {
        "type": Question.Type.SINGLE,
        "topic": lesson.track,
        "difficulty": 1,
        "stem_html": _paragraph(block["question"]),
        "options": [
            {
                "text_html": _paragraph(option.get("text", "")),
                "correct": bool(option.get("correct")),
                "why_html": _paragraph(option.get("why", "")),
            }
            for option in block.get("options") or []
        ],
        "choose": 1,
        "sources": [s["url"] for s in lesson.sources if isinstance(s, dict) and s.get("url")],
        "lesson": lesson,
        "retired": False,
    }
    digest = json.dumps({k: v for k, v in values.items() if k != "lesson"}, sort_keys=True)
    values["content_hash"] = hashlib.sha256(digest.encode()).hexdigest()
    qid = f"check-{index}-{lesson.slug}"[:60]
    question, created = Question.objects.get_or_create(qid=qid, defaults=values)
    if not created and question.content_hash != values["content_hash"]:
        for name, value in values.items():
            setattr(question, name, value)
        question.save()
    return question


def lesson_check_review(
    *, learner: Learner, lesson: Lesson, index: int, correct: bool, now: datetime | None = None
) -> ReviewCard | None:
    """A wrong answer to a lesson check is a lapse in spaced review; a right one changes
    nothing (the check is a reading check, not yet a card)."""
    if correct:
        return None
    question = lesson_check_question(lesson=lesson, index=index)
    return card_review(learner=learner, question=question, rating=fsrs.Rating.Again, now=now)

"""The question picker of a practice set: browse the bank by exam, task statement,
topic and difficulty, with a preview of each question, instead of typing ids."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.html import strip_tags

from learning.content.exam_info import EXAM_INFO, TOPICS
from learning.models import Question
from learning.practice.bank import live_questions

#: Most questions one page of the picker lists; filters narrow it further.
PICKER_LIMIT = 60
_TASK = re.compile(r"^\d\.\d{1,2}$")


@dataclass(frozen=True)
class PickerFilters:
    exam: str = ""
    task: str = ""
    topic: str = ""
    difficulty: str = ""

    @classmethod
    def from_query(cls, query: QueryDict) -> PickerFilters:
        """Read the filters a GET sent, dropping any value that is not one we offer."""
        exam = query.get("exam", "")
        task = query.get("task", "")
        topic = query.get("topic", "")
        difficulty = query.get("difficulty", "")
        return cls(
            exam=exam if exam in EXAM_INFO else "",
            task=task if _TASK.match(task) else "",
            topic=topic if topic in TOPICS else "",
            difficulty=difficulty if difficulty in ("1", "2", "3") else "",
        )


@dataclass(frozen=True)
class PickerRow:
    question: Question
    preview: str  # the stem as plain text, shortened


def picker_questions(filters: PickerFilters) -> QuerySet[Question]:
    questions = live_questions()
    if filters.exam or filters.task:
        tagged = {"tags__exam": filters.exam} if filters.exam else {}
        if filters.task:
            tagged["tags__task"] = filters.task
        questions = questions.filter(**tagged).distinct()
    if filters.topic:
        questions = questions.filter(topic=filters.topic)
    if filters.difficulty:
        questions = questions.filter(difficulty=int(filters.difficulty))
    return questions.order_by("qid")


def picker_rows(filters: PickerFilters) -> tuple[list[PickerRow], int]:
    """The questions to list (at most ``PICKER_LIMIT``) and how many match in all."""
    questions = picker_questions(filters)
    total = questions.count()
    rows = [
        PickerRow(question=q, preview=_shorten(strip_tags(q.stem_html)))
        for q in questions[:PICKER_LIMIT]
    ]
    return rows, total


def task_choices(exam: str) -> list[str]:
    """Task statements that have questions (of ``exam`` when one is chosen)."""
    tags = live_questions().values_list("tags__task", flat=True)
    if exam:
        tags = live_questions().filter(tags__exam=exam).values_list("tags__task", flat=True)
    return sorted({t for t in tags if t}, key=lambda t: tuple(int(p) for p in t.split(".")))


def _shorten(text: str, limit: int = 180) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"

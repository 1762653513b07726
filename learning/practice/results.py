"""A submitted exam, read back: each question's outcome and time, the filters of the result
page, and the breakdown by domain, task statement and topic."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from learning.content.exam_info import EXAM_INFO, TOPICS, task_title
from learning.models import ExamAttempt, ExamResponse, Question

Outcome = Literal["right", "wrong", "unanswered"]


@dataclass(frozen=True)
class ResultItem:
    number: int
    question: Question
    chosen: list[int]
    outcome: Outcome
    flagged: bool
    seconds: int
    task: str  # the first task statement of this exam the question serves
    topic: str

    @property
    def time_text(self) -> str:
        return duration(self.seconds)


@dataclass
class BreakdownRow:
    key: str
    title: str
    correct: int = 0
    total: int = 0
    weight: int | None = None  # a domain's share of the exam, in percent

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.total) if self.total else 0


@dataclass(frozen=True)
class ExamResult:
    attempt: ExamAttempt
    items: list[ResultItem]
    by_domain: list[BreakdownRow]
    by_task: list[BreakdownRow]
    by_topic: list[BreakdownRow]
    seconds_used: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def time_text(self) -> str:
        return duration(self.seconds_used)

    @property
    def time_allowed_text(self) -> str:
        return duration(int((self.attempt.deadline - self.attempt.started).total_seconds()))

    def shown(self, show: str) -> list[ResultItem]:
        """The items one filter of the result page keeps (``all`` for an unknown one)."""
        _, keep = RESULT_FILTERS.get(show, RESULT_FILTERS["all"])
        return [item for item in self.items if keep(item)]


#: The result page's filters: the query value, its label, and which items it keeps.
RESULT_FILTERS: dict[str, tuple[str, Callable[[ResultItem], bool]]] = {
    "all": ("All", lambda item: True),
    "wrong": ("Wrong", lambda item: item.outcome == "wrong"),
    "flagged": ("Flagged", lambda item: item.flagged),
    "unanswered": ("Not answered", lambda item: item.outcome == "unanswered"),
}


def _outcome(response: ExamResponse | None) -> Outcome:
    if response is None or response.answered is None:
        return "unanswered"
    return "right" if response.correct else "wrong"


def _first_tasks(attempt: ExamAttempt) -> dict[int, str]:
    rows = (
        Question.objects.filter(pk__in=attempt.question_ids, tags__exam=attempt.exam)
        .values_list("pk", "tags__task")
        .order_by("pk", "tags__task")
    )
    tasks: dict[int, str] = {}
    for pk, task in rows:
        tasks.setdefault(pk, task)
    return tasks


def _tally(rows: dict[str, BreakdownRow], key: str, title: str, item: ResultItem) -> None:
    row = rows.setdefault(key, BreakdownRow(key=key, title=title))
    row.total += 1
    row.correct += item.outcome == "right"


def _breakdowns(
    attempt: ExamAttempt, items: Iterable[ResultItem]
) -> tuple[list[BreakdownRow], list[BreakdownRow], list[BreakdownRow]]:
    info = EXAM_INFO[attempt.exam]
    domains: dict[str, BreakdownRow] = {}
    tasks: dict[str, BreakdownRow] = {}
    topics: dict[str, BreakdownRow] = {}
    for item in items:
        number = item.task.split(".", 1)[0] if item.task else ""
        domain = info.domain(number)
        _tally(domains, number, domain.title if domain else "Other", item)
        if domain:
            domains[number].weight = domain.weight
        _tally(tasks, item.task, task_title(attempt.exam, item.task), item)
        _tally(topics, item.topic, TOPICS.get(item.topic, item.topic), item)
    return (
        [domains[k] for k in sorted(domains)],
        [tasks[k] for k in sorted(tasks)],
        sorted(topics.values(), key=lambda row: (row.percent, row.title)),
    )


def exam_result(*, attempt: ExamAttempt) -> ExamResult:
    """Everything the result page shows about a submitted exam, in exam order."""
    questions = Question.objects.in_bulk(attempt.question_ids)
    responses = {r.question_id: r for r in attempt.responses.all()}
    tasks = _first_tasks(attempt)
    items = []
    for number, pk in enumerate(attempt.question_ids, start=1):
        question = questions.get(pk)
        if question is None:
            continue
        response = responses.get(pk)
        items.append(
            ResultItem(
                number=number,
                question=question,
                chosen=response.chosen if response else [],
                outcome=_outcome(response),
                flagged=bool(response and response.flagged),
                seconds=response.seconds if response else 0,
                task=tasks.get(pk, ""),
                topic=question.topic,
            )
        )
    by_domain, by_task, by_topic = _breakdowns(attempt, items)
    end = min(attempt.submitted or attempt.deadline, attempt.deadline)
    result = ExamResult(
        attempt=attempt,
        items=items,
        by_domain=by_domain,
        by_task=by_task,
        by_topic=by_topic,
        seconds_used=max(0, int((end - attempt.started).total_seconds())),
    )
    for show in RESULT_FILTERS:
        result.counts[show] = len(result.shown(show))
    return result


def duration(seconds: int) -> str:
    """``75`` → ``1 min 15 s``; ``3725`` → ``1 h 2 min``."""
    if seconds < 60:
        return f"{seconds} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"

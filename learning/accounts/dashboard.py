"""The learner's dashboard, read in one place: what to do next and how far along they are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.db.models.functions import TruncDate
from django.utils import timezone

from learning.classrooms.tracking import Cell, Status, student_assignments
from learning.content.exam_info import EXAM_INFO
from learning.learners import Learner
from learning.models import (
    TRACKS,
    Assignment,
    ExamAttempt,
    ExamResponse,
    Exercise,
    ExerciseAttempt,
    Lesson,
    LessonProgress,
    QuestionAnswer,
)
from learning.practice import mastery, scheduling

STREAK_WINDOW_DAYS = 365
ACTIVITY_DAYS = 28


@dataclass(frozen=True)
class TrackProgress:
    key: str
    title: str
    done: int
    total: int


@dataclass(frozen=True)
class ExamProgress:
    code: str
    tasks_total: int
    tasks_familiar: int  # task statements at "familiar" or better
    answered: int
    estimate: int | None
    passing_score: int


@dataclass(frozen=True)
class Summary:
    next_lesson: Lesson | None
    lessons_done: int
    lessons_total: int
    next_exercise: Exercise | None
    exercises_left: int
    reviews_today: int
    assignment_due: tuple[Assignment, Cell] | None
    assignments_open: int
    tracks: list[TrackProgress]
    exams: list[ExamProgress]
    recent_exams: list[ExamAttempt]
    streak: int
    activity: list[tuple[date, bool]]  # the last ACTIVITY_DAYS days, oldest first

    @property
    def active_days_recent(self) -> int:
        return sum(1 for _, active in self.activity if active)


def active_days(*, user: User, since: date) -> set[date]:
    """Days on which the learner finished a lesson, tried an exercise or answered a question."""
    start = datetime.combine(since, time.min, tzinfo=UTC)
    sources = [
        LessonProgress.objects.filter(user=user, completed__gte=start).annotate(
            day=TruncDate("completed")
        ),
        ExerciseAttempt.objects.filter(user=user, created__gte=start).annotate(
            day=TruncDate("created")
        ),
        QuestionAnswer.objects.filter(user=user, created__gte=start).annotate(
            day=TruncDate("created")
        ),
        ExamResponse.objects.filter(attempt__user=user, answered__gte=start).annotate(
            day=TruncDate("answered")
        ),
    ]
    days: set[date] = set()
    for queryset in sources:
        days.update(queryset.order_by().values_list("day", flat=True).distinct())
    return days


def streak_length(days: set[date], *, today: date) -> int:
    """Consecutive active days up to today; a streak still counts today if yesterday was active."""
    day = today if today in days else today - timedelta(days=1)
    length = 0
    while day in days:
        length += 1
        day -= timedelta(days=1)
    return length


def _exam_progress(learner: Learner) -> list[ExamProgress]:
    """Readiness for each of the three exams, as the dashboard's cards show it."""
    progress = []
    for code, info in EXAM_INFO.items():
        result = mastery.readiness(learner=learner, exam=code)
        progress.append(
            ExamProgress(
                code=code,
                tasks_total=len(result.tasks),
                tasks_familiar=sum(1 for t in result.tasks if t.level_index >= 2),
                answered=result.answered,
                estimate=result.estimate,
                passing_score=info.passing_score,
            )
        )
    return progress


def dashboard_summary(*, user: User) -> Summary:
    learner = Learner(user_id=user.pk, session_key="")
    lessons = list(Lesson.objects.only("slug", "title", "track", "order", "minutes"))
    done = set(
        LessonProgress.objects.filter(user=user, completed__isnull=False).values_list(
            "lesson_id", flat=True
        )
    )
    solved = set(
        ExerciseAttempt.objects.filter(
            user=user, passed=True, phase=ExerciseAttempt.Phase.POLICY
        ).values_list("exercise_id", flat=True)
    )
    exercises_left = Exercise.objects.exclude(pk__in=solved)
    tracks = [
        TrackProgress(
            key=key,
            title=title,
            done=sum(1 for lesson in lessons if lesson.track == key and lesson.pk in done),
            total=sum(1 for lesson in lessons if lesson.track == key),
        )
        for key, title in TRACKS.items()
    ]
    assignments = student_assignments(user=user)
    open_ = [pair for pair in assignments if pair[1].status != Status.DONE]
    today = timezone.localdate()
    days = active_days(user=user, since=today - timedelta(days=STREAK_WINDOW_DAYS))
    activity = [
        (today - timedelta(days=n), today - timedelta(days=n) in days)
        for n in range(ACTIVITY_DAYS - 1, -1, -1)
    ]
    return Summary(
        next_lesson=next((lesson for lesson in lessons if lesson.pk not in done), None),
        lessons_done=sum(1 for lesson in lessons if lesson.pk in done),
        lessons_total=len(lessons),
        next_exercise=exercises_left.select_related("lesson").first(),
        exercises_left=exercises_left.count(),
        reviews_today=scheduling.reviews_due(learner).today,
        assignment_due=open_[0] if open_ else None,
        assignments_open=len(open_),
        tracks=[t for t in tracks if t.total],
        exams=_exam_progress(learner),
        recent_exams=list(
            ExamAttempt.objects.filter(user=user, submitted__isnull=False).order_by("-submitted")[
                :8
            ]
        ),
        streak=streak_length(days, today=today),
        activity=activity,
    )

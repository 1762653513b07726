"""Reads about where a learner is in the course: what comes next, what is done."""

from __future__ import annotations

from dataclasses import dataclass, field

from learning.learners import Learner, owned_by
from learning.models import Exercise, ExerciseAttempt, Lesson, LessonProgress


def exercise_after(*, exercise: Exercise) -> Exercise | None:
    """The exercise that follows ``exercise`` in course order (lesson by lesson)."""
    slugs = list(Exercise.objects.values_list("slug", flat=True))
    position = slugs.index(exercise.slug) if exercise.slug in slugs else -1
    if position < 0 or position + 1 >= len(slugs):
        return None
    return Exercise.objects.filter(slug=slugs[position + 1]).first()


def lesson_after(*, lesson: Lesson | None) -> Lesson | None:
    """The lesson that follows ``lesson`` in course order."""
    if lesson is None:
        return None
    ids = list(Lesson.objects.values_list("id", flat=True))
    position = ids.index(lesson.id) if lesson.id in ids else -1
    if position < 0 or position + 1 >= len(ids):
        return None
    return Lesson.objects.filter(id=ids[position + 1]).first()


@dataclass(frozen=True)
class CourseProgress:
    """Where a learner stands in the course.

    A lesson is done when the learner marked it, or solved every one of its
    exercises (a lesson without exercises needs the mark).
    """

    lessons: list[Lesson]
    done: set[int]  # lesson ids
    solved: set[int]  # exercise ids
    exercises_by_lesson: dict[int, list[Exercise]] = field(default_factory=dict)

    @property
    def started(self) -> bool:
        return bool(self.done or self.solved)

    @property
    def next_lesson(self) -> Lesson | None:
        """The first lesson not done yet, in course order."""
        return next((lesson for lesson in self.lessons if lesson.id not in self.done), None)


def course_progress(*, learner: Learner | None) -> CourseProgress:
    """Every lesson with its exercises, and which of them this learner has done or solved."""
    lessons = list(Lesson.objects.only("slug", "title", "track", "order", "summary", "minutes"))
    marked = set(
        owned_by(LessonProgress.objects, learner)
        .filter(completed__isnull=False)
        .values_list("lesson_id", flat=True)
    )
    solved = set(
        owned_by(ExerciseAttempt.objects, learner)
        .filter(passed=True, phase=ExerciseAttempt.Phase.POLICY)
        .values_list("exercise_id", flat=True)
    )
    by_lesson: dict[int, list[Exercise]] = {}
    for exercise in Exercise.objects.only("id", "slug", "title", "lesson_id", "kind"):
        if exercise.lesson_id is not None:
            by_lesson.setdefault(exercise.lesson_id, []).append(exercise)
    done = set(marked)
    for lesson_id, exercises in by_lesson.items():
        if all(exercise.id in solved for exercise in exercises):
            done.add(lesson_id)
    return CourseProgress(lessons=lessons, done=done, solved=solved, exercises_by_lesson=by_lesson)

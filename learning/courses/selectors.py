"""Reads about where a learner is in the course: what comes next, what is done."""

from __future__ import annotations

from learning.models import Exercise, Lesson


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

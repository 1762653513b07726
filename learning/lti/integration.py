"""The one place LTI touches the rest of RoleCall: classes, assignments, content and progress.

Everything LTI needs from ``learning`` goes through these functions, so that a
move of the learning code changes this module only."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Q
from django.urls import Resolver404, resolve, reverse

from learning.classrooms import services as classrooms
from learning.content.exam_info import EXAM_INFO
from learning.models import (
    AssignedExam,
    Assignment,
    Classroom,
    ExamAttempt,
    Exercise,
    ExerciseAttempt,
    Lesson,
    LessonProgress,
    Membership,
    Profile,
)

# Questions in an exam simulation set through LTI (one of quiz.EXAM_LENGTHS).
LTI_EXAM_LENGTH = 20


@dataclass(frozen=True)
class Item:
    """What RoleCall can be linked to: ``lesson:<slug>``, ``exercise:<slug>``, ``exam:<code>``."""

    kind: str
    key: str
    title: str

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.key}"


def item_from_ref(ref: str) -> Item | None:
    """The item a ``rolecall`` custom value names, if it exists."""
    kind, _, key = ref.strip().partition(":")
    if kind == "lesson":
        lesson = Lesson.objects.filter(slug=key).first()
        return Item("lesson", key, lesson.title) if lesson else None
    if kind == "exercise":
        exercise = Exercise.objects.filter(slug=key).first()
        return Item("exercise", key, exercise.title) if exercise else None
    if kind == "exam" and key in EXAM_INFO:
        return Item("exam", key, f"{key} exam simulation")
    return None


def item_from_url(url: str) -> Item | None:
    """The item a RoleCall page URL shows: a lesson, an exercise, or practice for one exam."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.view_name == "courses:lesson":
        return item_from_ref(f"lesson:{match.kwargs['slug']}")
    if match.view_name == "courses:exercise":
        return item_from_ref(f"exercise:{match.kwargs['slug']}")
    if match.view_name == "practice:home":
        exam = parse_qs(parts.query).get("exam", [""])[0]
        return item_from_ref(f"exam:{exam}")
    return None


def items_search(query: str) -> list[Item]:
    """Lessons, exercises and exam practice sets whose title or key holds ``query``."""
    query = query.strip()
    lessons = Lesson.objects.all()
    exercises = Exercise.objects.all()
    if query:
        lessons = lessons.filter(Q(title__icontains=query) | Q(slug__icontains=query))
        exercises = exercises.filter(Q(title__icontains=query) | Q(slug__icontains=query))
    items = [Item("lesson", lesson.slug, lesson.title) for lesson in lessons]
    items += [Item("exercise", e.slug, e.title) for e in exercises.order_by("order", "slug")]
    for code, info in EXAM_INFO.items():
        title = f"{code} exam simulation ({info.title})"
        if not query or query.lower() in title.lower():
            items.append(Item("exam", code, title))
    return items


def service_owner(*, username: str) -> User:
    """The account that owns a platform's classes: nobody can sign in as it."""
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def classroom_new(*, owner: User, title: str) -> Classroom:
    return classrooms.classroom_create(owner=owner, name=(title or "Course")[:120])


def classroom_rename(*, classroom: Classroom, title: str) -> None:
    if title and classroom.name != title[:120]:
        classroom.name = title[:120]
        classroom.save(update_fields=["name"])


def member_ensure(*, classroom: Classroom, user: User, teacher: bool) -> None:
    """Make the user a member; a teacher launch promotes a student, nothing demotes a teacher."""
    role = Membership.Role.TEACHER if teacher else Membership.Role.STUDENT
    membership, created = Membership.objects.get_or_create(
        classroom=classroom, user=user, defaults={"role": role}
    )
    if not created and teacher and membership.role != Membership.Role.TEACHER:
        membership.role = Membership.Role.TEACHER
        membership.save(update_fields=["role"])


def profile_name_set(*, user: User, name: str) -> None:
    profile, _ = Profile.objects.get_or_create(user=user)
    if name and profile.display_name != name[:80]:
        profile.display_name = name[:80]
        profile.save(update_fields=["display_name"])


def assignment_for_item(*, classroom: Classroom, by: User, item: Item) -> Assignment:
    """Set the item as work for the class."""
    if item.kind == "lesson":
        lesson = Lesson.objects.get(slug=item.key)
        return classrooms.assignment_create(
            classroom=classroom, by=by, kind=Assignment.Kind.LESSON, lesson=lesson
        )
    if item.kind == "exercise":
        exercise = Exercise.objects.get(slug=item.key)
        return classrooms.assignment_create(
            classroom=classroom,
            by=by,
            kind=Assignment.Kind.EXERCISES,
            exercises=[exercise],
            title=exercise.title,
        )
    return classrooms.assignment_create(
        classroom=classroom, by=by, kind=Assignment.Kind.EXAM, exam=item.key, count=LTI_EXAM_LENGTH
    )


def item_url(*, item: Item, assignment: Assignment, teacher: bool) -> str:
    """Where a launch lands: the lesson or exercise itself; an exam's assignment page."""
    if teacher or item.kind == "exam":
        return assignment.get_absolute_url()
    if item.kind == "lesson":
        return Lesson.objects.get(slug=item.key).get_absolute_url()
    return Exercise.objects.get(slug=item.key).get_absolute_url()


def deep_link_page_url(*, item: Item) -> str:
    """The RoleCall page a deep-linked item points at (``target_link_uri`` of its launches)."""
    if item.kind == "lesson":
        return Lesson.objects.get(slug=item.key).get_absolute_url()
    if item.kind == "exercise":
        return Exercise.objects.get(slug=item.key).get_absolute_url()
    return reverse("practice:home") + f"?exam={item.key}"


def exam_assignment(attempt: ExamAttempt) -> Assignment | None:
    link = AssignedExam.objects.filter(attempt=attempt).select_related("assignment").first()
    return link.assignment if link else None


def exam_score(attempt: ExamAttempt) -> tuple[float, float]:
    return float(attempt.correct_count or 0), float(len(attempt.question_ids))


def finished_score(*, user: User, item: Item, assignment: Assignment) -> tuple[float, float] | None:
    """The score of an item the user already finished, or None: a lesson done, an
    exercise solved, this assignment's exam submitted."""
    if item.kind == "lesson":
        done = LessonProgress.objects.filter(
            user=user, lesson__slug=item.key, completed__isnull=False
        ).exists()
        return (1.0, 1.0) if done else None
    if item.kind == "exercise":
        solved = ExerciseAttempt.objects.filter(
            user=user, exercise__slug=item.key, phase=ExerciseAttempt.Phase.POLICY, passed=True
        ).exists()
        return (1.0, 1.0) if solved else None
    link = (
        AssignedExam.objects.filter(
            assignment=assignment, attempt__user=user, attempt__submitted__isnull=False
        )
        .select_related("attempt")
        .first()
    )
    return exam_score(link.attempt) if link else None

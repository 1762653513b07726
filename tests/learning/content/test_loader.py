"""The content is sound, loads idempotently, and edits never lose progress."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from learning.content.checks import content_check
from learning.content.loader import CONTENT_DIR, content_load, content_read
from learning.courses.grading import grade_policy
from learning.models import Exercise, Lesson, LessonProgress, Question, QuestionTag


def test_check_content_finds_no_problem_in_the_real_content():
    problems = content_check()
    assert problems == [], "\n".join(problems)


def test_the_course_has_the_size_the_issue_asks_for():
    content = content_read()
    assert len(content.lessons) >= 16
    assert len(content.exercises) >= 30
    tracks = {lesson.meta["track"] for lesson in content.lessons}
    assert tracks == {
        "foundations", "service-roles", "cross-account", "federation", "session-controls",
        "pitfalls",
    }  # fmt: skip


EXERCISES = [item for _, item in content_read().exercises]


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.get("slug", "?") for e in EXERCISES])
def test_reference_solution_passes_and_starting_policy_fails(exercise):
    solution = grade_policy(
        policy=exercise["solution"], scenarios=exercise["scenarios"], role_arn=exercise["role_arn"]
    )
    assert solution.passed, [o.name for o in solution.outcomes if not o.passed]
    start = grade_policy(
        policy=exercise["starting_policy"],
        scenarios=exercise["scenarios"],
        role_arn=exercise["role_arn"],
    )
    assert not start.passed


@pytest.mark.django_db
def test_load_content_twice_changes_nothing_the_second_time():
    first = content_load()
    assert first.created["lessons"] >= 16
    second = content_load()
    assert not second.created and not second.updated
    assert second.unchanged["lessons"] == first.created["lessons"]
    assert Question.objects.filter(retired=False).count() == sum(first.created.values()) - (
        first.created["lessons"] + first.created["exercises"]
    )


@pytest.mark.django_db
def test_editing_a_lesson_updates_it_in_place_and_keeps_progress(tmp_path: Path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, root)
    content_load(root=root)
    first = content_read(root=root).lessons[0]
    lesson_file = first.path
    lesson = Lesson.objects.get(slug=first.meta["slug"])
    progress = LessonProgress.objects.create(lesson=lesson, session_key="abc")
    text = lesson_file.read_text()
    lesson_file.write_text(text + "\n\nOne more paragraph, added by an editor.\n")
    report = content_load(root=root)
    assert report.updated["lessons"] == 1
    lesson.refresh_from_db()
    assert "added by an editor" in lesson.body_html
    assert LessonProgress.objects.filter(pk=progress.pk, lesson=lesson).exists()


@pytest.mark.django_db
def test_a_question_removed_from_the_files_is_retired_not_deleted(tmp_path: Path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, root)
    content_load(root=root)
    for path in (root / "questions").glob("*.yaml"):
        path.unlink()
        break
    report = content_load(root=root)
    assert report.retired > 0
    assert Question.objects.filter(retired=True).count() == report.retired


@pytest.mark.django_db
def test_question_tags_follow_the_files():
    content_load()
    assert QuestionTag.objects.filter(exam="DVA-C02").exists()
    assert Exercise.objects.filter(lesson__isnull=False).count() == Exercise.objects.count()


@pytest.mark.django_db
def test_management_commands_run(capsys):
    call_command("check_content")
    call_command("load_content")
    assert "Content loaded" in capsys.readouterr().out

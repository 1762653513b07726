"""Migrations that move data: old rows, loaded at the state before, read after."""

import logging

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("learning", "0007_assignment_items")
AFTER = ("learning", "0008_assignment_items_from_id_lists")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.fixture
def at_id_lists():
    """The schema as it was when assignments held JSON id lists; back to the latest after."""
    apps = _migrate(BEFORE)
    yield apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _old_content(apps):
    """A class, a lesson, three exercises and four questions, as rows of the old schema."""
    User = apps.get_model("auth", "User")
    Lesson = apps.get_model("learning", "Lesson")
    Exercise = apps.get_model("learning", "Exercise")
    Question = apps.get_model("learning", "Question")
    Classroom = apps.get_model("learning", "Classroom")
    owner = User.objects.create(username="owner", email="owner@example.com")
    classroom = Classroom.objects.create(name="Class", owner=owner, join_code="ABCDE12345")
    lesson = Lesson.objects.create(
        slug="l",
        title="L",
        track="foundations",
        order=1,
        summary="",
        body_markdown="",
        body_html="",
        content_hash="x",
    )
    ex = [
        Exercise.objects.create(
            slug=f"e{n}",
            title=f"E{n}",
            kind="write",
            role_arn="arn:aws:iam::111122223333:role/r",
            goal_html="",
            starting_policy="",
            solution="",
            content_hash="x",
            lesson=lesson,
        )
        for n in range(3)
    ]
    qs = [
        Question.objects.create(
            qid=f"q{n}", type="single", topic="t", stem_html="", content_hash="x"
        )
        for n in range(4)
    ]
    return classroom, lesson, ex, qs


@pytest.mark.django_db(transaction=True)
def test_assignment_id_lists_become_ordered_items(at_id_lists, caplog):
    apps = at_id_lists
    Assignment = apps.get_model("learning", "Assignment")
    classroom, lesson, ex, qs = _old_content(apps)
    exercises = Assignment.objects.create(
        classroom=classroom,
        kind="exercises",
        title="Exercises",
        exercise_ids=[ex[2].pk, 99999, ex[0].pk, ex[2].pk],
    )
    practice = Assignment.objects.create(
        classroom=classroom,
        kind="practice",
        title="Practice",
        question_ids=[qs[3].pk, qs[1].pk, qs[0].pk],
    )
    exam = Assignment.objects.create(
        classroom=classroom,
        kind="exam",
        title="Exam",
        exam="SAA-C03",
        question_ids=[qs[2].pk, 88888],
    )
    lesson_work = Assignment.objects.create(
        classroom=classroom, kind="lesson", title="Read", lesson=lesson
    )

    with caplog.at_level(logging.WARNING, logger="learning.migrations"):
        apps = _migrate(AFTER)

    AssignmentExercise = apps.get_model("learning", "AssignmentExercise")
    AssignmentQuestion = apps.get_model("learning", "AssignmentQuestion")

    def items(model, assignment, fk):
        rows = model.objects.filter(assignment_id=assignment.pk).order_by("position")
        return list(rows.values_list("position", f"{fk}_id"))

    # Order kept, the unknown id dropped, the repeat kept at its first place.
    assert items(AssignmentExercise, exercises, "exercise") == [(1, ex[2].pk), (2, ex[0].pk)]
    assert items(AssignmentQuestion, practice, "question") == [
        (1, qs[3].pk),
        (2, qs[1].pk),
        (3, qs[0].pk),
    ]
    assert items(AssignmentQuestion, exam, "question") == [(1, qs[2].pk)]
    assert not AssignmentExercise.objects.filter(assignment_id=lesson_work.pk).exists()
    assert not AssignmentQuestion.objects.filter(assignment_id=lesson_work.pk).exists()
    dropped = [r.getMessage() for r in caplog.records if r.name == "learning.migrations"]
    assert len(dropped) == 2
    assert f"assignment {exercises.pk} (Exercises): exercise 99999 no longer exists" in dropped[0]
    assert f"assignment {exam.pk} (Exam): question 88888 no longer exists" in dropped[1]


@pytest.mark.django_db(transaction=True)
def test_assignment_items_go_back_to_id_lists_when_reversed(at_id_lists):
    apps = at_id_lists
    User = apps.get_model("auth", "User")
    Question = apps.get_model("learning", "Question")
    Classroom = apps.get_model("learning", "Classroom")
    Assignment = apps.get_model("learning", "Assignment")
    owner = User.objects.create(username="owner", email="owner@example.com")
    classroom = Classroom.objects.create(name="Class", owner=owner, join_code="ABCDE12345")
    qs = [
        Question.objects.create(
            qid=f"q{n}", type="single", topic="t", stem_html="", content_hash="x"
        )
        for n in range(3)
    ]
    order = [qs[2].pk, qs[0].pk, qs[1].pk]
    practice = Assignment.objects.create(
        classroom=classroom, kind="practice", title="Practice", question_ids=order
    )
    _migrate(AFTER)
    Assignment.objects.filter(pk=practice.pk).update(question_ids=[])
    apps = _migrate(BEFORE)
    restored = apps.get_model("learning", "Assignment").objects.get(pk=practice.pk)
    assert restored.question_ids == order

"""Classroom services: joining, assignment status, item analysis, the grid and its CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from learning.classrooms import item_analysis, tracking
from learning.classrooms import services as svc
from learning.classrooms.item_analysis import ItemResponse
from learning.classrooms.services import ClassroomError
from learning.classrooms.tracking import Status
from learning.content.exam_info import EXAM_INFO
from learning.learners import Learner
from learning.models import (
    Assignment,
    ExerciseAttempt,
    LessonProgress,
    Membership,
    QuestionAnswer,
)
from learning.practice.exams import exam_answer, exam_submit
from tests.learning.accounts.factories import UserFactory
from tests.learning.classrooms.factories import (
    AssignmentFactory,
    ClassroomFactory,
    MembershipFactory,
)
from tests.learning.content.factories import ExerciseFactory, LessonFactory, QuestionFactory

pytestmark = pytest.mark.django_db


# Join codes and joining


def test_join_codes_are_long_unambiguous_and_differ():
    codes = {svc.join_code_new() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 10  # 10 symbols of 5 bits: 50 bits
        assert set(code) <= set(svc.CROCKFORD)
        assert not set(code) & set("ILOU")


def test_a_code_typed_loosely_still_joins():
    classroom = ClassroomFactory(join_code="7KQ2M0XH1R")
    student = UserFactory()
    membership = svc.classroom_join(user=student, code=" 7kq2m-oxhir ")  # o for 0, i for 1
    assert membership.classroom == classroom
    assert membership.role == Membership.Role.STUDENT


def test_joining_twice_keeps_one_membership():
    classroom = ClassroomFactory()
    student = UserFactory()
    first = svc.classroom_join(user=student, code=classroom.join_code)
    second = svc.classroom_join(user=student, code=classroom.join_code)
    assert first.pk == second.pk
    assert Membership.objects.filter(classroom=classroom, user=student).count() == 1


def test_a_closed_class_refuses_new_students_but_not_members():
    classroom = ClassroomFactory()
    member = MembershipFactory(classroom=classroom).user
    svc.classroom_joining_set(classroom=classroom, open_=False)
    with pytest.raises(ClassroomError, match="closed"):
        svc.classroom_join(user=UserFactory(), code=classroom.join_code)
    assert svc.classroom_join(user=member, code=classroom.join_code).user == member


def test_a_new_code_retires_the_old_one_and_keeps_members():
    classroom = ClassroomFactory()
    student = MembershipFactory(classroom=classroom).user
    old = classroom.join_code
    svc.classroom_code_regenerate(classroom=classroom)
    assert classroom.join_code != old
    with pytest.raises(ClassroomError, match="No class has this code"):
        svc.classroom_join(user=UserFactory(), code=old)
    assert svc.role_in(classroom, student) == svc.Role.STUDENT


def test_the_teacher_joining_their_own_class_stays_a_teacher():
    classroom = ClassroomFactory()
    membership = svc.classroom_join(user=classroom.owner, code=classroom.join_code)
    assert membership.role == Membership.Role.TEACHER


def test_creating_a_class_makes_the_creator_its_teacher():
    owner = UserFactory()
    classroom = svc.classroom_create(owner=owner, name="  IAM, spring term ")
    assert classroom.name == "IAM, spring term"
    assert svc.role_in(classroom, owner) == svc.Role.OWNER
    with pytest.raises(ClassroomError):
        svc.classroom_create(owner=owner, name="   ")


def test_co_teachers_are_removed_only_by_the_owner_and_the_owner_never():
    classroom = ClassroomFactory()
    co_user = UserFactory()
    invite = svc.co_teacher_invite(
        classroom=classroom, email=co_user.email.upper(), by=classroom.owner
    )
    co = svc.co_teacher_invite_answer(invite=invite, user=co_user, accept=True)
    student = MembershipFactory(classroom=classroom)
    with pytest.raises(ClassroomError, match="owner"):
        svc.membership_remove(classroom=classroom, membership=co, by=co.user)
    svc.membership_remove(classroom=classroom, membership=student, by=co.user)
    owner_membership = Membership.objects.get(classroom=classroom, user=classroom.owner)
    with pytest.raises(ClassroomError, match="owner cannot"):
        svc.membership_remove(classroom=classroom, membership=owner_membership, by=co.user)
    svc.membership_remove(classroom=classroom, membership=co, by=classroom.owner)
    assert list(classroom.memberships.values_list("user", flat=True)) == [classroom.owner_id]


# Assignment status


def _student_in(classroom):
    return MembershipFactory(classroom=classroom).user


def test_lesson_status_not_started_in_progress_done():
    assignment = AssignmentFactory()
    student = _student_in(assignment.classroom)
    status = tracking.assignment_status(assignment=assignment, user=student)
    assert status.status == Status.NOT_STARTED
    progress = LessonProgress.objects.create(user=student, lesson=assignment.lesson)
    assert (
        tracking.assignment_status(assignment=assignment, user=student).status == Status.IN_PROGRESS
    )
    progress.completed = timezone.now()
    progress.save()
    cell = tracking.assignment_status(assignment=assignment, user=student)
    assert cell.status == Status.DONE and not cell.done_late


def test_past_due_and_unfinished_is_late_and_finished_after_due_is_done_late():
    assignment = AssignmentFactory(due=timezone.now() - timedelta(days=1))
    student = _student_in(assignment.classroom)
    assert tracking.assignment_status(assignment=assignment, user=student).status == Status.LATE
    LessonProgress.objects.create(user=student, lesson=assignment.lesson, completed=timezone.now())
    cell = tracking.assignment_status(assignment=assignment, user=student)
    assert cell.status == Status.DONE and cell.done_late


def test_exercises_status_counts_solved_exercises():
    first, second = ExerciseFactory(), ExerciseFactory()
    classroom = ClassroomFactory()
    assignment = svc.assignment_create(
        classroom=classroom, by=classroom.owner, kind="exercises", exercises=[first, second]
    )
    student = _student_in(classroom)
    ExerciseAttempt.objects.create(user=student, exercise=first, passed=False)
    cell = tracking.assignment_status(assignment=assignment, user=student)
    assert (cell.status, cell.score) == (Status.IN_PROGRESS, 0)
    ExerciseAttempt.objects.create(user=student, exercise=first, passed=True)
    assert tracking.assignment_status(assignment=assignment, user=student).score == 50
    ExerciseAttempt.objects.create(user=student, exercise=second, passed=True)
    cell = tracking.assignment_status(assignment=assignment, user=student)
    assert (cell.status, cell.score, cell.detail) == (Status.DONE, 100, "2 of 2 solved")


def test_practice_set_counts_first_answers_given_after_it_was_set():
    questions = QuestionFactory.create_batch(2)
    student = UserFactory()
    # Answered before the set existed: does not count.
    QuestionAnswer.objects.create(user=student, question=questions[0], correct=True)
    classroom = ClassroomFactory()
    MembershipFactory(classroom=classroom, user=student)
    assignment = svc.assignment_create(
        classroom=classroom, by=classroom.owner, kind="practice", questions=questions
    )
    assert (
        tracking.assignment_status(assignment=assignment, user=student).status == Status.NOT_STARTED
    )
    QuestionAnswer.objects.create(user=student, question=questions[0], correct=False)
    QuestionAnswer.objects.create(user=student, question=questions[0], correct=True)  # a retry
    cell = tracking.assignment_status(assignment=assignment, user=student)
    assert (cell.status, cell.score) == (Status.IN_PROGRESS, 0)
    assert svc.practice_set_next(assignment=assignment, user=student) == questions[1]
    QuestionAnswer.objects.create(user=student, question=questions[1], correct=True)
    cell = tracking.assignment_status(assignment=assignment, user=student)
    assert (cell.status, cell.score) == (Status.DONE, 50)
    assert svc.practice_set_next(assignment=assignment, user=student) is None


def test_exam_assignment_gives_everyone_the_same_questions_and_scores_on_submit():
    QuestionFactory.create_batch(12)
    classroom = ClassroomFactory()
    assignment = svc.assignment_create(
        classroom=classroom, by=classroom.owner, kind="exam", exam="SAA-C03", count=10
    )
    a, b = _student_in(classroom), _student_in(classroom)
    attempt_a = svc.assignment_exam_start(assignment=assignment, user=a)
    attempt_b = svc.assignment_exam_start(assignment=assignment, user=b)
    assert attempt_a.question_ids == attempt_b.question_ids == assignment.question_ids
    assert svc.assignment_exam_start(assignment=assignment, user=a) == attempt_a  # one attempt
    assert tracking.assignment_status(assignment=assignment, user=a).status == Status.IN_PROGRESS
    first = attempt_a.question_ids[0]
    exam_answer(
        attempt=attempt_a,
        question=QuestionFactory._meta.model.objects.get(pk=first),
        chosen=[0],
        flagged=False,
    )
    exam_submit(attempt=attempt_a)
    cell = tracking.assignment_status(assignment=assignment, user=a)
    assert (cell.status, cell.score) == (Status.DONE, 10)


# Item analysis


def test_item_statistics_worked_example():
    """Five students, three single-answer items; option 0 is the key of each.

        student  item1 item2 item3  total
        s1         1     1     1      3
        s2         1     1     0      2
        s3         1     0     0      1
        s4         0     1     0      1
        s5         0     0     0      0

    Facility = share right: item1 3/5 = 60%, item2 3/5 = 60%, item3 1/5 = 20%.

    Discrimination = correlation of the item score x with the rest of the test
    R = total - x, as Moodle computes it.
    item1: x = 1,1,1,0,0 (mean .6); R = 2,1,0,1,0 (mean .8).
      dx = .4,.4,.4,-.6,-.6; dR = 1.2,.2,-.8,.2,-.8
      sum dx*dR = .48+.08-.32-.12+.48 = .60; sum dx² = 1.2; sum dR² = 2.8
      r = .60 / sqrt(1.2 * 2.8) = .60 / 1.8330 = .3273 -> 32.7%
    item2: x = 1,1,0,1,0; R = 2,1,1,0,0 (mean .8)
      dx = .4,.4,-.6,.4,-.6; dR = 1.2,.2,.2,-.8,-.8
      sum dx*dR = .48+.08-.12-.32+.48 = .60; sums of squares 1.2 and 2.8 -> 32.7%
    item3: x = 1,0,0,0,0 (mean .2); R = 2,2,1,1,0 (mean 1.2)
      dx = .8,-.2,-.2,-.2,-.2; dR = .8,.8,-.2,-.2,-1.2
      sum dx*dR = .64-.16+.04+.04+.24 = .80; sum dx² = .8; sum dR² = 2.8
      r = .80 / sqrt(.8 * 2.8) = .80 / 1.4967 = .5345 -> 53.5%

    Wrong options chosen on item3: s2 chose 2, s3 chose 2, s4 chose 1, s5 left it
    blank: option 2 (C), twice. Hardest first: item3, then item1, item2.
    """
    right, wrong = (lambda: ItemResponse(True, (0,))), (lambda o: ItemResponse(False, (o,)))
    responses = {
        "s1": {1: right(), 2: right(), 3: right()},
        "s2": {1: right(), 2: right(), 3: wrong(2)},
        "s3": {1: right(), 2: wrong(3), 3: wrong(2)},
        "s4": {1: wrong(1), 2: right(), 3: wrong(1)},
        "s5": {1: wrong(3), 2: wrong(3)},  # item 3 left out: wrong, nothing chosen
    }
    stats = item_analysis.item_statistics(
        question_ids=[1, 2, 3],
        correct_options={1: [0], 2: [0], 3: [0]},
        responses=responses,
    )
    assert [s.position for s in stats] == [3, 1, 2]
    by_position = {s.position: s for s in stats}
    assert by_position[1].facility == 60.0 and by_position[1].discrimination == 32.7
    assert by_position[2].facility == 60.0 and by_position[2].discrimination == 32.7
    assert by_position[3].facility == 20.0 and by_position[3].discrimination == 53.5
    assert (by_position[3].wrong_option_letter, by_position[3].wrong_option_count) == ("C", 2)
    assert by_position[2].wrong_option_letter == "D"  # s3 and s5 both chose 3
    assert all(s.attempts == 5 for s in stats)


def test_an_item_everyone_gets_right_has_no_discrimination():
    stats = item_analysis.item_statistics(
        question_ids=[1, 2],
        correct_options={1: [0], 2: [0]},
        responses={
            "a": {1: ItemResponse(True, (0,)), 2: ItemResponse(True, (0,))},
            "b": {1: ItemResponse(True, (0,)), 2: ItemResponse(False, (1,))},
        },
    )
    easy = next(s for s in stats if s.question_id == 1)
    assert easy.facility == 100.0 and easy.discrimination is None


def test_item_analysis_of_a_practice_set_uses_finished_students_first_answers():
    questions = QuestionFactory.create_batch(2)
    classroom = ClassroomFactory()
    assignment = svc.assignment_create(
        classroom=classroom, by=classroom.owner, kind="practice", questions=questions
    )
    done, half = _student_in(classroom), _student_in(classroom)
    QuestionAnswer.objects.create(user=done, question=questions[0], correct=False, chosen=[2])
    QuestionAnswer.objects.create(user=done, question=questions[0], correct=True, chosen=[0])
    QuestionAnswer.objects.create(user=done, question=questions[1], correct=True, chosen=[0])
    QuestionAnswer.objects.create(user=half, question=questions[0], correct=False, chosen=[1])
    stats = item_analysis.item_analysis(assignment=assignment)
    assert [(s.question, s.attempts, s.facility) for s in stats] == [
        (questions[0], 1, 0.0),
        (questions[1], 1, 100.0),
    ]
    assert stats[0].wrong_option_letter == "C"


# The class page


def _big_class(students: int, assignments: int):
    lessons = LessonFactory.create_batch(4)
    questions = QuestionFactory.create_batch(5)
    exercises = ExerciseFactory.create_batch(2)
    classroom = ClassroomFactory()
    users = UserFactory.create_batch(students)
    Membership.objects.bulk_create(
        Membership(classroom=classroom, user=u, role=Membership.Role.STUDENT) for u in users
    )
    kinds = ["lesson", "exercises", "practice", "exam"]
    for i in range(assignments):
        kind = kinds[i % 4]
        AssignmentFactory(
            classroom=classroom,
            kind=kind,
            lesson=lessons[i % 4] if kind == "lesson" else None,
            exercise_ids=[e.pk for e in exercises] if kind == "exercises" else [],
            question_ids=[q.pk for q in questions] if kind in ("practice", "exam") else [],
            exam="SAA-C03" if kind == "exam" else "",
        )
    now = timezone.now()
    LessonProgress.objects.bulk_create(
        LessonProgress(user=u, lesson=lessons[0], completed=now) for u in users[::2]
    )
    QuestionAnswer.objects.bulk_create(
        QuestionAnswer(user=u, question=q, correct=True, chosen=[0])
        for u in users[::3]
        for q in questions
    )
    return classroom


def test_class_page_queries_do_not_grow_with_the_class(client, django_assert_max_num_queries):
    classroom = _big_class(students=200, assignments=20)
    client.force_login(classroom.owner)
    url = reverse("classrooms:class_detail", args=[classroom.public_id])
    # 16: the grid's fixed queries plus one for the exam-in-progress banner on every page.
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('<th scope="row">') == 200


def test_grid_cells_and_the_student_page_draw_one_cell_template(client):
    assignment = AssignmentFactory()
    ann = _student_in(assignment.classroom)
    LessonProgress.objects.create(user=ann, lesson=assignment.lesson, completed=timezone.now())
    done = render_to_string("classrooms/_cell.html", {"cell": tracking.Cell(Status.DONE)})
    assert "✔" in done and "done" in done
    client.force_login(assignment.classroom.owner)
    grid = client.get(reverse("classrooms:class_detail", args=[assignment.classroom.public_id]))
    assert f"<td>{done.strip()}</td>" in grid.content.decode()
    client.force_login(ann)
    mine = client.get(assignment.get_absolute_url())
    assert done.strip() in mine.content.decode()


def test_grid_sorts_and_filters():
    classroom = ClassroomFactory()
    assignment = AssignmentFactory(classroom=classroom)
    ann = MembershipFactory(classroom=classroom, user__profile__display_name="Ann").user
    MembershipFactory(classroom=classroom, user__profile__display_name="Bob")
    LessonProgress.objects.create(user=ann, lesson=assignment.lesson, completed=timezone.now())
    grid = tracking.class_grid(classroom=classroom, sort=str(assignment.public_id), descending=True)
    assert [r.name for r in grid.rows] == ["Ann", "Bob"]
    grid = tracking.class_grid(classroom=classroom, sort=str(assignment.public_id))
    assert [r.name for r in grid.rows] == ["Bob", "Ann"]
    grid = tracking.class_grid(classroom=classroom, status="not started")
    assert [r.name for r in grid.rows] == ["Bob"]
    assert [r.name for r in tracking.class_grid(classroom=classroom, search="an").rows] == ["Ann"]
    assert grid.counts[assignment.pk][Status.DONE] == 1


def test_grid_csv_has_a_row_per_student_and_neutralises_formulas(client):
    classroom = ClassroomFactory()
    assignment = AssignmentFactory(classroom=classroom, title="=HYPERLINK(1)")
    MembershipFactory(classroom=classroom, user__profile__display_name="Ann")
    client.force_login(classroom.owner)
    response = client.get(reverse("classrooms:class_csv", args=[classroom.public_id]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["student", "email", "'=HYPERLINK(1): status", "'=HYPERLINK(1): score %"]
    assert rows[1][0] == "Ann" and rows[1][2] == "not started"
    assert assignment.kind == Assignment.Kind.LESSON


def test_item_analysis_csv(client):
    questions = QuestionFactory.create_batch(2)
    classroom = ClassroomFactory()
    assignment = svc.assignment_create(
        classroom=classroom, by=classroom.owner, kind="practice", questions=questions
    )
    student = _student_in(classroom)
    learner = Learner(user_id=student.pk, session_key="")
    for q, chosen in zip(questions, ([0], [1]), strict=True):
        QuestionAnswer.objects.create(
            correct=chosen == [0], chosen=chosen, question=q, **learner.owner_fields()
        )
    client.force_login(classroom.owner)
    url = reverse(
        "classrooms:assignment_items_csv", args=[classroom.public_id, assignment.public_id]
    )
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["position", "question", "attempts", "facility index %"]
    # Named by the question's text and the option's text (students saw shuffled options).
    stem = "Which element of a trust policy names who may assume the role?"
    assert rows[1][:4] == ["2", stem, "1", "0.0"]
    assert rows[1][5:] == ["Resource", "1"]


def test_assignment_form_bad_input_is_a_400_beside_the_field(client):
    classroom = ClassroomFactory()
    client.force_login(classroom.owner)
    url = reverse("classrooms:assignment_new", args=[classroom.public_id])
    response = client.post(url, {"kind": "practice", "questions": ["no-such-question"]})
    assert response.status_code == 400
    assert "No live question has the id no-such-question" in response.content.decode()
    response = client.post(url, {"kind": "lesson", "due": "tomorrow"})
    assert response.status_code == 400
    assert "Pick a lesson." in response.content.decode()
    assert not classroom.assignments.exists()


def test_views_that_change_data_refuse_get(client):
    classroom = ClassroomFactory()
    client.force_login(classroom.owner)
    for name in ("class_code", "class_joining", "class_co_teacher_add"):
        response = client.get(reverse(f"classrooms:{name}", args=[classroom.public_id]))
        assert response.status_code == 405
    assert client.get(reverse("classrooms:class_create")).status_code == 405


def test_student_sees_assignments_and_joins_by_link(client):
    classroom = ClassroomFactory()
    AssignmentFactory(classroom=classroom, title="Read the first lesson")
    student = UserFactory()
    client.force_login(student)
    link = reverse("classrooms:class_join_link", args=[classroom.join_code])
    assert classroom.name in client.get(link).content.decode()
    response = client.post(reverse("classrooms:class_join"), {"code": classroom.join_code_display})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Read the first lesson" in page and "not started" in page
    bad = client.post(reverse("classrooms:class_join"), {"code": "ZZZZZ-ZZZZZ"})
    assert bad.status_code == 400 and "No class has this code" in bad.content.decode()


def test_an_assigned_exam_follows_the_same_rules_as_one_a_learner_starts():
    """One rule for starting an exam: the same refusals, and the real exam's pace."""
    classroom = ClassroomFactory()
    for exam, count, message in [
        ("XYZ-C01", 10, "Pick one of the three exams."),
        ("SAA-C03", 7, "An exam simulation has 10, 20, 40 questions."),
        ("SAA-C03", 10, "The question bank has no questions for SAA-C03 yet."),
    ]:
        with pytest.raises(ClassroomError, match=message):
            svc.assignment_create(
                classroom=classroom, by=classroom.owner, kind="exam", exam=exam, count=count
            )
    QuestionFactory.create_batch(12)
    assignment = svc.assignment_create(
        classroom=classroom, by=classroom.owner, kind="exam", exam="SAA-C03", count=10
    )
    attempt = svc.assignment_exam_start(assignment=assignment, user=_student_in(classroom))
    pace = EXAM_INFO["SAA-C03"].seconds_per_question
    assert (attempt.deadline - attempt.started).total_seconds() == round(pace * 10)

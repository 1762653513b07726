"""Teacher pages: confirmations before destructive actions, names rather than emails."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from learning.models import Assignment, Classroom, Membership
from tests.learning.classrooms.factories import (
    AssignmentFactory,
    ClassroomFactory,
    MembershipFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher_and_class():
    classroom = ClassroomFactory()
    client = Client()
    client.force_login(classroom.owner)
    return client, classroom


def test_new_code_asks_first_and_works_without_javascript(teacher_and_class):
    client, classroom = teacher_and_class
    url = reverse("classrooms:class_code", args=[classroom.public_id])
    old = classroom.join_code
    page = client.post(url)
    assert page.status_code == 200 and "Make a new join code?" in page.content.decode()
    assert Classroom.objects.get(pk=classroom.pk).join_code == old
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert Classroom.objects.get(pk=classroom.pk).join_code != old


def test_removing_an_assignment_asks_first(teacher_and_class):
    client, classroom = teacher_and_class
    assignment = AssignmentFactory(classroom=classroom, title="Week 1")
    url = reverse("classrooms:assignment_delete", args=[classroom.public_id, assignment.public_id])
    assert "Remove this assignment?" in client.post(url).content.decode()
    assert Assignment.objects.filter(pk=assignment.pk).exists()
    client.post(url, {"confirm": "yes"})
    assert not Assignment.objects.filter(pk=assignment.pk).exists()


def test_removing_a_student_asks_first_and_names_them(teacher_and_class):
    client, classroom = teacher_and_class
    membership = MembershipFactory(classroom=classroom, user__profile__display_name="Ann Lee")
    url = reverse("classrooms:member_remove", args=[classroom.public_id, membership.public_id])
    page = client.post(url).content.decode()
    assert "Remove from the class?" in page and "Ann Lee" in page
    assert Membership.objects.filter(pk=membership.pk).exists()
    client.post(url, {"confirm": "yes"})
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_student_detail_is_headed_by_the_name_the_grid_shows(teacher_and_class):
    client, classroom = teacher_and_class
    membership = MembershipFactory(classroom=classroom, user__profile__display_name="Ann Lee")
    url = reverse("classrooms:student_detail", args=[classroom.public_id, membership.public_id])
    html = client.get(url).content.decode()
    assert "<h1>Ann Lee</h1>" in html
    assert f"<title>{membership.user.email}" not in html


def test_the_assignment_form_shows_one_kind_at_a_time(teacher_and_class):
    client, classroom = teacher_and_class
    url = reverse("classrooms:assignment_new", args=[classroom.public_id])
    lesson_page = client.get(url).content.decode()
    assert 'name="lesson"' in lesson_page and 'name="exam"' not in lesson_page
    exam_page = client.get(url + "?kind=exam").content.decode()
    assert 'name="exam"' in exam_page and 'name="lesson"' not in exam_page
    assert 'aria-current="page">Exam simulation' in exam_page


def test_the_question_picker_filters_and_previews_and_sets_the_ticked_order(teacher_and_class):
    from tests.learning.content.factories import QuestionFactory

    client, classroom = teacher_and_class
    saml = QuestionFactory(topic="saml", difficulty=3, tasks=[("SAA-C03", "1.1")])
    oidc = QuestionFactory(topic="oidc", difficulty=1, tasks=[("DVA-C02", "2.1")])
    url = reverse("classrooms:assignment_new", args=[classroom.public_id])
    page = client.get(url, {"kind": "practice", "exam": "SAA-C03", "difficulty": "3"})
    html = page.content.decode()
    assert f'value="{saml.qid}"' in html and f'value="{oidc.qid}"' not in html
    assert "<details>" in html and "Preview" in html  # the stem and options, unfolded on demand
    assert "question ids" not in html.lower()  # nothing to type by hand
    response = client.post(
        url + "?kind=practice",
        {"kind": "practice", "questions": [oidc.qid, saml.qid], "title": "Mixed"},
    )
    assert response.status_code == 302
    assert Assignment.objects.get(title="Mixed").question_ids == [oidc.pk, saml.pk]


def test_item_analysis_names_questions_and_options_by_their_text(teacher_and_class):
    from learning.classrooms import services as svc
    from learning.learners import Learner
    from learning.models import QuestionAnswer
    from tests.learning.content.factories import QuestionFactory

    client, classroom = teacher_and_class
    question = QuestionFactory()
    assignment = svc.assignment_create(
        classroom=classroom, by=classroom.owner, kind="practice", questions=[question]
    )
    for chosen in ([2], [2], [0]):
        student = MembershipFactory(classroom=classroom).user
        QuestionAnswer.objects.create(
            question=question,
            chosen=chosen,
            correct=chosen == [0],
            **Learner(user_id=student.pk, session_key="").owner_fields(),
        )
    html = client.get(assignment.get_absolute_url()).content.decode()
    assert "<summary>Which element of a trust policy names who may assume the role?" in html
    assert question.qid not in html and 'Action <span class="meta">(2×)' in html
    # The row opens on the stem and every option with how many chose it.
    assert "<td>Principal <strong>(right)</strong></td><td>1</td>" in html
    assert "<td>Action</td><td>2</td>" in html


def _panel_order(client: Client) -> list[str]:
    page = client.get(reverse("classrooms:class_list")).content.decode()
    panels = ["Classes you are in", "Classes you teach"]
    return sorted(panels, key=page.index)


def test_a_student_sees_their_classes_first_and_a_teacher_theirs(teacher_and_class):
    client, classroom = teacher_and_class
    assert _panel_order(client) == ["Classes you teach", "Classes you are in"]
    student = MembershipFactory(classroom=classroom).user
    learner = Client()
    learner.force_login(student)
    assert _panel_order(learner) == ["Classes you are in", "Classes you teach"]

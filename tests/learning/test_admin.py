"""Staff can look up every kind of row of the learning app in the admin."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from learning.classrooms import services as classrooms
from learning.learners import Learner
from learning.models import (
    AssignedExam,
    ExamAttempt,
    ExamResponse,
    ExerciseAttempt,
    LessonProgress,
    QuestionReport,
    ReviewCard,
    StudyPlan,
)
from learning.practice.scheduling import practice_answer
from tests.learning.accounts.factories import UserFactory
from tests.learning.classrooms.factories import (
    AssignmentFactory,
    ClassroomFactory,
    MembershipFactory,
)
from tests.learning.content.factories import ExerciseFactory, LessonFactory, QuestionFactory

MODELS = sorted(apps.get_app_config("learning").get_models(), key=lambda m: m.__name__)


@pytest.fixture
def one_of_each(db):
    """A row of every model, reached the way the app makes them."""
    user = UserFactory(email="ada@example.com")
    me = Learner(user_id=user.pk, session_key="")
    lesson, exercise, question = LessonFactory(), ExerciseFactory(), QuestionFactory()
    LessonProgress.objects.create(lesson=lesson, completed=timezone.now(), **me.owner_fields())
    ExerciseAttempt.objects.create(exercise=exercise, passed=True, **me.owner_fields())
    practice_answer(learner=me, question=question, chosen=[0])  # answer, card and log
    StudyPlan.objects.create(exam="SAA-C03", **me.owner_fields())
    now = timezone.now()
    attempt = ExamAttempt.objects.create(
        exam="SAA-C03", question_ids=[question.pk], started=now, deadline=now, **me.owner_fields()
    )
    ExamResponse.objects.create(attempt=attempt, question=question, chosen=[0])
    QuestionReport.objects.create(question=question, user=user, message="Option B is right")
    classroom = ClassroomFactory()
    MembershipFactory(classroom=classroom, user=user)
    classrooms.assignment_create(
        classroom=classroom, by=classroom.owner, kind="exercises", exercises=[exercise]
    )
    exam = AssignmentFactory(
        classroom=classroom, kind="exam", exam="SAA-C03", lesson=None, question_ids=[question.pk]
    )
    AssignedExam.objects.create(assignment=exam, attempt=attempt)
    assert ReviewCard.objects.exists()
    return user


def test_every_model_of_the_learning_app_is_in_the_admin():
    missing = [m.__name__ for m in MODELS if not admin.site.is_registered(m)]
    assert missing == []
    assert len(MODELS) >= 18


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_each_changelist_lists_rows_and_searches(admin_client, one_of_each, model):
    model_admin = admin.site._registry[model]
    assert model_admin.list_display != ("__str__",), "give it useful columns"
    assert model_admin.search_fields, "give it a search"
    url = reverse(f"admin:learning_{model._meta.model_name}_changelist")
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == model.objects.count() > 0
    searched = admin_client.get(url, {"q": "ada@example.com"})
    assert searched.status_code == 200
    nothing = admin_client.get(url, {"q": "no-such-thing-anywhere"})
    assert nothing.status_code == 200
    assert nothing.context["cl"].result_count == 0


def test_an_attempt_is_found_by_its_learners_email(admin_client, one_of_each):
    url = reverse("admin:learning_examattempt_changelist")
    response = admin_client.get(url, {"q": "ada@example.com"})
    assert response.context["cl"].result_count == 1
    change = admin_client.get(
        reverse("admin:learning_examattempt_change", args=[ExamAttempt.objects.get().pk])
    )
    assert change.status_code == 200

"""Accounts: email sign-in, throttling, carrying progress in, reset, export, delete."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User, UserManager
from django.core import mail
from django.core.cache import cache
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learning.accounts import services as accounts
from learning.accounts.dashboard import streak_length
from learning.auth import (
    ACCOUNT_LIMIT,
    ADDRESS_LIMIT,
    RESET_MAIL,
)
from learning.learners import Learner
from learning.models import (
    ExamAttempt,
    ExerciseAttempt,
    LessonProgress,
    Profile,
    QuestionAnswer,
    ReviewCard,
    ReviewLog,
    StudyPlan,
)
from learning.practice.scheduling import practice_answer
from tests.learning.accounts.factories import PASSWORD, UserFactory
from tests.learning.accounts.signing_up import mailed_link, sign_up
from tests.learning.classrooms.factories import ClassroomFactory
from tests.learning.content.factories import ExerciseFactory, LessonFactory, QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _sign_in(client: Client, email: str, password: str = PASSWORD, **extra):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, **extra
    )


def test_sign_up_stores_the_email_lower_cased_and_signs_in(client):
    response = sign_up(client, "Ada@Example.COM", display_name="Ada")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:dashboard")
    user = User.objects.get()
    assert (user.username, user.email) == ("ada@example.com", "ada@example.com")
    assert Profile.objects.get(user=user).display_name == "Ada"
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_sign_up_with_bad_input_is_a_400_with_messages_beside_the_fields(client):
    bad_email = client.post(reverse("accounts:signup"), {"email": "not an address"})
    assert bad_email.status_code == 400
    assert "Enter a valid email address." in bad_email.content.decode()
    client.post(reverse("accounts:signup"), {"email": "new@example.com"})
    weak = client.post(mailed_link("new@example.com"), {"password": "123"})
    html = weak.content.decode()
    assert weak.status_code == 400
    assert "too short" in html or "entirely numeric" in html
    assert not User.objects.exists()


@pytest.fixture
def signup_race(monkeypatch):
    """Another sign-up with the same email lands between our checks and our insert."""
    create_user = UserManager.create_user

    def racing_create_user(self, username, email=None, password=None, **extra):
        # The other request's row (in this one-connection test it shares our transaction
        # and is rolled back with it; in production it is committed and stays).
        User.objects.create(username=username, email=email)
        return create_user(self, username, email=email, password=password, **extra)

    monkeypatch.setattr(UserManager, "create_user", racing_create_user)


def test_account_create_losing_a_race_says_the_email_is_taken(db, signup_race):
    with pytest.raises(accounts.AccountError, match="already exists") as caught:
        accounts.account_create(email="Race@example.com", password=PASSWORD)
    assert caught.value.field == "email"
    assert not Profile.objects.exists()  # ours was rolled back whole


def test_finishing_a_sign_up_that_loses_a_race_is_a_409_not_a_500(client, request):
    """Two finishes of one link at once: the second finds the account made."""
    client.post(reverse("accounts:signup"), {"email": "race@example.com"})
    link = mailed_link("race@example.com")
    request.getfixturevalue("signup_race")
    response = client.post(link, {"password": PASSWORD})
    assert response.status_code == 409
    assert "This account already exists" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_ignores_the_case_of_the_email(client):
    UserFactory(email="grace@example.com")
    response = _sign_in(client, "  GRACE@Example.com")
    assert response.status_code == 302


def test_wrong_password_is_a_400_with_a_message(client):
    UserFactory(email="grace@example.com")
    response = _sign_in(client, "grace@example.com", "wrong")
    assert response.status_code == 400
    assert "do not match an account" in response.content.decode()


def test_sign_in_is_throttled_per_account_and_address_pair(client):
    UserFactory(email="grace@example.com")
    for _ in range(ACCOUNT_LIMIT):
        assert (
            _sign_in(client, "grace@example.com", "guess", REMOTE_ADDR="10.0.0.1").status_code
            == 400
        )
    response = _sign_in(client, "grace@example.com", REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()


def test_guesses_from_other_addresses_never_lock_the_owner_out(client):
    """Issue 15, finding 3: 25 wrong passwords from elsewhere kept the owner out."""
    UserFactory(email="grace@example.com")
    for n in range(25):
        _sign_in(Client(), "grace@example.com", "guess", REMOTE_ADDR=f"203.0.113.{n % 5}")
    assert _sign_in(client, "grace@example.com", REMOTE_ADDR="198.51.100.7").status_code == 302


def test_a_completed_password_reset_lifts_the_lockout(client):
    UserFactory(email="grace@example.com")
    for _ in range(ACCOUNT_LIMIT):
        _sign_in(Client(), "grace@example.com", "guess", REMOTE_ADDR="10.0.0.1")
    assert _sign_in(Client(), "grace@example.com", REMOTE_ADDR="10.0.0.1").status_code == 429
    client.post(reverse("accounts:password_reset"), {"email": "grace@example.com"})
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+)", mail.outbox[0].body)[1]
    form_page = client.get(link, follow=True)
    new = "a different long passphrase"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert _sign_in(Client(), "grace@example.com", new, REMOTE_ADDR="10.0.0.1").status_code == 302


def test_admin_sign_in_is_throttled(client):
    """Issue 15, finding 1: /admin/login/ allowed unlimited guessing."""
    UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    for _ in range(ACCOUNT_LIMIT):
        client.post(url, {"username": "staff@example.com", "password": "guess"})
    response = client.post(url, {"username": "staff@example.com", "password": PASSWORD})
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The owner, from their own address, still gets in.
    other = Client(REMOTE_ADDR="198.51.100.9")
    response = other.post(url, {"username": "staff@example.com", "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in other.session


def test_password_reset_mail_is_limited_per_address_and_per_client():
    """Issue 15, finding 7: 5,088 mails to one address in 10 seconds."""
    UserFactory(email="lost@example.com")
    for n in range(10):
        response = Client(REMOTE_ADDR=f"10.1.0.{n}").post(
            reverse("accounts:password_reset"), {"email": "lost@example.com"}
        )
        assert response.status_code == 302
    assert len(mail.outbox) == RESET_MAIL.per_address
    client = Client(REMOTE_ADDR="10.2.0.1")
    for n in range(RESET_MAIL.per_client):
        client.post(reverse("accounts:password_reset"), {"email": f"x{n}@example.com"})
    response = client.post(reverse("accounts:password_reset"), {"email": "y@example.com"})
    assert response.status_code == 429


def test_password_confirmations_are_throttled(client):
    user = UserFactory()
    client.force_login(user)
    for _ in range(ACCOUNT_LIMIT):
        client.post(reverse("accounts:account_delete"), {"password": "guess"})
    response = client.post(reverse("accounts:account_delete"), {"password": PASSWORD})
    assert response.status_code == 400
    assert "Too many wrong passwords" in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "x" * 20, "new_password2": "x" * 20},
    )
    assert response.status_code == 400
    assert "Too many wrong passwords" in response.content.decode()


def test_sign_in_is_throttled_per_address(client):
    UserFactory(email="grace@example.com")
    for n in range(ADDRESS_LIMIT):
        _sign_in(client, f"nobody{n}@example.com", "guess", REMOTE_ADDR="10.9.9.9")
    assert _sign_in(client, "grace@example.com", REMOTE_ADDR="10.9.9.9").status_code == 429
    assert _sign_in(client, "grace@example.com", REMOTE_ADDR="10.9.9.8").status_code == 302


def test_sign_out_is_post_only(client):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302


# Carrying a visitor's progress into an account


def _visitor_progress(client: Client):
    """Do things as a visitor, through the pages: a lesson, an exercise try, a question, a plan."""
    lesson = LessonFactory()
    exercise = ExerciseFactory(lesson=lesson)
    question = QuestionFactory()
    client.post(reverse("courses:lesson_done", args=[lesson.slug]))
    client.post(
        reverse("courses:exercise_submit", args=[exercise.slug]),
        {"policy": '{"Version": "2012-10-17", "Statement": []}'},
    )
    client.post(reverse("practice:question"), {"qid": question.qid, "option": "0"})
    client.post(reverse("practice:study_plan"), {"exam": "DVA-C02", "exam_date": "2031-05-01"})
    return lesson, exercise, question, client.session.session_key


def test_progress_made_before_sign_up_is_carried_into_the_account(client):
    lesson, exercise, question, key = _visitor_progress(client)
    assert LessonProgress.objects.filter(session_key=key).count() == 1
    sign_up(client, "new@example.com")
    user = User.objects.get(email="new@example.com")
    assert LessonProgress.objects.get(lesson=lesson).user == user
    assert ExerciseAttempt.objects.get(exercise=exercise).user == user
    assert QuestionAnswer.objects.get(question=question).user == user
    assert ReviewCard.objects.get(question=question).user == user
    assert StudyPlan.objects.get().user == user
    for model in accounts.learner_owned_models():
        assert not model.objects.filter(session_key=key).exists(), model
        assert not model.objects.filter(user__isnull=True).exists(), model


def test_sign_in_merges_without_duplicates(client):
    user = UserFactory(email="back@example.com")
    me = Learner(user_id=user.pk, session_key="")
    lesson = LessonFactory()
    question = QuestionFactory()
    earlier = timezone.now() - timedelta(days=3)
    LessonProgress.objects.create(lesson=lesson, completed=None, **me.owner_fields())
    practice_answer(learner=me, question=question, chosen=[1])  # the account's card: wrong
    StudyPlan.objects.create(exam="SAA-C03", **me.owner_fields())
    ReviewCard.objects.filter(user=user).update(last_review=earlier)

    _visitor_progress(client)  # uses a new lesson and question, plus these two below
    key = client.session.session_key
    visitor = Learner(user_id=None, session_key=key)
    LessonProgress.objects.create(lesson=lesson, completed=earlier, **visitor.owner_fields())
    practice_answer(learner=visitor, question=question, chosen=[0])  # the visitor's: right, later
    visitor_card = ReviewCard.objects.get(session_key=key, question=question)
    logs_before = ReviewLog.objects.count()

    assert _sign_in(client, "back@example.com").status_code == 302
    progress = LessonProgress.objects.filter(user=user, lesson=lesson)
    assert progress.count() == 1 and progress.get().completed == earlier  # earliest kept
    cards = ReviewCard.objects.filter(user=user, question=question)
    assert cards.count() == 1 and cards.get().pk == visitor_card.pk  # later review kept
    assert ReviewLog.objects.count() == logs_before  # every log kept, on the kept card
    assert ReviewLog.objects.filter(card__user=user, card__question=question).count() == 2
    assert StudyPlan.objects.filter(user=user).get().exam == "SAA-C03"  # the account's wins
    assert StudyPlan.objects.count() == 1
    assert QuestionAnswer.objects.filter(user=user).count() == 3
    assert not LessonProgress.objects.filter(user__isnull=True).exists()


def test_every_learner_owned_model_with_a_unique_key_has_a_merge_rule():
    for model in accounts.learner_owned_models():
        if any(isinstance(c, models.UniqueConstraint) for c in model._meta.constraints):
            assert model in accounts.MERGERS, model


# Password reset and change


def test_password_reset_mails_a_link_that_sets_a_new_password(client):
    UserFactory(email="lost@example.com")
    response = client.post(reverse("accounts:password_reset"), {"email": "LOST@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lost@example.com"]
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+)", mail.outbox[0].body)[1]
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    new = "a different long passphrase"
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": "nope"}
    )
    assert response.status_code == 400
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert _sign_in(Client(), "lost@example.com", new).status_code == 302


def test_password_reset_for_an_unknown_email_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "who@example.com"})
    assert response.status_code == 302 and mail.outbox == []


def test_password_change_with_a_wrong_old_password_is_a_400(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": "x" * 20, "new_password2": "x" * 20},
    )
    assert response.status_code == 400


# Profile, export, delete


def test_profile_saves_the_exam_and_date_as_the_study_plan(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"display_name": "Lin", "exam": "DOP-C02", "exam_date": "2031-02-03"},
    )
    assert response.status_code == 302
    plan = StudyPlan.objects.get(user=user)
    assert (plan.exam, plan.exam_date) == ("DOP-C02", date(2031, 2, 3))
    bad = client.post(reverse("accounts:profile"), {"exam": "XYZ", "exam_date": "soon"})
    assert bad.status_code == 400
    assert "Give the date as YYYY-MM-DD." in bad.content.decode()


def test_export_holds_all_the_users_data(client):
    user = UserFactory(email="me@example.com")
    me = Learner(user_id=user.pk, session_key="")
    lesson = LessonFactory()
    LessonProgress.objects.create(lesson=lesson, completed=timezone.now(), **me.owner_fields())
    practice_answer(learner=me, question=QuestionFactory(), chosen=[0])
    ClassroomFactory(owner=user, name="My class")
    other = UserFactory()
    LessonProgress.objects.create(lesson=lesson, user=other)
    client.force_login(user)
    response = client.get(reverse("accounts:account_export"))
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["email"] == "me@example.com"
    assert len(data["lesson_progresss"]) == 1
    assert len(data["question_answers"]) == 1 and len(data["review_logs"]) == 1
    assert data["classes"][0]["class"] == "My class"


def test_deleting_needs_the_password_and_removes_everything(client):
    user = UserFactory()
    me = Learner(user_id=user.pk, session_key="")
    practice_answer(learner=me, question=QuestionFactory(), chosen=[0])
    ClassroomFactory(owner=user)
    client.force_login(user)
    assert client.get(reverse("accounts:account_delete")).status_code == 405
    wrong = client.post(reverse("accounts:account_delete"), {"password": "nope"})
    assert wrong.status_code == 400 and "Nothing was deleted" in wrong.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
    response = client.post(reverse("accounts:account_delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert not QuestionAnswer.objects.exists() and not ReviewCard.objects.exists()
    assert client.get(reverse("accounts:dashboard")).status_code == 302


# Dashboard


def test_streak_counts_consecutive_days_up_to_today_or_yesterday():
    today = date(2030, 6, 10)
    days = {today - timedelta(days=n) for n in (1, 2, 3, 5)}
    assert streak_length(days, today=today) == 3
    assert streak_length(days | {today}, today=today) == 4
    assert streak_length({today - timedelta(days=2)}, today=today) == 0


def test_dashboard_shows_what_to_do_next(client):
    user = UserFactory()
    me = Learner(user_id=user.pk, session_key="")
    first, second = LessonFactory(title="First steps"), LessonFactory(title="Second steps")
    LessonProgress.objects.create(lesson=first, completed=timezone.now(), **me.owner_fields())
    ExerciseFactory(lesson=second)
    question = QuestionFactory()
    practice_answer(learner=me, question=question, chosen=[1])
    ReviewCard.objects.filter(user=user).update(due=timezone.now() - timedelta(minutes=1))
    ExamAttempt.objects.create(
        exam="SAA-C03",
        question_ids=[question.pk],
        started=timezone.now(),
        deadline=timezone.now(),
        submitted=timezone.now(),
        correct_count=1,
        scaled_score=1000,
        passed=True,
        **me.owner_fields(),
    )
    client.force_login(user)
    html = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Second steps" in html  # the next lesson
    assert "1 of 2 lessons done" in html
    assert "1 day" in html  # streak
    assert "<svg" in html and "1000" in html  # the score chart
    assert "Review now" in html


def test_reset_answers_without_waiting_for_the_mail_server(settings):
    """Issue 15: the reset page's answer time told which emails have accounts."""
    from django.core.mail import EmailMultiAlternatives

    from tests.learning.accounts.signing_up import mail_server_on_hold

    settings.MAIL_IN_BACKGROUND = True
    UserFactory(email="known@example.com")
    with mail_server_on_hold(EmailMultiAlternatives) as sent:
        response = Client().post(reverse("accounts:password_reset"), {"email": "known@example.com"})
        assert response.status_code == 302
        assert not sent.is_set()  # answered while the mail was still at the server
    assert sent.wait(timeout=5)

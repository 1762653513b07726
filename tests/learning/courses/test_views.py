"""Course pages as a learner meets them: full pages, htmx fragments, bad input."""

from __future__ import annotations

import pytest
from django.urls import reverse

from learning.models import ExerciseAttempt, LessonProgress
from tests.learning.content.factories import EC2_TRUST, ExerciseFactory, LessonFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_course_map_lists_lessons_by_track_with_progress(client):
    done = LessonFactory(title="Anatomy of a trust policy")
    LessonFactory(title="How AWS decides")
    client.post(reverse("courses:lesson_done", args=[done.slug]))
    html = client.get(reverse("courses:course_map")).content.decode()
    assert "Foundations" in html
    assert "Anatomy of a trust policy" in html and "How AWS decides" in html
    assert "1 of 2 lessons done" in html


def test_course_map_query_count_does_not_grow_with_lessons(client, django_assert_max_num_queries):
    for _ in range(3):
        ExerciseFactory()
    with django_assert_max_num_queries(6):
        client.get(reverse("courses:course_map"))
    for _ in range(20):
        ExerciseFactory()
    with django_assert_max_num_queries(6):
        client.get(reverse("courses:course_map"))


def test_lesson_page_shows_toc_blocks_sources_and_pager(client):
    first = LessonFactory(title="First")
    second = LessonFactory(title="Second")
    html = client.get(second.get_absolute_url()).content.decode()
    assert 'href="#why-a-role-needs-a-trust-policy"' in html
    assert "data-policy-editor" in html
    assert "Check your understanding" in html
    assert first.get_absolute_url() in html  # previous
    assert "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles.html" in html


def test_lesson_page_query_count_is_bounded(client, django_assert_max_num_queries):
    lesson = LessonFactory()
    for _ in range(30):
        LessonFactory()
    with django_assert_max_num_queries(6):
        assert client.get(lesson.get_absolute_url()).status_code == 200


def test_unknown_lesson_is_404(client):
    assert client.get(reverse("courses:lesson", args=["no-such-lesson"])).status_code == 404


def test_mark_as_done_needs_post_and_is_idempotent(client):
    lesson = LessonFactory()
    url = reverse("courses:lesson_done", args=[lesson.slug])
    assert client.get(url).status_code == 405
    client.post(url)
    response = client.post(url, **HTMX)
    assert "You marked this lesson as done" in response.content.decode()
    assert LessonProgress.objects.filter(lesson=lesson, completed__isnull=False).count() == 1


def test_tryit_runs_the_edited_policy_through_the_engine(client):
    lesson = LessonFactory()
    url = reverse("courses:lesson_tryit", args=[lesson.slug, 0])
    allowed = client.post(url, {"policy": EC2_TRUST}, **HTMX)
    assert allowed.status_code == 200
    assert "Allowed" in allowed.content.decode()
    assert allowed["Vary"].count("HX-Request") == 1
    denied = client.post(url, {"policy": EC2_TRUST.replace("ec2", "lambda")}, **HTMX)
    assert "Implicit deny" in denied.content.decode()
    assert "<html" not in denied.content.decode()  # a fragment for htmx


def test_tryit_without_javascript_renders_the_whole_lesson_with_the_result(client):
    lesson = LessonFactory()
    response = client.post(
        reverse("courses:lesson_tryit", args=[lesson.slug, 0]), {"policy": EC2_TRUST}
    )
    html = response.content.decode()
    assert "<html" in html and "Allowed" in html


@pytest.mark.parametrize(
    ("policy", "message"),
    [("", "editor is empty"), ("x" * 16_385, "the limit here is 16,384")],
)
def test_tryit_bad_input_is_a_clear_400(client, policy, message):
    lesson = LessonFactory()
    response = client.post(
        reverse("courses:lesson_tryit", args=[lesson.slug, 0]), {"policy": policy}, **HTMX
    )
    assert response.status_code == 400
    assert message in response.content.decode()


def test_tryit_for_a_block_that_is_not_there_is_404(client):
    lesson = LessonFactory()
    url = reverse("courses:lesson_tryit", args=[lesson.slug, 1])  # block 1 is the check
    assert client.post(url, {"policy": EC2_TRUST}).status_code == 404


def test_a_wrong_pick_gets_a_hint_and_one_more_try_before_the_answer(client):
    lesson = LessonFactory()
    url = reverse("courses:lesson_check", args=[lesson.slug, 1])
    first = client.post(url, {"option": "1"}, **HTMX).content.decode()
    assert "Not quite. Hint: A trust policy has no Resource element." in first
    assert "The Principal element names who is trusted." not in first  # not revealed yet
    assert 'name="attempt" value="2"' in first and "Try again" in first
    second = client.post(url, {"option": "1", "attempt": "2"}, **HTMX).content.decode()
    assert "The Principal element names who is trusted." in second
    assert "Try again" not in second and "Check my answer" not in second
    right = client.post(url, {"option": "0"}, **HTMX).content.decode()
    assert "Correct." in right and "The Principal element names who is trusted." in right
    assert client.post(url, {"option": "7"}, **HTMX).status_code == 400
    assert client.post(url, {"option": "x"}, **HTMX).status_code == 400


def test_exercise_page_shows_goal_visible_scenarios_and_hints(client):
    exercise = ExerciseFactory()
    html = client.get(exercise.get_absolute_url()).content.decode()
    assert "Let EC2 in, and nobody else." in html
    assert "An EC2 instance can assume the role" in html
    assert "Lambda cannot" not in html  # hidden until a submit
    assert "1 hidden scenario" in html
    assert "Hint 1" in html


def test_a_wrong_then_right_submission(client):
    exercise = ExerciseFactory()
    url = reverse("courses:exercise_submit", args=[exercise.slug])
    wrong = client.post(url, {"policy": exercise.starting_policy}, **HTMX).content.decode()
    assert "Not yet" in wrong and "An EC2 instance can assume the role" in wrong
    right = client.post(url, {"policy": EC2_TRUST}, **HTMX).content.decode()
    assert "Solved" in right
    assert "Lambda cannot" in right  # hidden scenarios revealed after the submit
    assert "Your solution and ours" in right
    assert ExerciseAttempt.objects.filter(exercise=exercise).count() == 2


def test_an_over_broad_policy_fails_on_a_hidden_scenario(client):
    exercise = ExerciseFactory()
    broad = EC2_TRUST.replace(
        '"ec2.amazonaws.com"', '["ec2.amazonaws.com", "lambda.amazonaws.com"]'
    )
    html = client.post(
        reverse("courses:exercise_submit", args=[exercise.slug]), {"policy": broad}, **HTMX
    ).content.decode()
    assert "Lambda cannot" in html and "Not yet" in html


def test_exercise_submit_refuses_get_and_empty_policy(client):
    exercise = ExerciseFactory()
    url = reverse("courses:exercise_submit", args=[exercise.slug])
    assert client.get(url).status_code == 405
    response = client.post(url, {"policy": "  "})
    assert response.status_code == 400
    assert "editor is empty" in response.content.decode()


def test_an_attack_cannot_forge_keys_aws_derives_from_the_caller():
    from learning.courses.grading import attack_try

    policy = """{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
      "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}}}]}"""
    attack = {"goal": "Get in from another account.", "principal_not_glob": "*111122223333*"}
    forged = attack_try(
        attack=attack,
        policy=policy,
        role_arn="arn:aws:iam::111122223333:role/Target",
        request={
            "principal": "arn:aws:iam::444455556666:role/Mallory",
            "context": {"aws:PrincipalAccount": "111122223333"},
        },
    )
    assert not forged.succeeded


def test_grading_names_decisions_in_words(client):
    exercise = ExerciseFactory()
    html = client.post(
        reverse("courses:exercise_submit", args=[exercise.slug]),
        {"policy": exercise.starting_policy},
        **HTMX,
    ).content.decode()
    assert "Expected: allowed. The engine: denied (no statement allows it)." in html
    assert "<td>Denied (no statement allows it)</td>" in html
    assert "implicitDeny" not in html.replace('data-decision="implicitDeny"', "")
    # No decision pill that contradicts the verdict: the failure is said in words.
    assert 'class="decision decision-' not in html


@pytest.mark.parametrize(
    ("policy", "where"),
    [
        ('{"Version": "2012-10-17", "Statement": [}', "line 1, column 41"),
        (
            '{"Version": "2012-10-17",\n "Statement": [{"Effect": "Allow", '
            '"Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole", '
            '"Condition": {"StringEquals": "x"}}]}',
            "line 2",
        ),
    ],
    ids=["json-syntax", "error-finding"],
)
def test_a_policy_with_an_error_is_refused_without_running_a_scenario(client, policy, where):
    exercise = ExerciseFactory()
    url = reverse("courses:exercise_submit", args=[exercise.slug])
    response = client.post(url, {"policy": policy}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Not graded" in html and where in html
    assert "Lambda cannot" not in html  # the hidden scenario stays hidden
    assert "Pass" not in html and "Fail" not in html
    assert not ExerciseAttempt.objects.exists()


def test_a_solved_exercise_links_to_the_next_exercise_the_lesson_and_the_next_lesson(client):
    first = ExerciseFactory()
    second = ExerciseFactory()  # its own lesson, after the first one's
    html = client.post(
        reverse("courses:exercise_submit", args=[first.slug]), {"policy": EC2_TRUST}, **HTMX
    ).content.decode()
    assert f'href="{second.get_absolute_url()}"' in html and "Next exercise" in html
    assert f'href="{first.lesson.get_absolute_url()}"' in html and "Back to the lesson" in html
    assert f'href="{second.lesson.get_absolute_url()}"' in html and "Next lesson" in html
    unsolved = client.get(second.get_absolute_url()).content.decode()
    assert "Next exercise" not in unsolved


def test_live_lint_returns_the_findings_for_the_editor(client):
    url = reverse("courses:lint")
    html = client.post(
        url,
        {"policy": '{"Version": "2012-10-17", "Statement": [}', "editor": "exercise-policy"},
        **HTMX,
    ).content.decode()
    assert 'data-findings-for="exercise-policy"' in html
    assert "line 1, column 41" in html and "JSON_SYNTAX_ERROR" in html
    clean = client.post(url, {"policy": EC2_TRUST, "editor": "x"}, **HTMX).content.decode()
    assert "No findings" in clean
    assert client.get(url).status_code == 405
    too_long = client.post(url, {"policy": "x" * 20_001}, **HTMX)
    assert too_long.status_code == 400


def test_check_options_come_in_a_stable_order_of_each_learners_own(client, django_user_model):
    from learning.courses.lesson_checks import option_order

    orders = {
        tuple(option_order(learner_key=f"user:{n}", lesson_slug="l", index=1, count=4))
        for n in range(30)
    }
    assert len(orders) > 1  # not the same order for everyone
    assert option_order(learner_key="user:1", lesson_slug="l", index=1, count=4) == option_order(
        learner_key="user:1", lesson_slug="l", index=1, count=4
    )
    lesson = LessonFactory()
    first = client.get(lesson.get_absolute_url()).content.decode()
    again = client.get(lesson.get_absolute_url()).content.decode()
    position = first.index("check-1-0")
    assert position == again.index("check-1-0") and first.index("check-1-1") == again.index(
        "check-1-1"
    )

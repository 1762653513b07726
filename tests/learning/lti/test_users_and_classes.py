"""What a launch makes: the person's account, the course's class, the assignment, where to land."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from learning.lti.models import LtiContext, LtiUser, ResourceLink
from learning.models import Assignment, Classroom, Membership
from tests.learning.accounts.factories import UserFactory
from tests.learning.content.factories import ExerciseFactory, LessonFactory, QuestionFactory
from tests.learning.lti import platform as fake
from tests.learning.lti.conftest import TOOL

INSTRUCTOR = [fake.ROLE + "Instructor"]
CUSTOM = fake.CLAIM + "custom"
CONTEXT = fake.CLAIM + "context"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"


def role_of(sub: str) -> str:
    identity = LtiUser.objects.get(sub=sub)
    return Membership.objects.get(user=identity.user).role


def test_a_learner_gets_an_account_linked_to_the_platform_and_sub(launch, browser_client):
    launch(sub="s-1", name="Ada Lovelace", email="Ada@School.example")
    identity = LtiUser.objects.select_related("user__profile").get()
    assert (identity.platform.client_id, identity.sub) == (fake.CLIENT_ID, "s-1")
    assert identity.user.email == "ada@school.example"
    assert identity.user.profile.display_name == "Ada Lovelace"
    assert not identity.user.has_usable_password()
    assert browser_client.session["_auth_user_id"] == str(identity.user.pk)


def test_the_same_sub_launching_again_is_the_same_account(launch):
    launch(sub="s-1")
    launch(sub="s-1", name="New Name")
    assert LtiUser.objects.count() == 1
    assert LtiUser.objects.get().name == "New Name"


def test_a_platform_cannot_take_over_an_existing_account_by_its_email(launch):
    existing = UserFactory(email="ada@school.example")
    launch(sub="s-1", email="ada@school.example")
    identity = LtiUser.objects.get()
    assert identity.user != existing
    assert identity.user.email == ""


def test_a_course_becomes_one_class_titled_with_the_context(launch):
    launch(sub="teacher-1", roles=INSTRUCTOR)
    launch(sub="teacher-2", roles=INSTRUCTOR)
    classroom = Classroom.objects.get()
    assert classroom.name == "Cloud Security 101"
    assert LtiContext.objects.get().classroom == classroom
    assert role_of("teacher-1") == role_of("teacher-2") == Membership.Role.TEACHER


def test_a_learner_who_launched_before_the_instructor_stays_a_student(launch):
    launch(sub="learner-1")
    launch(sub="teacher-1", roles=INSTRUCTOR)
    assert Classroom.objects.count() == 1
    assert role_of("learner-1") == Membership.Role.STUDENT
    assert role_of("teacher-1") == Membership.Role.TEACHER


def test_another_course_is_another_class(launch):
    launch(sub="learner-1")
    launch(sub="learner-1", **{CONTEXT: {"id": "course-2", "title": "Networking"}})
    assert sorted(Classroom.objects.values_list("name", flat=True)) == [
        "Cloud Security 101",
        "Networking",
    ]


def test_the_rolecall_custom_claim_lands_the_learner_on_the_lesson(launch, browser_client):
    lesson = LessonFactory(slug="trust-basics")
    answer = launch(**{CUSTOM: {"rolecall": "lesson:trust-basics"}})
    assert answer["Location"] == lesson.get_absolute_url()
    page = browser_client.get(answer["Location"])
    assert page.status_code == 200 and lesson.title in page.content.decode()
    assignment = Assignment.objects.get()
    assert (assignment.kind, assignment.lesson, assignment.classroom.name) == (
        "lesson",
        lesson,
        "Cloud Security 101",
    )


def test_a_target_link_uri_to_an_exercise_page_lands_there_and_assigns_it(launch):
    exercise = ExerciseFactory(slug="let-ec2-in")
    answer = launch(**{fake.CLAIM + "target_link_uri": f"{TOOL}{exercise.get_absolute_url()}"})
    assert answer["Location"] == exercise.get_absolute_url()
    assignment = Assignment.objects.get()
    assert (assignment.kind, assignment.exercise_ids) == ("exercises", [exercise.pk])


def test_an_exam_link_assigns_an_exam_simulation_and_lands_on_its_assignment(launch):
    QuestionFactory.create_batch(3, tasks=[("DVA-C02", "2.1")])
    answer = launch(**{CUSTOM: {"rolecall": "exam:DVA-C02"}})
    assignment = Assignment.objects.get()
    assert (assignment.kind, assignment.exam) == ("exam", "DVA-C02")
    assert answer["Location"] == assignment.get_absolute_url()


def test_each_launch_of_one_resource_link_keeps_one_assignment(launch):
    LessonFactory(slug="trust-basics")
    custom = {CUSTOM: {"rolecall": "lesson:trust-basics"}}
    launch(sub="teacher-1", roles=INSTRUCTOR, **custom)
    launch(sub="learner-1", **custom)
    launch(sub="learner-2", **custom)
    assert Assignment.objects.count() == 1
    assert ResourceLink.objects.get().item == "lesson:trust-basics"


def test_an_instructor_lands_on_the_assignment_with_the_class_grid(launch, browser_client):
    LessonFactory(slug="trust-basics")
    answer = launch(
        sub="teacher-1", roles=INSTRUCTOR, **{CUSTOM: {"rolecall": "lesson:trust-basics"}}
    )
    assert answer["Location"] == Assignment.objects.get().get_absolute_url()
    assert browser_client.get(answer["Location"]).status_code == 200


def test_an_unknown_item_lands_on_the_class(launch):
    answer = launch(**{CUSTOM: {"rolecall": "lesson:no-such-lesson"}})
    assert answer["Location"] == Classroom.objects.get().get_absolute_url()
    assert not Assignment.objects.exists()


def test_names_and_roles_fill_the_roster(launch, platform_server):
    platform_server.members = [
        {"user_id": "learner-7", "name": "Grace", "roles": [fake.ROLE + "Learner"]},
        {"user_id": "teacher-9", "name": "Alan", "roles": ["Instructor"]},
        {"user_id": "gone", "status": "Inactive", "roles": [fake.ROLE + "Learner"]},
    ]
    launch(
        sub="teacher-1",
        roles=INSTRUCTOR,
        **{NRPS: {"context_memberships_url": fake.MEMBERSHIPS, "service_versions": ["2.0"]}},
    )
    assert role_of("learner-7") == Membership.Role.STUDENT
    assert role_of("teacher-9") == Membership.Role.TEACHER
    assert not LtiUser.objects.filter(sub="gone").exists()
    assertion = platform_server.assertions[0]
    assert assertion["form"]["scope"].endswith("contextmembership.readonly")


def test_a_roster_the_platform_cannot_give_keeps_the_launch_working(launch, platform_server):
    platform_server.down = True
    answer = launch(
        sub="teacher-1",
        roles=INSTRUCTOR,
        **{NRPS: {"context_memberships_url": fake.MEMBERSHIPS, "service_versions": ["2.0"]}},
    )
    assert answer.status_code == 302
    assert get_user_model().objects.filter(lti_identity__sub="teacher-1").exists()


@pytest.mark.parametrize("persona", ["anonymous", "signed_in"])
def test_the_picker_without_a_deep_linking_launch_is_refused(client, db, persona):
    if persona == "signed_in":
        client.force_login(UserFactory())
    answer = client.get("/lti/deep-link/pick/")
    assert answer.status_code == 403
    assert b"Nothing to add to" in answer.content

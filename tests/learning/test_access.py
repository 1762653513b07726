"""Who may open which page: every URL of accounts, the dashboard and classrooms,
for every persona, in one parametrised test.

The URL list is walked from the resolver, so a new URL under these prefixes
without a rule here fails ``test_every_url_has_a_rule`` and its own cases."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import get_resolver, reverse

from learning.models import Assignment, CoTeacherInvite, Membership
from tests.learning.accounts.factories import UserFactory
from tests.learning.classrooms.factories import (
    AssignmentFactory,
    ClassroomFactory,
    MembershipFactory,
)
from tests.learning.content.factories import QuestionFactory

PREFIXES = ("accounts/", "dashboard/", "classes/")
PERSONAS = (
    "anonymous",
    "student",
    "other_student",
    "teacher",
    "co_teacher",
    "other_teacher",
    "staff",
)


NAMESPACES = ("accounts", "classrooms")


def _walked_names() -> list[str]:
    """Every named URL of the walked namespaces, as ``namespace:name``."""
    names = []
    for namespace in NAMESPACES:
        _, resolver = get_resolver().namespace_dict[namespace]
        names += [
            f"{namespace}:{p.name}"
            for p in resolver.url_patterns
            if str(p.pattern).startswith(PREFIXES) and p.name
        ]
    return sorted(names)


# Expected answers: a status code, "login" (redirect to sign-in) or "redirect"
# (a redirect anywhere else, the result of an action that worked).
LOGIN, REDIRECT = "login", "redirect"


def everyone(value, anonymous=None) -> dict[str, object]:
    rule = dict.fromkeys(PERSONAS, value)
    rule["anonymous"] = value if anonymous is None else anonymous
    return rule


def signed_in(value) -> dict[str, object]:
    return everyone(value, anonymous=LOGIN)


def in_class(*, student, teacher, co_teacher=None) -> dict[str, object]:
    """Outsiders (another class's people and staff) never learn the class exists: 404."""
    return {
        "anonymous": LOGIN,
        "student": student,
        "other_student": 404,
        "teacher": teacher,
        "co_teacher": teacher if co_teacher is None else co_teacher,
        "other_teacher": 404,
        "staff": 404,
    }


@dataclass(frozen=True)
class Rule:
    method: str
    expected: dict[str, object]


RULES: dict[str, Rule] = {
    "accounts:signup": Rule("get", everyone(REDIRECT, anonymous=200)),
    # Nothing asked for in this session yet: back to the sign-up form.
    "accounts:signup_sent": Rule("get", everyone(REDIRECT)),
    # A made-up link: 400 with a way to start again; a signed-in person has an account.
    "accounts:signup_finish": Rule("get", everyone(REDIRECT, anonymous=400)),
    "accounts:login": Rule("get", everyone(200)),
    "accounts:logout": Rule("post", everyone(REDIRECT)),
    "accounts:profile": Rule("get", signed_in(200)),
    "accounts:account_export": Rule("get", signed_in(200)),
    "accounts:account_delete": Rule("post", signed_in(400)),  # no password given: nothing deleted
    "accounts:password_change": Rule("get", signed_in(200)),
    "accounts:password_change_done": Rule("get", signed_in(200)),
    "accounts:password_reset": Rule("get", everyone(200)),
    "accounts:password_reset_done": Rule("get", everyone(200)),
    "accounts:password_reset_confirm": Rule("get", everyone(200)),
    "accounts:password_reset_complete": Rule("get", everyone(200)),
    "accounts:dashboard": Rule("get", signed_in(200)),
    "classrooms:class_list": Rule("get", signed_in(200)),
    "classrooms:class_create": Rule("post", signed_in(400)),  # empty form
    "classrooms:class_join": Rule("get", signed_in(200)),
    "classrooms:class_join_link": Rule("get", signed_in(200)),
    "classrooms:class_detail": Rule("get", in_class(student=200, teacher=200)),
    "classrooms:class_csv": Rule("get", in_class(student=403, teacher=200)),
    # Destructive actions answer a first POST with a confirmation page (200).
    "classrooms:class_code": Rule("post", in_class(student=403, teacher=200)),
    "classrooms:class_joining": Rule("post", in_class(student=403, teacher=REDIRECT)),
    "classrooms:class_co_teacher_add": Rule(
        "post", in_class(student=403, teacher=REDIRECT, co_teacher=403)
    ),
    "classrooms:student_detail": Rule("get", in_class(student=403, teacher=200)),
    "classrooms:member_remove": Rule("post", in_class(student=403, teacher=200)),
    "classrooms:assignment_new": Rule("get", in_class(student=403, teacher=200)),
    "classrooms:assignment": Rule("get", in_class(student=200, teacher=200)),
    "classrooms:assignment_items_csv": Rule("get", in_class(student=403, teacher=200)),
    "classrooms:assignment_delete": Rule("post", in_class(student=403, teacher=200)),
    "classrooms:assignment_practice": Rule("get", in_class(student=200, teacher=403)),
    "classrooms:assignment_exam": Rule("post", in_class(student=REDIRECT, teacher=403)),
    # An invitation to teach, made for the student's email: only they may answer it.
    "classrooms:invite_answer": Rule(
        "post", {**dict.fromkeys(PERSONAS, 404), "anonymous": LOGIN, "student": REDIRECT}
    ),
}


@pytest.fixture
def world(db):
    QuestionFactory.create_batch(3)
    teacher, co_teacher, student = UserFactory.create_batch(3)
    classroom = ClassroomFactory(owner=teacher)
    MembershipFactory(classroom=classroom, user=co_teacher, role=Membership.Role.TEACHER)
    membership = MembershipFactory(classroom=classroom, user=student)
    other = ClassroomFactory()
    other_student = MembershipFactory(classroom=other).user
    practice = AssignmentFactory(
        classroom=classroom,
        kind=Assignment.Kind.PRACTICE,
        lesson=None,
        question_ids=list(QuestionFactory._meta.model.objects.values_list("pk", flat=True)),
    )
    exam = AssignmentFactory(
        classroom=classroom,
        kind=Assignment.Kind.EXAM,
        lesson=None,
        exam="SAA-C03",
        question_ids=practice.question_ids,
    )
    people = {
        "anonymous": None,
        "student": student,
        "other_student": other_student,
        "teacher": teacher,
        "co_teacher": co_teacher,
        "other_teacher": other.owner,
        "staff": UserFactory(is_staff=True),
    }
    c, a = classroom.public_id, practice.public_id
    kwargs = {
        "password_reset_confirm": {"uidb64": "MQ", "token": "not-a-token"},
        "signup_finish": {"token": "not-a-token"},
        "class_join_link": {"code": classroom.join_code},
        "student_detail": {"public_id": c, "member_id": membership.public_id},
        "member_remove": {"public_id": c, "member_id": membership.public_id},
        "assignment_exam": {"public_id": c, "assignment_id": exam.public_id},
        "invite_answer": {
            "invite_id": CoTeacherInvite.objects.create(
                classroom=classroom, email=student.email, invited_by=teacher
            ).public_id
        },
    }
    for name in (
        "class_detail",
        "class_csv",
        "class_code",
        "class_joining",
        "class_co_teacher_add",
        "assignment_new",
    ):
        kwargs[name] = {"public_id": c}
    for name in ("assignment", "assignment_items_csv", "assignment_delete", "assignment_practice"):
        kwargs[name] = {"public_id": c, "assignment_id": a}
    return people, kwargs


def test_every_url_has_a_rule():
    assert set(_walked_names()) == set(RULES)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", _walked_names())
def test_access(world, name: str, persona: str):
    assert name in RULES, f"{name} has no access rule"
    rule = RULES[name]
    people, kwargs = world
    client = Client()
    if people[persona] is not None:
        client.force_login(people[persona])
    url = reverse(name, kwargs=kwargs.get(name.partition(":")[2]))
    response = getattr(client, rule.method)(url)
    expected = rule.expected[persona]
    login_url = resolve_url(settings.LOGIN_URL)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(login_url + "?next=")
    elif expected == REDIRECT:
        assert response.status_code == 302
        assert not response["Location"].startswith(login_url)
    else:
        assert response.status_code == expected, response.content.decode()[:500]

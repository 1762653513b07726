"""Benchmark of the teacher's class page: server time at 30, 200 and 1,000 students.

Run from the repository root::

    .venv/bin/python bench/classroom.py [--rounds N]

Each class has 20 assignments (lessons, exercises, practice sets and exam
simulations in turn) and progress for part of the students. The page is
rendered through Django's test client against a fresh SQLite database in a
temporary directory, so the time includes the SQL, the grid and the template.
Target (issue 7): under 150 ms median at 200 students.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

ASSIGNMENTS = 20
SIZES = (30, 200, 1000)


def build(students: int):
    """A class of ``students`` with its teacher, assignments of every kind and progress."""
    from learning.models import Exercise, Lesson, Question

    lessons = list(Lesson.objects.all()[:5])
    exercises = list(Exercise.objects.all()[:3])
    questions = list(Question.objects.all()[:10])
    classroom, users = _class_of(students)
    _assign(classroom, lessons, exercises, questions)
    _progress(users, lessons, exercises, questions)
    return classroom


def _class_of(students: int):
    from django.contrib.auth.models import User

    from learning.models import Classroom, Membership

    owner = User.objects.create_user(
        username=f"t{students}@x.test", email=f"t{students}@x.test", password="x"
    )
    classroom = Classroom.objects.create(
        name=f"{students} students", owner=owner, join_code=f"B{students:09d}"[:10]
    )
    Membership.objects.create(classroom=classroom, user=owner, role="teacher")
    users = User.objects.bulk_create(
        User(username=f"s{students}-{n}@x.test", email=f"s{students}-{n}@x.test")
        for n in range(students)
    )
    Membership.objects.bulk_create(
        Membership(classroom=classroom, user=u, role="student") for u in users
    )
    return classroom, users


def _assign(classroom, lessons, exercises, questions) -> None:
    from learning.classrooms.services import assignment_items_set
    from learning.models import Assignment

    kinds = ["lesson", "exercises", "practice", "exam"]
    for i in range(ASSIGNMENTS):
        kind = kinds[i % 4]
        assignment = Assignment.objects.create(
            classroom=classroom,
            kind=kind,
            title=f"Assignment {i + 1}",
            lesson=lessons[i % len(lessons)] if kind == "lesson" else None,
            exam="SAA-C03" if kind == "exam" else "",
        )
        assignment_items_set(
            assignment=assignment,
            exercise_ids=[e.pk for e in exercises] if kind == "exercises" else [],
            question_ids=[q.pk for q in questions] if kind in ("practice", "exam") else [],
        )


def _progress(users, lessons, exercises, questions) -> None:
    from learning.models import ExerciseAttempt, LessonProgress, QuestionAnswer

    now = timezone.now()
    LessonProgress.objects.bulk_create(
        LessonProgress(user=u, lesson=lesson, completed=now if n % 3 else None)
        for n, u in enumerate(users[::2])
        for lesson in lessons
    )
    ExerciseAttempt.objects.bulk_create(
        ExerciseAttempt(user=u, exercise=e, passed=n % 2 == 0)
        for n, u in enumerate(users[::3])
        for e in exercises
    )
    QuestionAnswer.objects.bulk_create(
        QuestionAnswer(user=u, question=q, correct=(n + q.pk) % 3 > 0, chosen=[0])
        for n, u in enumerate(users[::2])
        for q in questions
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # As in the tests: no hashed manifest, which only `collectstatic` builds.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(f"Class page, {ASSIGNMENTS} assignments, SQLite, median of {args.rounds} renders")
    for size in SIZES:
        classroom = build(size)
        client = Client()
        client.force_login(classroom.owner)
        url = reverse("classrooms:class_detail", args=[classroom.public_id])
        assert client.get(url).status_code == 200  # warm up
        times = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        print(
            f"{size:>5} students: median {statistics.median(times):6.1f} ms, "
            f"max {max(times):6.1f} ms, {len(queries)} queries"
        )


if __name__ == "__main__":
    main()

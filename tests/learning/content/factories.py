"""Factories for the learning app's models."""

from __future__ import annotations

import json

import factory

from learning.content.rendering import render_markdown
from learning.models import Exercise, Lesson, Question, QuestionTag

EC2_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    },
    indent=2,
)

LESSON_BODY = f"""## Why a role needs a trust policy

A role says who may assume it in its trust policy.

```tryit
title: Let EC2 in
policy: '{json.dumps(json.loads(EC2_TRUST))}'
request:
  principal: ec2.amazonaws.com
  action: sts:AssumeRole
  role_arn: arn:aws:iam::111122223333:role/WebServer
expect: allowed
prompt: Change the caller to Lambda.
steps:
  - principal: lambda.amazonaws.com
    expect: implicitDeny
```

```check
question: Which element names who may assume the role?
options:
  - text: Principal
    correct: true
    why: The Principal element names who is trusted.
  - text: Resource
    correct: false
    why: A trust policy has no Resource element.
```
"""


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"lesson-{n}")
    title = factory.Sequence(lambda n: f"Lesson {n}")
    track = "foundations"
    order = factory.Sequence(lambda n: n + 1)
    summary = "Learn why a role needs a trust policy."
    minutes = 5
    exams = factory.LazyFunction(lambda: {"SAA-C03": ["1.1"]})
    sources = factory.LazyFunction(
        lambda: [
            {
                "title": "IAM roles",
                "url": "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles.html",
            }
        ]
    )
    body_markdown = LESSON_BODY
    body_html = factory.LazyAttribute(lambda o: render_markdown(o.body_markdown).html)
    blocks = factory.LazyAttribute(lambda o: render_markdown(o.body_markdown).blocks)
    toc = factory.LazyAttribute(lambda o: render_markdown(o.body_markdown).toc)
    content_hash = "factory"


class ExerciseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exercise

    slug = factory.Sequence(lambda n: f"exercise-{n}")
    lesson = factory.SubFactory(LessonFactory)
    title = "Let EC2 instances assume the role"
    kind = Exercise.Kind.WRITE
    role_arn = "arn:aws:iam::111122223333:role/WebServer"
    goal_html = "<p>Let EC2 in, and nobody else.</p>"
    starting_policy = '{"Version": "2012-10-17", "Statement": []}'
    solution = EC2_TRUST
    hints = factory.LazyFunction(lambda: ["<p>The service principal ends in amazonaws.com.</p>"])
    scenarios = factory.LazyFunction(
        lambda: [
            {
                "name": "An EC2 instance can assume the role",
                "expect": "allowed",
                "request": {"principal": "ec2.amazonaws.com", "action": "sts:AssumeRole"},
            },
            {
                "name": "Lambda cannot",
                "expect": "denied",
                "hidden": True,
                "request": {"principal": "lambda.amazonaws.com", "action": "sts:AssumeRole"},
            },
        ]
    )
    content_hash = "factory"


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question
        skip_postgeneration_save = True

    qid = factory.Sequence(lambda n: f"q-{n:03d}")
    type = Question.Type.SINGLE
    topic = "cross-account"
    difficulty = 2
    stem_html = "<p>Which element of a trust policy names who may assume the role?</p>"
    options = factory.LazyFunction(
        lambda: [
            {"text_html": "<p>Principal</p>", "correct": True, "why_html": "<p>It names who.</p>"},
            {"text_html": "<p>Resource</p>", "correct": False, "why_html": "<p>Not in trust.</p>"},
            {"text_html": "<p>Action</p>", "correct": False, "why_html": "<p>What, not who.</p>"},
            {"text_html": "<p>Sid</p>", "correct": False, "why_html": "<p>Only a label.</p>"},
        ]
    )
    choose = 1
    sources = factory.LazyFunction(
        lambda: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles.html"]
    )
    content_hash = "factory"

    @factory.post_generation
    def tasks(self, create, extracted, **kwargs):
        """``tasks=[("SAA-C03", "1.1")]``; by default one SAA-C03 1.1 tag."""
        if not create:
            return
        for exam, task in extracted or [("SAA-C03", "1.1")]:
            QuestionTag.objects.create(question=self, exam=exam, task=task)

"""What a learner has done. A learner is a signed-in user or, before signing
up, the session; the rows carry one or the other, so progress made
anonymously can be carried into an account."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from learning.models.content import Exercise, Lesson, Question


def unique_per_learner(*fields: str, name: str) -> list[models.BaseConstraint]:
    """One row per learner (and ``fields``): per user once signed in, per session before."""
    return [
        models.UniqueConstraint(
            fields=["user", *fields],
            condition=models.Q(user__isnull=False),
            name=f"{name}_unique_user",
        ),
        models.UniqueConstraint(
            fields=["session_key", *fields],
            condition=models.Q(user__isnull=True),
            name=f"{name}_unique_session",
        ),
    ]


class LearnerOwned(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    session_key = models.CharField(max_length=64, blank=True, db_index=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        who = f"user {self.user_id}" if self.user_id else f"session {self.session_key[:8]}"
        return f"{type(self).__name__} of {who}"


class LessonProgress(LearnerOwned):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    completed = models.DateTimeField(null=True, blank=True)
    check_correct = models.BooleanField(null=True)

    class Meta:
        constraints = unique_per_learner("lesson", name="lessonprogress")


class ExerciseAttempt(LearnerOwned):
    class Phase(models.TextChoices):
        """What was checked: the learner's trust policy, or (get-in) their attack request."""

        POLICY = "policy", "Policy"
        ATTACK = "attack", "Attack"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="attempts")
    phase = models.CharField(max_length=10, choices=Phase.choices, default=Phase.POLICY)
    policy = models.TextField(blank=True)
    attack_request = models.JSONField(null=True, blank=True)
    passed = models.BooleanField(default=False)
    failed_scenario = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["exercise", "user"])]


class QuestionAnswer(LearnerOwned):
    class Mode(models.TextChoices):
        """Where the answer was given: free practice or a spaced review."""

        PRACTICE = "practice", "Practice"
        REVIEW = "review", "Review"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.PRACTICE)
    chosen = models.JSONField(default=list)
    policy = models.TextField(blank=True, help_text="The learner's policy, for 'fix' questions.")
    correct = models.BooleanField()
    seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["question", "user"])]

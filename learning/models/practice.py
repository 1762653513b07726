"""Exam simulations, spaced review and problem reports."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from learning.models.content import EXAMS, Question
from learning.models.progress import LearnerOwned, unique_per_learner


class StudyPlan(LearnerOwned):
    """The exam a learner is aiming at and its date; spaced review fits before it."""

    exam = models.CharField(max_length=10, choices=list(EXAMS.items()))
    exam_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = unique_per_learner(name="plan")


class ExamAttempt(LearnerOwned):
    """One timed exam simulation. Its questions are drawn once, at the start."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    exam = models.CharField(max_length=10, choices=list(EXAMS.items()))
    question_ids = models.JSONField(default=list)
    started = models.DateTimeField()
    deadline = models.DateTimeField()
    submitted = models.DateTimeField(null=True, blank=True)
    correct_count = models.PositiveSmallIntegerField(null=True, blank=True)
    scaled_score = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True)
    domains = models.JSONField(default=dict, help_text="Per-domain correct and total counts.")

    class Meta:
        ordering = ["-started"]

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        if self.submitted:
            return reverse("practice:exam_result", args=[self.public_id])
        return reverse("practice:exam_question", args=[self.public_id, 1])


class ExamResponse(models.Model):
    """A learner's answer to one question of an exam, saved the moment it is given.

    One row per (attempt, question): saving again updates it, so a retried
    request never duplicates an answer."""

    attempt = models.ForeignKey(ExamAttempt, on_delete=models.CASCADE, related_name="responses")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    chosen = models.JSONField(default=list)
    policy = models.TextField(blank=True, help_text="The learner's policy, for 'fix' questions.")
    flagged = models.BooleanField(default=False)
    correct = models.BooleanField(default=False)
    answered = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="response_unique")
        ]

    def __str__(self) -> str:
        return f"{self.attempt.public_id} {self.question.qid}"


class ReviewCard(LearnerOwned):
    """The FSRS memory state of one question for one learner, in plain columns."""

    class State(models.IntegerChoices):
        """fsrs.State, by value."""

        LEARNING = 1, "Learning"
        REVIEW = 2, "Review"
        RELEARNING = 3, "Relearning"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    state = models.PositiveSmallIntegerField(choices=State.choices, default=State.LEARNING)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField(db_index=True)
    last_review = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = unique_per_learner("question", name="card")


class ReviewLog(models.Model):
    class Rating(models.IntegerChoices):
        """fsrs.Rating, by value."""

        AGAIN = 1, "Again"
        HARD = 2, "Hard"
        GOOD = 3, "Good"
        EASY = 4, "Easy"

    card = models.ForeignKey(ReviewCard, on_delete=models.CASCADE, related_name="logs")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    reviewed = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-reviewed"]

    def __str__(self) -> str:
        return f"card {self.card_id} rated {self.rating}"


class QuestionReport(models.Model):
    """ "Report a problem with this question": what the learner saw, chose and said."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="reports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    session_key = models.CharField(max_length=64, blank=True)
    chosen = models.JSONField(default=list, blank=True)
    message = models.TextField()
    created = models.DateTimeField(auto_now_add=True)
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["resolved", "-created"]

    def __str__(self) -> str:
        return f"Report on {self.question.qid}"

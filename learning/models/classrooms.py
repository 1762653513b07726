"""Accounts and classrooms: a learner's profile, classes, their members and assignments.

Public ids in URLs are UUIDs, never the sequential primary keys, so a URL
says nothing about how many classes or students there are."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property

from learning.models.content import EXAMS, Exercise, Lesson, Question
from learning.models.practice import ExamAttempt


class Profile(models.Model):
    """What a signed-in learner tells us about themselves.

    The target exam and exam date are the learner's ``StudyPlan`` (one row per
    learner, also kept for visitors who have not signed up); the profile page
    reads and writes them there, through ``learning.accounts.profile_update``,
    so there is one place that holds them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(max_length=80, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.user.email


class Classroom(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="owned_classrooms"
    )
    # Crockford base32, stored without the dash; shown as two groups of five.
    join_code = models.CharField(max_length=16, unique=True)
    joining_open = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "created"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("classrooms:class_detail", args=[self.public_id])

    @property
    def join_code_display(self) -> str:
        return f"{self.join_code[:5]}-{self.join_code[5:]}"


class Membership(models.Model):
    """A user's place in a class: a student, or a teacher (the owner or a co-teacher)."""

    class Role(models.TextChoices):
        STUDENT = "student", "Student"
        TEACHER = "teacher", "Teacher"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    joined = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["classroom", "user"], name="membership_unique")
        ]
        indexes = [models.Index(fields=["classroom", "role"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.classroom} ({self.role})"


class Assignment(models.Model):
    """Work set for a class: a lesson, exercises, a fixed practice set or an exam simulation."""

    class Kind(models.TextChoices):
        LESSON = "lesson", "Lesson"
        EXERCISES = "exercises", "Exercises"
        PRACTICE = "practice", "Practice set"
        EXAM = "exam", "Exam simulation"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="assignments")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=160)
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, null=True, blank=True)
    exercises = models.ManyToManyField(
        Exercise, through="AssignmentExercise", related_name="+", blank=True
    )
    # For a practice set and an exam simulation: the fixed questions, in order.
    questions = models.ManyToManyField(
        Question, through="AssignmentQuestion", related_name="+", blank=True
    )
    exam = models.CharField(max_length=10, choices=list(EXAMS.items()), blank=True)
    due = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("classrooms:assignment", args=[self.classroom.public_id, self.public_id])

    # The ordered ids, read from the item rows (prefetched by the class grid and the
    # student's list with ``prefetch_related("exercise_items", "question_items")``).
    @cached_property
    def exercise_ids(self) -> list[int]:
        return [item.exercise_id for item in self.exercise_items.all()]

    @cached_property
    def question_ids(self) -> list[int]:
        return [item.question_id for item in self.question_items.all()]


class AssignedExam(models.Model):
    """Links an exam simulation a student took to the assignment it was started from."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="exams")
    attempt = models.OneToOneField(
        ExamAttempt, on_delete=models.CASCADE, related_name="assignment_link"
    )

    def __str__(self) -> str:
        return f"{self.attempt.public_id} for {self.assignment}"


class AssignmentExercise(models.Model):
    """One exercise of an exercises assignment, at its place in the list."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="exercise_items"
    )
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "position"], name="assignment_exercise_position"
            ),
            models.UniqueConstraint(
                fields=["assignment", "exercise"], name="assignment_exercise_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} #{self.position}: {self.exercise}"


class AssignmentQuestion(models.Model):
    """One question of a practice set or an exam simulation, at its place in the set."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="question_items"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "position"], name="assignment_question_position"
            ),
            models.UniqueConstraint(
                fields=["assignment", "question"], name="assignment_question_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} #{self.position}: {self.question}"

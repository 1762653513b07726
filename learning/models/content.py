"""Content loaded from the files in ``learning/content/`` by ``load_content``.

Rows are keyed on the stable slugs and ids of the files, so editing a file
updates its row in place and never loses a learner's progress.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse

# Tracks of the course, in the order a learner meets them.
TRACKS: dict[str, str] = {
    "foundations": "Foundations",
    "service-roles": "Service roles",
    "cross-account": "Cross-account access",
    "federation": "Federation",
    "session-controls": "Session controls and auditing",
    "pitfalls": "Pitfalls",
}

# The three exams, from the AWS exam guides (see the content guide).
EXAMS: dict[str, str] = {
    "DVA-C02": "AWS Certified Developer – Associate",
    "SAA-C03": "AWS Certified Solutions Architect – Associate",
    "DOP-C02": "AWS Certified DevOps Engineer – Professional",
}


class Lesson(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    track = models.CharField(max_length=40, choices=list(TRACKS.items()))
    order = models.PositiveSmallIntegerField()
    summary = models.TextField()
    minutes = models.PositiveSmallIntegerField(default=10)
    exams = models.JSONField(default=dict)
    sources = models.JSONField(default=list)
    body_markdown = models.TextField()
    body_html = models.TextField()
    blocks = models.JSONField(default=list, help_text="Interactive blocks, by placeholder index.")
    toc = models.JSONField(default=list)
    word_count = models.PositiveIntegerField(default=0)
    content_hash = models.CharField(max_length=64)
    # The track's place in TRACKS, stored so lessons sort in course order in SQL.
    track_position = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        # (track, order) is unique in the files; check_content says so, the
        # database does not, so that lessons can swap places in one load.
        ordering = ["track_position", "order"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:lesson", args=[self.slug])

    @property
    def track_title(self) -> str:
        return TRACKS.get(self.track, self.track)


class Exercise(models.Model):
    class Kind(models.TextChoices):
        WRITE = "write", "Write from scratch"
        TIGHTEN = "tighten", "Tighten an over-broad policy"
        FIX = "fix", "Fix a broken policy"
        GET_IN = "get-in", "Get in, then lock it out"

    slug = models.SlugField(max_length=100, unique=True)
    lesson = models.ForeignKey(
        Lesson, on_delete=models.SET_NULL, null=True, blank=True, related_name="exercises"
    )
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    difficulty = models.PositiveSmallIntegerField(default=1)
    role_arn = models.CharField(max_length=300)
    goal_html = models.TextField()
    starting_policy = models.TextField()
    solution = models.TextField()
    explanation_html = models.TextField(blank=True)
    hints = models.JSONField(default=list)
    scenarios = models.JSONField(default=list)
    attack = models.JSONField(null=True, blank=True)
    #: What grading compares the learner's policy with the solution over
    #: (actions, principals, allow_less); see policies/grading_compare.py.
    scope = models.JSONField(null=True, blank=True)
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["lesson__track_position", "lesson__order", "order", "slug"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:exercise", args=[self.slug])


class Question(models.Model):
    class Type(models.TextChoices):
        SINGLE = "single", "Multiple choice"
        MULTIPLE = "multiple", "Multiple response"
        PREDICT = "predict", "Predict the decision"
        FIX = "fix", "Fix the policy"

    class Decision(models.TextChoices):
        """The engine's decision a predict question is keyed to."""

        ALLOWED = "allowed", "Allowed"
        EXPLICIT_DENY = "explicitDeny", "Explicit deny"
        IMPLICIT_DENY = "implicitDeny", "Implicit deny"

    qid = models.SlugField(max_length=60, unique=True)
    type = models.CharField(max_length=10, choices=Type.choices)
    topic = models.CharField(max_length=40, db_index=True)
    difficulty = models.PositiveSmallIntegerField(default=2)
    stem_html = models.TextField()
    policy = models.TextField(blank=True)
    request = models.JSONField(null=True, blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    # The caller's side shown with a predict question: identity policies, boundary, SCPs.
    caller_policies = models.JSONField(default=dict, blank=True)
    options = models.JSONField(default=list)
    choose = models.PositiveSmallIntegerField(default=1)
    exercise_data = models.JSONField(null=True, blank=True, help_text="For 'fix' questions.")
    sources = models.JSONField(default=list)
    content_hash = models.CharField(max_length=64)
    retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["qid"]

    def __str__(self) -> str:
        return self.qid

    @property
    def correct_indexes(self) -> list[int]:
        return [i for i, option in enumerate(self.options) if option.get("correct")]


class QuestionTag(models.Model):
    """One (exam, task statement) a question serves; a row each, so practice can filter."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="tags")
    exam = models.CharField(max_length=10, choices=list(EXAMS.items()))
    task = models.CharField(max_length=10)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "exam", "task"], name="question_tag_unique")
        ]
        indexes = [models.Index(fields=["exam", "task"])]

    def __str__(self) -> str:
        return f"{self.exam} {self.task}"

    @property
    def domain(self) -> str:
        return self.task.split(".", 1)[0]

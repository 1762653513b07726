"""LTI 1.3: registered platforms, the tool's keys, logins in flight, and what launches made.

A platform is known by its issuer (a name, never a URL to call) and the client
id it gave RoleCall; every URL RoleCall calls is one registered for it."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Platform(models.Model):
    """A learning platform RoleCall is registered in (one client id of one issuer)."""

    issuer = models.CharField(max_length=255)
    client_id = models.CharField(max_length=255)
    auth_login_url = models.URLField(max_length=500, help_text="The platform's OIDC auth URL.")
    auth_token_url = models.URLField(max_length=500, help_text="The platform's OAuth2 token URL.")
    key_set_url = models.URLField(max_length=500, help_text="The platform's public key set.")
    # Web origins the platform's pages are served from: they may frame RoleCall and
    # receive its deep-linking responses. Canvas serves pages from the school's own
    # host, not from its login host, so this is registered, not guessed.
    origins = models.JSONField(default=list, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "client_id"], name="lti_platform_unique")
        ]

    def __str__(self) -> str:
        return f"{self.issuer} ({self.client_id})"


class Deployment(models.Model):
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="deployments")
    deployment_id = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "deployment_id"], name="lti_deployment_unique"
            )
        ]

    def __str__(self) -> str:
        return self.deployment_id


class ToolKey(models.Model):
    """The tool's RSA key pair. The newest active key signs; retired keys stay
    published for a while so that messages signed before a rotation still verify."""

    kid = models.CharField(max_length=64, unique=True)
    private_pem = models.TextField()
    public_jwk = models.JSONField()
    created = models.DateTimeField(auto_now_add=True)
    retired = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return self.kid


class LoginState(models.Model):
    """One third-party initiated login, waiting for its id_token. Used once."""

    state = models.CharField(max_length=64, unique=True)
    nonce = models.CharField(max_length=64, unique=True)
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    redirect_uri = models.URLField(max_length=500)
    # Kept to offer "open in a new window" when the browser refuses cookies in a frame.
    login_params = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True)
    used = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.state


class LtiUser(models.Model):
    """A RoleCall account that stands for one person (``sub``) of one platform."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="users")
    sub = models.CharField(max_length=255)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_identity"
    )
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "sub"], name="lti_user_unique")]

    def __str__(self) -> str:
        return f"{self.sub} at {self.platform.issuer}"


class LtiContext(models.Model):
    """A course of the platform, and the RoleCall class that stands for it."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="contexts")
    context_id = models.CharField(max_length=255)
    title = models.CharField(max_length=255, blank=True)
    classroom = models.OneToOneField(
        "learning.Classroom", on_delete=models.CASCADE, related_name="lti_context"
    )
    memberships_url = models.URLField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "context_id"], name="lti_context_unique")
        ]

    def __str__(self) -> str:
        return self.title or self.context_id


class ResourceLink(models.Model):
    """A placement of RoleCall in a course, and the assignment it set."""

    context = models.ForeignKey(LtiContext, on_delete=models.CASCADE, related_name="links")
    resource_link_id = models.CharField(max_length=255)
    item = models.CharField(
        max_length=120, help_text="lesson:<slug>, exercise:<slug> or exam:<code>"
    )
    assignment = models.ForeignKey(
        "learning.Assignment", on_delete=models.CASCADE, related_name="lti_links"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["context", "resource_link_id"], name="lti_resource_link_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource_link_id}: {self.item}"


class GradeTarget(models.Model):
    """Where one learner's score for one resource link goes (the AGS claim of their launch)."""

    link = models.ForeignKey(ResourceLink, on_delete=models.CASCADE, related_name="grade_targets")
    lti_user = models.ForeignKey(LtiUser, on_delete=models.CASCADE, related_name="grade_targets")
    lineitem_url = models.URLField(max_length=1000)
    scopes = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "lti_user"], name="lti_grade_target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.lti_user} → {self.lineitem_url}"


class ScorePost(models.Model):
    """A score to send to the platform: sent at once, retried in the background until it lands."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"

    target = models.ForeignKey(GradeTarget, on_delete=models.CASCADE, related_name="posts")
    score_given = models.FloatField()
    score_maximum = models.FloatField()
    timestamp = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-timestamp", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt"])]

    def __str__(self) -> str:
        return f"{self.score_given}/{self.score_maximum} for {self.target} ({self.status})"

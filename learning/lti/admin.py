import json

from django.contrib import admin
from django.utils.html import format_html

from learning.lti.keys import key_rotate
from learning.lti.models import (
    Deployment,
    LtiContext,
    LtiUser,
    Platform,
    ScorePost,
    ToolKey,
)
from learning.lti.registry import (
    RegistrationError,
    origins_or_default,
    tool_base_url,
    tool_endpoints,
)


class DeploymentInline(admin.TabularInline):
    model = Deployment
    extra = 1


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    """Platforms RoleCall is registered in; each shows the endpoints to give it."""

    list_display = ["issuer", "client_id", "created"]
    search_fields = ["issuer", "client_id"]
    readonly_fields = ["tool_endpoints"]
    inlines = [DeploymentInline]

    def save_model(self, request, obj: Platform, form, change) -> None:
        obj.origins = origins_or_default(list(obj.origins or []), obj.auth_login_url)
        super().save_model(request, obj, form, change)

    @admin.display(description="Give the platform these")
    def tool_endpoints(self, obj: Platform) -> str:
        try:
            endpoints = tool_endpoints(tool_base_url())
        except RegistrationError as exc:
            return str(exc)
        return format_html("<pre>{}</pre>", json.dumps(endpoints.as_dict(), indent=2))


@admin.register(ToolKey)
class ToolKeyAdmin(admin.ModelAdmin):
    """The tool's keys. Rotate with `manage.py lti_platform rotate-key`."""

    list_display = ["kid", "created", "retired"]
    fields = ["kid", "public_jwk", "created", "retired"]
    readonly_fields = ["kid", "public_jwk", "created"]
    actions = ["rotate"]

    @admin.action(description="Rotate: retire the signing key and make a new one")
    def rotate(self, request, queryset) -> None:
        key = key_rotate()
        self.message_user(request, f"New signing key {key.kid}; the old one stays published.")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(LtiUser)
class LtiUserAdmin(admin.ModelAdmin):
    list_display = ["sub", "platform", "user", "name"]
    search_fields = ["sub", "name", "email"]
    raw_id_fields = ["user"]


@admin.register(LtiContext)
class LtiContextAdmin(admin.ModelAdmin):
    list_display = ["title", "context_id", "platform", "classroom"]
    raw_id_fields = ["classroom"]


@admin.register(ScorePost)
class ScorePostAdmin(admin.ModelAdmin):
    list_display = ["target", "score_given", "score_maximum", "status", "attempts", "last_error"]
    list_filter = ["status"]
    raw_id_fields = ["target"]

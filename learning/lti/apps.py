from django.apps import AppConfig


class LtiConfig(AppConfig):
    """LTI 1.3 tool: RoleCall inside Canvas, Moodle, Blackboard and other platforms."""

    name = "learning.lti"
    label = "lti"
    verbose_name = "LTI 1.3"
    default_auto_field = "django.db.models.BigAutoField"

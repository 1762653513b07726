from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "Learning"

    def ready(self) -> None:
        from django.contrib import admin

        from learning.accounts.forms import AdminSignInForm

        # The admin's sign-in is throttled like the site's (issue 15, finding 1).
        admin.site.login_form = AdminSignInForm

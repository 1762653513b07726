"""Forms for accounts. They parse and check input; services do the work."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm
from django.contrib.auth.models import User

from config.web import client_address
from learning.accounts.mail import mail_off_request
from learning.accounts.time_zones import TIME_ZONES
from learning.auth import Throttle, normalise_email
from learning.content.exam_info import EXAM_CHOICES

THROTTLED_MESSAGE = "Too many failed sign-ins. Wait 15 minutes, or reset your password."


class _ThrottledSignIn:
    """Failed sign-ins counted per account and address pair and per address
    (``learning.auth.Throttle``); a blocked pair is refused before the password is checked."""

    request: Any
    cleaned_data: dict[str, Any]

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)  # type: ignore[call-arg]
        self.throttled = False

    def clean(self):
        email = normalise_email(self.cleaned_data.get("username") or "")
        throttle = Throttle(email=email, address=client_address(self.request))
        if email and throttle.blocked():
            self.throttled = True
            raise forms.ValidationError(THROTTLED_MESSAGE, code="throttled")
        try:
            cleaned = super().clean()  # type: ignore[misc]
        except forms.ValidationError:
            if email:
                throttle.fail()
            raise
        throttle.succeed()
        return cleaned


class SignInForm(_ThrottledSignIn, AuthenticationForm):
    """Email and password, with failed attempts throttled."""

    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email and password do not match an account. Check both and "
        "try again.",
    }


class AdminSignInForm(_ThrottledSignIn, AdminAuthenticationForm):
    """The admin's sign-in, held to the same throttle as the site's (issue 15, finding 1)."""


def password_confirm_check(*, user, password: str, request) -> None:
    """Check a password typed to confirm an action, throttled like a sign-in.

    Deleting an account or changing a password asks for the password again;
    without a limit, a borrowed signed-in session could guess it without end."""
    throttle = Throttle(email=user.email, address=client_address(request))
    if throttle.blocked():
        raise forms.ValidationError(
            "Too many wrong passwords. Wait 15 minutes, or reset your password.",
            code="throttled",
        )
    if not user.check_password(password):
        throttle.fail()
        raise forms.ValidationError("That is not your password.", code="password_incorrect")
    throttle.succeed()


class SignUpStartForm(forms.Form):
    """Sign-up, step 1: the address to mail the link to. Whether it has an
    account is never said here: the mail says it, to the address's owner."""

    email = forms.EmailField(
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])


class SignUpFinishForm(forms.Form):
    """Sign-up, step 2, opened from the mailed link: the name and the password."""

    display_name = forms.CharField(
        label="Name shown to your teachers (optional)", max_length=80, required=False
    )
    password = forms.CharField(
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    # Filled by the browser; a zone we do not list (or none) means UTC, never an error.
    time_zone = forms.CharField(
        required=False,
        max_length=64,
        widget=forms.HiddenInput(attrs={"data-browser-time-zone": ""}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_time_zone(self) -> str:
        zone = self.cleaned_data.get("time_zone", "")
        return zone if zone in TIME_ZONES else ""

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        password_validation.validate_password(password, User(username=self.email, email=self.email))
        return password


def time_zone_field() -> forms.ChoiceField:
    """A choice of IANA zones; blank is UTC. The browser fills it in when blank."""
    return forms.ChoiceField(
        label="Your time zone",
        choices=[("", "UTC"), *((zone, zone) for zone in TIME_ZONES)],
        required=False,
        help_text="Due dates and times are shown in it; a teacher's due dates are read in it.",
        widget=forms.Select(attrs={"data-browser-time-zone": ""}),
    )


class ProfileForm(forms.Form):
    display_name = forms.CharField(label="Your name", max_length=80, required=False)
    time_zone = time_zone_field()
    exam = forms.ChoiceField(label="Target exam", choices=EXAM_CHOICES, required=False)
    exam_date = forms.DateField(
        label="Exam date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Give the date as YYYY-MM-DD."},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("exam_date") and not cleaned.get("exam"):  # type: ignore[union-attr]
            self.add_error("exam", "Pick the exam that date is for.")
        return cleaned


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password, to confirm",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        try:
            password_confirm_check(user=self.user, password=password, request=self.request)
        except forms.ValidationError as exc:
            if exc.code == "password_incorrect":
                raise forms.ValidationError(
                    "That is not your password. Nothing was deleted."
                ) from None
            raise
        return password


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Django's password change, with the old password's check throttled."""

    def __init__(self, user, *args, request=None, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        try:
            password_confirm_check(user=self.user, password=old_password, request=self.request)
        except forms.ValidationError as exc:
            if exc.code == "password_incorrect":
                raise forms.ValidationError(
                    self.error_messages["password_incorrect"], code="password_incorrect"
                ) from None
            raise
        return old_password


class BackgroundPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the mail sent off the request
    (``learning.accounts.mail``): the reset page answers the same for any
    address, and as fast."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        mail_off_request(
            super().send_mail,
            subject_template_name,
            email_template_name,
            context,
            from_email,
            to_email,
            html_email_template_name=html_email_template_name,
        )

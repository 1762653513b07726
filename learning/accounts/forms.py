"""Forms for accounts. They parse and check input; services do the work."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User

from config.web import client_address
from learning.auth import Throttle, normalise_email
from learning.content.exam_info import EXAM_CHOICES


class SignInForm(AuthenticationForm):
    """Email and password, with failed attempts counted per account and per address."""

    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email and password do not match an account. Check both and "
        "try again.",
        "throttled": "Too many failed sign-ins. Wait 15 minutes, or reset your password.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.throttled = False

    def clean(self):
        email = normalise_email(self.cleaned_data.get("username") or "")
        throttle = Throttle(email=email, address=client_address(self.request))
        if email and throttle.blocked():
            self.throttled = True
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if email:
                throttle.fail()
            raise
        throttle.succeed()
        return cleaned


class SignUpForm(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    display_name = forms.CharField(
        label="Name shown to your teachers (optional)", max_length=80, required=False
    )
    password = forms.CharField(
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )

    def clean_email(self) -> str:
        email = normalise_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email already exists. Sign in.")
        return email

    def clean(self):
        cleaned = super().clean()
        password, email = cleaned.get("password"), cleaned.get("email")  # type: ignore[union-attr]
        if password:
            try:
                password_validation.validate_password(
                    password, User(username=email or "", email=email or "")
                )
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


class ProfileForm(forms.Form):
    display_name = forms.CharField(label="Your name", max_length=80, required=False)
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

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password. Nothing was deleted.")
        return password

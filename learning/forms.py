"""Forms for accounts and classrooms. They parse and check input; services do the work."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User

from learning.auth import Throttle, client_address, normalise_email
from learning.exams import EXAM_INFO
from learning.models import Assignment, Exercise, Lesson, Question
from learning.quiz import EXAM_LENGTHS

EXAM_CHOICES = [("", "No exam chosen yet")] + [
    (code, f"{code} · {info.title}") for code, info in EXAM_INFO.items()
]


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
        password, email = cleaned.get("password"), cleaned.get("email")
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
        if cleaned.get("exam_date") and not cleaned.get("exam"):
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


class ClassroomForm(forms.Form):
    name = forms.CharField(label="Class name", max_length=120)


class JoinForm(forms.Form):
    code = forms.CharField(
        label="Join code",
        max_length=20,
        help_text="Ten letters and digits, like 7KQ2M-XH4RB. Dashes and case do not matter.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class CoTeacherForm(forms.Form):
    email = forms.EmailField(label="Co-teacher's email")


class AssignmentForm(forms.Form):
    kind = forms.ChoiceField(label="What to set", choices=Assignment.Kind.choices)
    title = forms.CharField(label="Title (optional)", max_length=160, required=False)
    lesson = forms.ModelChoiceField(
        label="Lesson", queryset=Lesson.objects.all(), required=False, to_field_name="slug"
    )
    exercises = forms.ModelMultipleChoiceField(
        label="Exercises",
        queryset=Exercise.objects.all(),
        required=False,
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
    )
    questions = forms.CharField(
        label="Practice set: question ids, one per line or separated by commas",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    exam = forms.ChoiceField(label="Exam", choices=EXAM_CHOICES, required=False)
    count = forms.TypedChoiceField(
        label="Questions in the exam simulation",
        choices=[(n, n) for n in EXAM_LENGTHS],
        coerce=int,
        initial=10,
        required=False,
    )
    due = forms.DateTimeField(
        label="Due (optional, UTC)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        error_messages={"invalid": "Give the due date as YYYY-MM-DD HH:MM."},
    )

    def clean_questions(self) -> list[Question]:
        raw = self.cleaned_data.get("questions", "")
        qids = [q.strip() for q in raw.replace(",", "\n").splitlines() if q.strip()]
        found = Question.objects.filter(qid__in=qids, retired=False).in_bulk(field_name="qid")
        missing = [qid for qid in qids if qid not in found]
        if missing:
            raise forms.ValidationError(f"No live question has the id {', '.join(missing[:5])}.")
        return [found[qid] for qid in dict.fromkeys(qids)]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        needs = {
            Assignment.Kind.LESSON: ("lesson", "Pick a lesson."),
            Assignment.Kind.EXERCISES: ("exercises", "Pick at least one exercise."),
            Assignment.Kind.PRACTICE: ("questions", "List at least one question id."),
            Assignment.Kind.EXAM: ("exam", "Pick the exam to simulate."),
        }
        if kind in needs:
            name, message = needs[kind]
            if name not in self.errors and not cleaned.get(name):
                self.add_error(name, message)
        return cleaned

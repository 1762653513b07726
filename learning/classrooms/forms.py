"""Forms for classrooms. They parse and check input; services do the work."""

from __future__ import annotations

from django import forms

from learning.content.exam_info import EXAM_CHOICES
from learning.models import Assignment, Exercise, Lesson, Question
from learning.practice.bank import EXAM_LENGTHS


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
        kind = cleaned.get("kind")  # type: ignore[union-attr]
        needs = {
            Assignment.Kind.LESSON: ("lesson", "Pick a lesson."),
            Assignment.Kind.EXERCISES: ("exercises", "Pick at least one exercise."),
            Assignment.Kind.PRACTICE: ("questions", "List at least one question id."),
            Assignment.Kind.EXAM: ("exam", "Pick the exam to simulate."),
        }
        if kind in needs:
            name, message = needs[kind]
            if name not in self.errors and not cleaned.get(name):  # type: ignore[union-attr]
                self.add_error(name, message)
        return cleaned

from django.contrib import admin

from learning.models import (
    ExamAttempt,
    Exercise,
    Lesson,
    Question,
    QuestionReport,
    QuestionTag,
)


@admin.register(QuestionReport)
class QuestionReportAdmin(admin.ModelAdmin):
    """Learners' reports of wrong or unclear questions, newest unresolved first."""

    list_display = ["question", "message", "chosen", "created", "resolved"]
    list_filter = ["resolved"]
    list_editable = ["resolved"]
    search_fields = ["question__qid", "message"]
    raw_id_fields = ["question", "user"]


class QuestionTagInline(admin.TabularInline):
    model = QuestionTag
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    """Read-mostly: questions come from the files in learning/content/questions/."""

    list_display = ["qid", "type", "topic", "difficulty", "retired"]
    list_filter = ["type", "topic", "difficulty", "retired"]
    search_fields = ["qid"]
    inlines = [QuestionTagInline]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["title", "track", "order", "minutes", "word_count"]
    list_filter = ["track"]
    search_fields = ["slug", "title"]


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "lesson", "kind", "difficulty"]
    list_filter = ["kind"]
    search_fields = ["slug", "title"]


@admin.register(ExamAttempt)
class ExamAttemptAdmin(admin.ModelAdmin):
    list_display = ["public_id", "exam", "started", "submitted", "scaled_score", "passed"]
    list_filter = ["exam", "passed"]

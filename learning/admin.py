"""Every model of the app in the admin, so staff can look up a learner's attempt, a review
card or a class. Content rows come from the files in ``learning/content/``: edit the files,
not these rows, or the next ``load_content`` puts them back."""

from django.contrib import admin

from learning.models import (
    AssignedExam,
    Assignment,
    AssignmentExercise,
    AssignmentQuestion,
    Classroom,
    ExamAttempt,
    ExamResponse,
    Exercise,
    ExerciseAttempt,
    Lesson,
    LessonProgress,
    Membership,
    Profile,
    Question,
    QuestionAnswer,
    QuestionReport,
    QuestionTag,
    ReviewCard,
    ReviewLog,
    StudyPlan,
)

# A learner is a user or, before signing up, a session: both are searchable.
LEARNER_SEARCH = ["user__email", "user__username", "session_key"]


# Content


class QuestionTagInline(admin.TabularInline):
    model = QuestionTag
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["qid", "type", "topic", "difficulty", "retired"]
    list_filter = ["type", "topic", "difficulty", "retired"]
    search_fields = ["qid", "topic"]
    inlines = [QuestionTagInline]


@admin.register(QuestionTag)
class QuestionTagAdmin(admin.ModelAdmin):
    list_display = ["question", "exam", "task"]
    list_filter = ["exam"]
    search_fields = ["question__qid", "task"]
    autocomplete_fields = ["question"]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["title", "track", "order", "minutes", "word_count"]
    list_filter = ["track"]
    search_fields = ["slug", "title"]


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "lesson", "kind", "difficulty"]
    list_filter = ["kind", "difficulty"]
    search_fields = ["slug", "title"]
    autocomplete_fields = ["lesson"]


# Progress and practice


@admin.register(LessonProgress)
class LessonProgressAdmin(admin.ModelAdmin):
    list_display = ["lesson", "user", "session_key", "created", "completed", "check_correct"]
    list_filter = ["check_correct", "lesson__track"]
    search_fields = [*LEARNER_SEARCH, "lesson__slug"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["lesson"]


@admin.register(ExerciseAttempt)
class ExerciseAttemptAdmin(admin.ModelAdmin):
    list_display = ["exercise", "user", "session_key", "phase", "passed", "created"]
    list_filter = ["phase", "passed", "exercise__kind"]
    search_fields = [*LEARNER_SEARCH, "exercise__slug"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["exercise"]
    date_hierarchy = "created"


@admin.register(QuestionAnswer)
class QuestionAnswerAdmin(admin.ModelAdmin):
    list_display = ["question", "user", "session_key", "mode", "correct", "seconds", "created"]
    list_filter = ["mode", "correct", "question__type"]
    search_fields = [*LEARNER_SEARCH, "question__qid"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["question"]
    date_hierarchy = "created"


@admin.register(StudyPlan)
class StudyPlanAdmin(admin.ModelAdmin):
    list_display = ["user", "session_key", "exam", "exam_date", "created"]
    list_filter = ["exam"]
    search_fields = LEARNER_SEARCH
    raw_id_fields = ["user"]


class ExamResponseInline(admin.TabularInline):
    model = ExamResponse
    extra = 0
    autocomplete_fields = ["question"]


@admin.register(ExamAttempt)
class ExamAttemptAdmin(admin.ModelAdmin):
    list_display = ["public_id", "exam", "user", "started", "submitted", "scaled_score", "passed"]
    list_filter = ["exam", "passed"]
    search_fields = [*LEARNER_SEARCH, "public_id"]
    raw_id_fields = ["user"]
    date_hierarchy = "started"
    inlines = [ExamResponseInline]


@admin.register(ExamResponse)
class ExamResponseAdmin(admin.ModelAdmin):
    list_display = ["attempt", "question", "correct", "flagged", "answered"]
    list_filter = ["correct", "flagged"]
    search_fields = ["attempt__public_id", "question__qid", "attempt__user__email"]
    raw_id_fields = ["attempt"]
    autocomplete_fields = ["question"]


@admin.register(ReviewCard)
class ReviewCardAdmin(admin.ModelAdmin):
    list_display = ["question", "user", "session_key", "state", "due", "last_review"]
    list_filter = ["state"]
    search_fields = [*LEARNER_SEARCH, "question__qid"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["question"]


@admin.register(ReviewLog)
class ReviewLogAdmin(admin.ModelAdmin):
    list_display = ["card", "rating", "reviewed", "duration_ms"]
    list_filter = ["rating"]
    search_fields = ["card__question__qid", "card__user__email", "card__session_key"]
    raw_id_fields = ["card"]
    date_hierarchy = "reviewed"


@admin.register(QuestionReport)
class QuestionReportAdmin(admin.ModelAdmin):
    """Learners' reports of wrong or unclear questions, newest unresolved first."""

    list_display = ["question", "message", "chosen", "created", "resolved"]
    list_filter = ["resolved"]
    list_editable = ["resolved"]
    search_fields = ["question__qid", "message"]
    raw_id_fields = ["question", "user"]


# Accounts and classrooms


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "display_name"]
    search_fields = ["user__email", "user__username", "display_name"]
    raw_id_fields = ["user"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "join_code", "joining_open", "created"]
    list_filter = ["joining_open"]
    search_fields = ["name", "join_code", "owner__email", "public_id"]
    raw_id_fields = ["owner"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "classroom", "role", "joined"]
    list_filter = ["role"]
    search_fields = ["user__email", "classroom__name", "classroom__join_code"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["classroom"]


class AssignmentExerciseInline(admin.TabularInline):
    model = AssignmentExercise
    extra = 0
    autocomplete_fields = ["exercise"]


class AssignmentQuestionInline(admin.TabularInline):
    model = AssignmentQuestion
    extra = 0
    autocomplete_fields = ["question"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["title", "classroom", "kind", "exam", "due", "created"]
    list_filter = ["kind", "exam"]
    search_fields = ["title", "classroom__name", "public_id"]
    autocomplete_fields = ["classroom", "lesson"]
    raw_id_fields = ["created_by"]
    inlines = [AssignmentExerciseInline, AssignmentQuestionInline]


@admin.register(AssignmentExercise)
class AssignmentExerciseAdmin(admin.ModelAdmin):
    list_display = ["assignment", "position", "exercise"]
    search_fields = ["assignment__title", "exercise__slug"]
    autocomplete_fields = ["assignment", "exercise"]


@admin.register(AssignmentQuestion)
class AssignmentQuestionAdmin(admin.ModelAdmin):
    list_display = ["assignment", "position", "question"]
    search_fields = ["assignment__title", "question__qid"]
    autocomplete_fields = ["assignment", "question"]


@admin.register(AssignedExam)
class AssignedExamAdmin(admin.ModelAdmin):
    list_display = ["assignment", "attempt"]
    search_fields = ["assignment__title", "attempt__public_id", "attempt__user__email"]
    autocomplete_fields = ["assignment"]
    raw_id_fields = ["attempt"]

from django.urls import path

from learning import practice_views, views, views_accounts, views_classrooms

app_name = "learning"

urlpatterns = [
    path("lessons/", views.course_map, name="course_map"),
    path("lessons/<slug:slug>/", views.lesson_detail, name="lesson"),
    path("lessons/<slug:slug>/done", views.lesson_done, name="lesson_done"),
    path("lessons/<slug:slug>/try/<int:index>", views.lesson_tryit, name="lesson_tryit"),
    path("lessons/<slug:slug>/check/<int:index>", views.lesson_check, name="lesson_check"),
    path("exercises/<slug:slug>/", views.exercise_detail, name="exercise"),
    path("exercises/<slug:slug>/submit", views.exercise_submit_view, name="exercise_submit"),
    path("exercises/<slug:slug>/attack", views.exercise_attack_view, name="exercise_attack"),
    path("practice/", practice_views.practice_home, name="practice_home"),
    path("practice/question", practice_views.practice_question, name="practice_question"),
    path("practice/review", practice_views.review, name="review"),
    path("practice/plan", practice_views.study_plan, name="study_plan"),
    path("practice/readiness", practice_views.readiness, name="readiness"),
    path("questions/<slug:qid>/report", practice_views.question_report, name="question_report"),
    path("exams/start", practice_views.exam_start, name="exam_start"),
    path(
        "exams/<uuid:public_id>/q/<int:number>", practice_views.exam_question, name="exam_question"
    ),
    path("exams/<uuid:public_id>/review", practice_views.exam_review, name="exam_review"),
    path("exams/<uuid:public_id>/result", practice_views.exam_result, name="exam_result"),
]

# Accounts, the dashboard and classrooms. Every URL under these prefixes has a
# rule in the access matrix (tests/classrooms/test_access.py).
urlpatterns += [
    path("accounts/signup/", views_accounts.sign_up, name="signup"),
    path("accounts/login/", views_accounts.sign_in, name="login"),
    path("accounts/logout/", views_accounts.sign_out, name="logout"),
    path("accounts/profile/", views_accounts.profile, name="profile"),
    path("accounts/export/", views_accounts.account_export, name="account_export"),
    path("accounts/delete/", views_accounts.account_delete, name="account_delete"),
    path("accounts/password/change/", views_accounts.password_change, name="password_change"),
    path(
        "accounts/password/change/done/",
        views_accounts.password_change_done,
        name="password_change_done",
    ),
    path("accounts/password/reset/", views_accounts.password_reset, name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        views_accounts.password_reset_done,
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views_accounts.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        views_accounts.password_reset_complete,
        name="password_reset_complete",
    ),
    path("dashboard/", views_accounts.dashboard_view, name="dashboard"),
    path("classes/", views_classrooms.class_list, name="class_list"),
    path("classes/new", views_classrooms.class_create, name="class_create"),
    path("classes/join", views_classrooms.class_join, name="class_join"),
    path("classes/join/<str:code>", views_classrooms.class_join_link, name="class_join_link"),
    path("classes/<uuid:public_id>/", views_classrooms.class_detail, name="class_detail"),
    path("classes/<uuid:public_id>/grid.csv", views_classrooms.class_grid_csv, name="class_csv"),
    path(
        "classes/<uuid:public_id>/code",
        views_classrooms.class_code_regenerate,
        name="class_code",
    ),
    path("classes/<uuid:public_id>/joining", views_classrooms.class_joining, name="class_joining"),
    path(
        "classes/<uuid:public_id>/teachers",
        views_classrooms.class_co_teacher_add,
        name="class_co_teacher_add",
    ),
    path(
        "classes/<uuid:public_id>/members/<uuid:member_id>/",
        views_classrooms.student_detail,
        name="student_detail",
    ),
    path(
        "classes/<uuid:public_id>/members/<uuid:member_id>/remove",
        views_classrooms.member_remove,
        name="member_remove",
    ),
    path(
        "classes/<uuid:public_id>/assignments/new",
        views_classrooms.assignment_new,
        name="assignment_new",
    ),
    path(
        "classes/<uuid:public_id>/assignments/<uuid:assignment_id>/",
        views_classrooms.assignment_detail,
        name="assignment",
    ),
    path(
        "classes/<uuid:public_id>/assignments/<uuid:assignment_id>/items.csv",
        views_classrooms.assignment_items_csv,
        name="assignment_items_csv",
    ),
    path(
        "classes/<uuid:public_id>/assignments/<uuid:assignment_id>/delete",
        views_classrooms.assignment_delete,
        name="assignment_delete",
    ),
    path(
        "classes/<uuid:public_id>/assignments/<uuid:assignment_id>/practice",
        views_classrooms.assignment_practice,
        name="assignment_practice",
    ),
    path(
        "classes/<uuid:public_id>/assignments/<uuid:assignment_id>/exam",
        views_classrooms.assignment_exam,
        name="assignment_exam",
    ),
]

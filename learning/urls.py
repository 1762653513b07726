from django.urls import path

from learning import practice_views, views

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

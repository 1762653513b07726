"""Practice: the question bank, spaced review, the study plan, readiness and exams."""

from django.urls import path

from learning.practice import resume_views, views

app_name = "practice"

urlpatterns = [
    path("practice/", views.practice_home, name="home"),
    path("practice/question", views.practice_question, name="question"),
    path("practice/review", views.review, name="review"),
    path("practice/plan", views.study_plan, name="study_plan"),
    path("practice/readiness", views.readiness, name="readiness"),
    path("questions/<slug:qid>/report", views.question_report, name="question_report"),
    path("exams/start", views.exam_start, name="exam_start"),
    path("exams/<uuid:public_id>/q/<int:number>", views.exam_question, name="exam_question"),
    path("exams/<uuid:public_id>/resume", resume_views.exam_resume, name="exam_resume"),
    path("exams/<uuid:public_id>/review", views.exam_review, name="exam_review"),
    path("exams/<uuid:public_id>/result", views.exam_result, name="exam_result"),
]

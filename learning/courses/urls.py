"""Course pages: the course map, lessons and their interactive blocks, exercises."""

from django.urls import path

from learning.courses import lint, views

app_name = "courses"

urlpatterns = [
    path("lessons/", views.course_map, name="course_map"),
    path("lessons/<slug:slug>/", views.lesson_detail, name="lesson"),
    path("lessons/<slug:slug>/done", views.lesson_done, name="lesson_done"),
    path("lessons/<slug:slug>/try/<int:index>", views.lesson_tryit, name="lesson_tryit"),
    path("lessons/<slug:slug>/check/<int:index>", views.lesson_check, name="lesson_check"),
    path("lint", lint.lint, name="lint"),
    path("exercises/<slug:slug>/", views.exercise_detail, name="exercise"),
    path("exercises/<slug:slug>/submit", views.exercise_submit_view, name="exercise_submit"),
    path("exercises/<slug:slug>/attack", views.exercise_attack_view, name="exercise_attack"),
]

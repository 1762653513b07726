from django.urls import path

from learning import views

app_name = "learning"

urlpatterns = [
    path("lessons/", views.course_map, name="course_map"),
    path("practice/", views.practice_home, name="practice_home"),
]

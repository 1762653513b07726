"""Classrooms: classes, members, assignments and the class grid. Every URL here
has a rule in the access matrix (tests/learning/classrooms/test_access.py)."""

from django.urls import path

from learning.classrooms import views

app_name = "classrooms"

urlpatterns = [
    path("classes/", views.class_list, name="class_list"),
    path("classes/new", views.class_create, name="class_create"),
    path("classes/join", views.class_join, name="class_join"),
    path("classes/join/<str:code>", views.class_join_link, name="class_join_link"),
    path("classes/<uuid:public_id>/", views.class_detail, name="class_detail"),
    path("classes/<uuid:public_id>/grid.csv", views.class_grid_csv, name="class_csv"),
    path(
        "classes/<uuid:public_id>/code",
        views.class_code_regenerate,
        name="class_code",
    ),
    path("classes/<uuid:public_id>/joining", views.class_joining, name="class_joining"),
    path(
        "classes/<uuid:public_id>/teachers",
        views.class_co_teacher_add,
        name="class_co_teacher_add",
    ),
    path(
        "classes/<uuid:public_id>/members/<uuid:member_id>/",
        views.student_detail,
        name="student_detail",
    ),
    path(
        "classes/<uuid:public_id>/members/<uuid:member_id>/remove",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "classes/<uuid:public_id>/assignments/new",
        views.assignment_new,
        name="assignment_new",
    ),
    path(
        "classes/<uuid:public_id>/assignments/<uuid:assignment_id>/",
        views.assignment_detail,
        name="assignment",
    ),
    path(
        "classes/<uuid:public_id>/assignments/<uuid:assignment_id>/items.csv",
        views.assignment_items_csv,
        name="assignment_items_csv",
    ),
    path(
        "classes/<uuid:public_id>/assignments/<uuid:assignment_id>/delete",
        views.assignment_delete,
        name="assignment_delete",
    ),
    path(
        "classes/<uuid:public_id>/assignments/<uuid:assignment_id>/practice",
        views.assignment_practice,
        name="assignment_practice",
    ),
    path(
        "classes/<uuid:public_id>/assignments/<uuid:assignment_id>/exam",
        views.assignment_exam,
        name="assignment_exam",
    ),
]

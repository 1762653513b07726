"""Accounts and the dashboard. Every URL here has a rule in the access matrix
(tests/learning/classrooms/test_access.py)."""

from django.urls import path

from learning.accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/signup/", views.sign_up, name="signup"),
    path("accounts/signup/sent/", views.sign_up_sent, name="signup_sent"),
    path("accounts/signup/finish/<str:token>/", views.sign_up_finish, name="signup_finish"),
    path("accounts/login/", views.sign_in, name="login"),
    path("accounts/logout/", views.sign_out, name="logout"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/export/", views.account_export, name="account_export"),
    path("accounts/delete/", views.account_delete, name="account_delete"),
    path("accounts/password/change/", views.password_change, name="password_change"),
    path(
        "accounts/password/change/done/",
        views.password_change_done,
        name="password_change_done",
    ),
    path("accounts/password/reset/", views.password_reset, name="password_reset"),
    path("accounts/password/reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        views.password_reset_complete,
        name="password_reset_complete",
    ),
    path("dashboard/", views.dashboard_view, name="dashboard"),
]

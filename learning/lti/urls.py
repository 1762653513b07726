from django.urls import path

from learning.lti import views

app_name = "lti"

urlpatterns = [
    path("login/", views.login_initiation, name="login"),
    path("launch/", views.launch, name="launch"),
    path("deep-link/", views.deep_link, name="deep_link"),
    path("jwks.json", views.jwks, name="jwks"),
    path("deep-link/pick/", views.deep_link_picker, name="deep_link_picker"),
]

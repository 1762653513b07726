from django.urls import path

from policies import views

app_name = "policies"

urlpatterns = [
    path("playground/", views.playground, name="playground"),
    path("playground/compare/", views.compare, name="compare"),
]

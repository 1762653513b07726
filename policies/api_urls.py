"""URLs of the engine's JSON API, mounted under ``api/v1/`` (namespace ``api``)."""

from django.urls import path

from policies import api

app_name = "api"

urlpatterns = [
    path("evaluate", api.evaluate_view, name="evaluate"),
    path("validate", api.validate_view, name="validate"),
    path("describe", api.describe_view, name="describe"),
    path("compare", api.compare_view, name="compare"),
    path("openapi.json", api.openapi_view, name="openapi"),
]

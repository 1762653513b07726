from django.contrib import admin
from django.urls import include, path

from config import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("policies.urls")),
    path("api/v1/", include("policies.api_urls")),
    path("", include("learning.courses.urls")),
    path("", include("learning.practice.urls")),
    path("", include("learning.accounts.urls")),
    path("", include("learning.classrooms.urls")),
    path("lti/", include("learning.lti.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"

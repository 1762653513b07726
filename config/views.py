"""Site-wide pages: the home page, the health check and the error pages."""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from learning.content.exam_info import EXAM_INFO
from learning.courses.selectors import course_progress
from learning.learners import learner_for

logger = logging.getLogger(__name__)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The front page: start or continue the course, or prepare for an exam."""
    context = {
        "progress": course_progress(learner=learner_for(request)),
        "session_days": settings.SESSION_COOKIE_AGE // 86_400,
        "exams": EXAM_INFO.values(),
    }
    return render(request, "home.html", context)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the app can reach its database, 503 when it cannot."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("Health check: the database is unreachable", exc_info=True)
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


API_PREFIX = "/api/"


def _api(request: HttpRequest) -> bool:
    """A request to the JSON API, which answers errors in JSON too."""
    return request.path.startswith(API_PREFIX)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _api(request):
        return JsonResponse({"error": "No such API endpoint."}, status=404)
    return render(request, "404.html", status=404)


#: Seconds a client is asked to wait when every database connection is busy.
BUSY_RETRY_SECONDS = 5


def _database_busy(exc: BaseException | None) -> bool:
    """Whether ``exc`` comes from waiting too long for a pooled database connection."""
    from psycopg_pool import PoolTimeout

    seen = 0
    while exc is not None and seen < 10:  # Django wraps it once or twice
        if isinstance(exc, PoolTimeout):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 with Retry-After when the error is only a crowd: every pooled
    database connection stayed busy for the pool's whole timeout."""
    busy = _database_busy(sys.exc_info()[1])
    status = 503 if busy else 500
    if _api(request):
        message = (
            "The service is busy; try again in a few seconds."
            if busy
            else "Something went wrong on our side."
        )
        response: HttpResponse = JsonResponse({"error": message}, status=status)
    else:
        # Rendered without a RequestContext: whatever broke may be in a context processor.
        template = loader.get_template("500.html")
        response = HttpResponse(template.render({"busy": busy}), status=status)
    if busy:
        response["Retry-After"] = str(BUSY_RETRY_SECONDS)
    return response

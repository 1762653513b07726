"""Assignment and Grade Services: scores sent to the platform's line items.

A finished item makes a ``ScorePost`` row and sends it as soon as the
transaction commits, from the request that finished it. A send that fails stays
pending and is retried by ``retry_due``: a thread in each web process calls it
every ``LTI_GRADE_RETRY_SECONDS`` (see ``worker.py``), and ``manage.py
lti_grades_retry`` does the same from cron. Django 6's task framework ships
only the immediate and dummy backends, neither of which keeps a failed task to
run again later, hence this small queue in the database."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException
from pylti1p3.grade import Grade
from pylti1p3.service_connector import ServiceConnector

from learning.lti.models import GradeTarget, ScorePost
from learning.lti.toolconf import http_session, registration_for

logger = logging.getLogger(__name__)

# Waits between attempts: the last one repeats until the score lands.
RETRY_DELAYS = [timedelta(seconds=s) for s in (30, 120, 600, 1800, 3600)]
CLAIM_FOR = timedelta(minutes=2)


def score_queue(*, targets, given: float, maximum: float) -> list[ScorePost]:
    """Record a score for each target and send each once the transaction commits."""
    now = timezone.now()
    posts = [
        ScorePost.objects.create(
            target=target,
            score_given=given,
            score_maximum=maximum,
            timestamp=now,
            next_attempt=now,
        )
        for target in targets
    ]
    if posts:
        ids = [post.pk for post in posts]
        transaction.on_commit(lambda: [score_send(post_id=pk) for pk in ids])
    return posts


def _claim(post_id: int, now: datetime) -> ScorePost | None:
    """Take the post for this worker, so two processes never send it at once."""
    claimed = (
        ScorePost.objects.filter(pk=post_id, status=ScorePost.Status.PENDING)
        .exclude(claimed_until__gt=now)
        .update(claimed_until=now + CLAIM_FOR)
    )
    if not claimed:
        return None
    return ScorePost.objects.select_related("target__lti_user__platform").get(pk=post_id)


def score_body(post: ScorePost) -> Grade:
    return (
        Grade()
        .set_score_given(post.score_given)
        .set_score_maximum(post.score_maximum)
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_timestamp(post.timestamp.isoformat())
        .set_user_id(post.target.lti_user.sub)
    )


def _post(post: ScorePost) -> None:
    target: GradeTarget = post.target
    connector = ServiceConnector(registration_for(target.lti_user.platform), http_session())
    service = AssignmentsGradesService(
        connector, {"scope": list(target.scopes), "lineitem": target.lineitem_url}
    )
    service.put_grade(score_body(post))


def score_send(*, post_id: int, now: datetime | None = None) -> bool:
    """Send one pending score; True when the platform took it."""
    now = now or timezone.now()
    post = _claim(post_id, now)
    if post is None:
        return False
    post.attempts += 1
    try:
        _post(post)
    except (LtiException, OSError, ValueError) as exc:
        delay = RETRY_DELAYS[min(post.attempts, len(RETRY_DELAYS)) - 1]
        post.last_error = str(exc)[:1000]
        post.next_attempt = now + delay
        post.claimed_until = None
        post.save(update_fields=["attempts", "last_error", "next_attempt", "claimed_until"])
        logger.warning("Score %s not sent (attempt %s): %s", post.pk, post.attempts, exc)
        return False
    post.status = ScorePost.Status.SENT
    post.sent = timezone.now()
    post.claimed_until = None
    post.last_error = ""
    post.save(update_fields=["attempts", "status", "sent", "claimed_until", "last_error"])
    return True


def retry_due(*, now: datetime | None = None, limit: int = 100) -> int:
    """Send the pending scores whose time has come; returns how many landed."""
    now = now or timezone.now()
    due = ScorePost.objects.filter(
        status=ScorePost.Status.PENDING, next_attempt__lte=now
    ).values_list("pk", flat=True)[:limit]
    return sum(score_send(post_id=pk, now=now) for pk in list(due))


def pending_for_classroom(classroom) -> list[ScorePost]:
    """Scores of this class not yet taken by the platform, oldest first, for the teacher."""
    return list(
        ScorePost.objects.filter(
            status=ScorePost.Status.PENDING, target__link__context__classroom=classroom
        )
        .select_related("target__lti_user", "target__link__assignment")
        .order_by("timestamp", "pk")
    )

"""The background retry of scores, in the web process itself: no extra process to run.

One daemon thread per process wakes every ``LTI_GRADE_RETRY_SECONDS`` and sends
the scores whose retry time has come; the claim in ``grades`` keeps two
processes from sending the same score at once. 0 turns the thread off (the
test suite does, and ``manage.py lti_grades_retry`` from cron then does the work)."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)
_started = threading.Event()


def _loop(interval: int) -> None:
    from learning.lti.grades import retry_due

    while True:
        threading.Event().wait(interval)
        try:
            close_old_connections()
            retry_due()
        except Exception:  # a database outage must not end the thread
            logger.exception("Retrying LTI scores failed; trying again later.")
        finally:
            close_old_connections()


def retry_thread_start() -> bool:
    """Start the thread once per process; False when it is off or already running."""
    interval = getattr(settings, "LTI_GRADE_RETRY_SECONDS", 0)
    if interval <= 0 or _started.is_set():
        return False
    _started.set()
    threading.Thread(target=_loop, args=(interval,), name="lti-score-retry", daemon=True).start()
    return True

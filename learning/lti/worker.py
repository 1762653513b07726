"""The background retry of scores, in the web process itself: no extra process to run.

One daemon thread per process wakes every ``LTI_GRADE_RETRY_SECONDS`` and sends
the scores whose retry time has come; the claim in ``grades`` keeps two
processes from sending the same score at once. 0 turns the thread off (the
test suite does, and ``manage.py lti_grades_retry`` from cron then does the work)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)
_started = threading.Event()


def retry_loop(*, interval: float, stop: threading.Event, send: Callable[[], int]) -> None:
    """Call ``send`` every ``interval`` seconds until ``stop`` is set; an error waits a turn."""
    while not stop.wait(interval):
        try:
            close_old_connections()
            send()
        except Exception:  # a database outage must not end the thread
            logger.exception("Retrying LTI scores failed; trying again later.")
        finally:
            close_old_connections()


def retry_thread_start() -> bool:
    """Start the thread once per process; False when it is off or already running."""
    from learning.lti.grades import retry_due

    interval = getattr(settings, "LTI_GRADE_RETRY_SECONDS", 0)
    if interval <= 0 or _started.is_set():
        return False
    _started.set()
    threading.Thread(
        target=retry_loop,
        kwargs={"interval": interval, "stop": threading.Event(), "send": retry_due},
        name="lti-score-retry",
        daemon=True,
    ).start()
    return True

"""The retry loop that runs in each web process."""

from __future__ import annotations

import threading

from learning.lti import worker


def test_the_loop_keeps_sending_after_a_failure_until_stopped():
    calls: list[int] = []
    stop = threading.Event()

    def send() -> int:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database is down")
        if len(calls) >= 3:
            stop.set()
        return 0

    thread = threading.Thread(
        target=worker.retry_loop, kwargs={"interval": 0.01, "stop": stop, "send": send}
    )
    thread.start()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert len(calls) == 3


def test_the_thread_is_off_when_the_interval_is_zero(settings):
    settings.LTI_GRADE_RETRY_SECONDS = 0
    assert worker.retry_thread_start() is False

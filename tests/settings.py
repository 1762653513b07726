"""Settings for the test suite: production settings with a throwaway secret key.

The tests run with debug off, as production does; everything else that only
tests need is overridden in the autouse fixture in ``tests/conftest.py``.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "insecure-key-for-the-test-suite-only")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
# Tests send and retry LTI scores themselves; no background thread.
os.environ.setdefault("LTI_GRADE_RETRY_SECONDS", "0")

from config.settings import *  # noqa: F403

# One test process is one worker: local memory is enough for the suite and needs no
# database in tests without one. The database cache that `make serve` uses without
# Redis is proven across processes in tests/config/test_shared_cache.py.
if not os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Mail is sent in the request in tests, so mail.outbox holds it when the view returns.
MAIL_IN_BACKGROUND = False

# Exercise grading compares policies with a time budget; a busy CI machine must not
# turn an easy comparison into "unknown" (and a loophole into a pass).
COMPARE_TIMEOUT_MS = 30_000

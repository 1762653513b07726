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

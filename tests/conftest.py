"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from django.core.cache import caches

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
]

# Playwright's sync API runs an event loop in the test thread; Django refuses
# database access from such a thread unless told it is safe (it is: one thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _test_settings(settings) -> None:
    """Fast and self-contained: no hashed static manifest, a quick password hasher."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECURE_SSL_REDIRECT = False
    # Each test starts with an empty cache: with REDIS_URL set (CI's second run)
    # the cache outlives the process, and rate-limit counters must not carry over.
    caches["default"].clear()


def _chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which("chromium") is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests need Debian's Chromium. Without it they are skipped loudly,
    except under CI, where a missing browser is a failure."""
    if _chromium_available():
        return
    e2e = [item for item in items if "e2e" in item.keywords]
    if not e2e:
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(
            f"CI is set but {CHROMIUM} is missing: the browser tests cannot run. "
            "Run `make test`, which installs Debian's chromium."
        )
    reason = f"SKIPPED BROWSER TESTS: {CHROMIUM} is missing. `make test` installs it."
    config.issue_config_time_warning(pytest.PytestWarning(reason), stacklevel=2)
    for item in e2e:
        item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture
def console_errors(page) -> Iterator[list[str]]:
    """Collect console errors, uncaught exceptions and failed requests of a page."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # A fetch the browser cancels because the page moved on (a page that forwards
    # itself at once, as the LTI storage pages do) is no failure a user sees.
    page.on(
        "requestfailed",
        lambda req: (
            errors.append(f"request failed: {req.url} ({req.failure})")
            if req.failure != "net::ERR_ABORTED"
            else None
        ),
    )
    page.on(
        "response",
        lambda resp: (
            errors.append(f"HTTP {resp.status}: {resp.url}") if resp.status >= 400 else None
        ),
    )
    yield errors

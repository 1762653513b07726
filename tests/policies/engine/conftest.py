"""The engine's tests need no Django: ``pytest tests/policies/engine -p no:django`` runs them.

The suite's root conftest applies Django test settings to every test through an
autouse fixture; this one, closer to the engine's tests, overrides it by name
with one that touches nothing, so the engine's tests run with or without
pytest-django.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _test_settings() -> None:
    """No settings to apply: the engine is pure Python."""

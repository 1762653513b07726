"""The LTI settings read from the environment (config/settings.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT = "import config.settings as s; print(s.LTI_TOOL_BASE_URL, s.LTI_GRADE_RETRY_SECONDS)"


def _settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LTI_"))}
    return subprocess.run(
        [sys.executable, "-c", PRINT],
        cwd=ROOT,
        env={**clean, "DJANGO_DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_debug_serves_lti_from_the_development_server_and_retries_every_minute():
    assert _settings({}).stdout.split() == ["http://127.0.0.1:8000", "60"]


def test_the_tool_base_url_comes_from_the_environment():
    result = _settings({"LTI_TOOL_BASE_URL": "https://rolecall.example.com"})
    assert result.stdout.split()[0] == "https://rolecall.example.com"


def test_a_bad_lti_setting_stops_start_up_naming_the_variable():
    bad_url = _settings({"LTI_TOOL_BASE_URL": "ftp://rolecall.example.com"})
    assert bad_url.returncode != 0 and "LTI_TOOL_BASE_URL must start with" in bad_url.stderr
    bad_int = _settings({"LTI_GRADE_RETRY_SECONDS": "often"})
    assert bad_int.returncode != 0 and "LTI_GRADE_RETRY_SECONDS must be a whole number" in (
        bad_int.stderr
    )


def test_without_debug_there_is_no_default_tool_url():
    result = _settings({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 50})
    assert result.stdout.split()[0] == "None"

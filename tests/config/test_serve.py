"""What `make serve` starts: workers that slow clients cannot hold, and a control
socket of its own per address (issue 15, findings about slowloris and the socket).

The slow-client fault itself runs against the real stack in
``bench/faults.py --slowloris``; these tests read the command make would run."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _serve_command(*args: str) -> str:
    out = subprocess.run(
        ["make", "--no-print-directory", "-n", "serve", *args],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.replace("\\\n", " ")
    return next(line for line in out.splitlines() if "gunicorn" in line)


def test_serve_runs_asyncio_workers_on_the_asgi_app():
    command = _serve_command("PORT=8123")
    assert "config.asgi" in command and "--worker-class asgi" in command


def test_two_serves_on_one_machine_have_their_own_control_sockets():
    first = re.search(r"--control-socket (\S+)", _serve_command("PORT=8123"))[1]
    second = re.search(r"--control-socket (\S+)", _serve_command("PORT=8124"))[1]
    assert first != second
    assert "8123" in first and "8124" in second
    assert ".gunicorn/gunicorn.ctl" not in first

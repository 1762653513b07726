"""Without Redis, rate limits and the sign-in throttle count in the database, so every
gunicorn worker shares them (issue 15, finding 2: each worker counted its own)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

COUNT_THREE = """
import django
django.setup()
from config.web import cache_count
for _ in range(3):
    n = cache_count(key="shared-test", window=60)
print(n)
"""


def _env(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{db}",
    }
    return env


def test_two_processes_share_one_counter_without_redis(tmp_path):
    env = _env(tmp_path / "shared.sqlite3")
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "createcachetable"], cwd=ROOT, env=env, check=True)
    runs = [
        subprocess.run(
            [sys.executable, "-c", COUNT_THREE],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        for _ in range(2)
    ]
    # The second process goes on from where the first stopped.
    assert runs == ["3", "6"]


def test_the_default_cache_without_redis_is_the_database():
    env = _env(Path("/nonexistent.sqlite3"))
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.CACHES['default']['BACKEND'])",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert out == "config.cache.CountingDatabaseCache"


COUNT_MANY = """
import django
django.setup()
from config.web import cache_count
for _ in range(20):
    cache_count(key="race-test", window=60)
"""


def test_counts_from_processes_running_at_once_are_all_kept(tmp_path):
    env = _env(tmp_path / "race.sqlite3")
    subprocess.run([sys.executable, "manage.py", "createcachetable"], cwd=ROOT, env=env, check=True)
    workers = [
        subprocess.Popen([sys.executable, "-c", COUNT_MANY], cwd=ROOT, env=env) for _ in range(3)
    ]
    assert all(worker.wait(timeout=120) == 0 for worker in workers)
    final = subprocess.run(
        [
            sys.executable,
            "-c",
            COUNT_MANY.replace("range(20)", "range(1)")
            + "\nprint(cache_count(key='race-test', window=60))",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert final == str(3 * 20 + 2)

"""Start RoleCall the way ``make serve`` does, on 127.0.0.1 only, for the benchmarks.

PostgreSQL 15 (the local cluster, as ``.ci/run`` starts it) and a throwaway
``redis-server`` when they are installed, SQLite and the local-memory cache
otherwise; then ``make serve`` itself (debug off, collectstatic, migrate,
load_content, gunicorn with ``WEB_CONCURRENCY`` workers). Used by
``bench/load.py`` and ``bench/faults.py``.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"

DB_USER = "rolecall_bench"
DB_PASS = "rolecall-bench"
DB_NAME = "rolecall_bench"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Stack:
    """A running stack: its URL parts, its services and how to reach the database."""

    port: int
    workdir: Path
    env: dict[str, str]
    database: str
    redis_port: int | None = None
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def pidfile(self) -> Path:
        return self.workdir / "gunicorn.pid"

    @property
    def redis_pidfile(self) -> Path:
        return self.workdir / "redis.pid"

    def master_pid(self) -> int:
        return int(self.pidfile.read_text().strip())

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: the master's children."""
        master = self.master_pid()
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        return [int(pid) for pid in children]

    def start_redis(self) -> None:
        assert self.redis_port is not None
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--daemonize",
                "yes",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
                "--pidfile",
                str(self.redis_pidfile),
                "--logfile",
                str(self.workdir / "redis.log"),
            ],
            check=True,
        )
        for _ in range(100):
            if _redis_ping(self.redis_port):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop_redis(self) -> None:
        if not self.redis_pidfile.exists():
            return
        pid = int(self.redis_pidfile.read_text().strip())
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            if not _alive(pid):
                break
            time.sleep(0.05)
        self.redis_pidfile.unlink(missing_ok=True)

    def django(self, *args: str) -> str:
        """Run a manage.py command against this stack's database; return its output."""
        result = subprocess.run(
            [str(PYTHON), "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )
        return result.stdout


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in _proc_state(pid)


def _proc_state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][:1]
    except (FileNotFoundError, IndexError):
        return "Z"


def _redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _postgres_url() -> str | None:
    """Start the local PostgreSQL 15 cluster and a fresh benchmark database, if installed."""
    if not shutil.which("pg_ctlcluster") or os.geteuid() != 0:
        return None
    subprocess.run(["pg_ctlcluster", "15", "main", "start"], capture_output=True)
    for _ in range(30):
        ready = subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"])
        if ready.returncode == 0:
            break
        time.sleep(1)
    else:
        return None
    sql = f"""
    DO $$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{DB_USER}') THEN
        CREATE ROLE {DB_USER} LOGIN CREATEDB PASSWORD '{DB_PASS}';
      END IF;
    END $$;
    """
    psql = ["su", "postgres", "-c", "psql -v ON_ERROR_STOP=1 -q"]
    subprocess.run(psql, input=sql, text=True, check=True, capture_output=True)
    subprocess.run(
        ["su", "postgres", "-c", f"dropdb --if-exists --force {DB_NAME}"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["su", "postgres", "-c", f"createdb -O {DB_USER} {DB_NAME}"],
        check=True,
        capture_output=True,
    )
    return f"postgres://{DB_USER}:{DB_PASS}@127.0.0.1:5432/{DB_NAME}"


@contextlib.contextmanager
def running_stack(
    *, workers: int | None = None, access_log: bool = False, log=print
) -> Iterator[Stack]:
    """Start PostgreSQL + Redis (or SQLite) and ``make serve``; stop what was started."""
    workdir = Path(tempfile.mkdtemp(prefix="rolecall-stack-"))
    port = free_port()
    env = dict(os.environ)
    for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # TLS ends at the load balancer in production; the bench speaks plain HTTP.
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    database_url = _postgres_url()
    if database_url is None:
        database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    env["DATABASE_URL"] = database_url
    stack = Stack(port=port, workdir=workdir, env=env, database=database_url.split(":")[0])
    if shutil.which("redis-server"):
        stack.redis_port = free_port()
        stack.start_redis()
        env["REDIS_URL"] = f"redis://127.0.0.1:{stack.redis_port}/0"
    make_args = [
        "make",
        "--no-print-directory",
        "serve",
        f"PORT={port}",
        f"GUNICORN_ARGS=--pid {stack.pidfile} --log-file {workdir / 'gunicorn.log'}",
    ]
    if access_log:
        # Method, path, status and the server's own time per request, in microseconds.
        make_args[-1] += f" --access-logfile {workdir / 'access.log'}"
        make_args[-1] += " --access-logformat '%(m)s %(U)s %(s)s %(D)s'"
    if workers:
        make_args.append(f"WEB_CONCURRENCY={workers}")
    log(
        f"stack: {stack.database} database, "
        f"{'Redis on port ' + str(stack.redis_port) if stack.redis_port else 'no Redis'}, "
        f"make serve on 127.0.0.1:{port} (logs in {workdir})"
    )
    serve_log = (workdir / "serve.log").open("w")
    server = subprocess.Popen(
        make_args,
        cwd=ROOT,
        env=env,
        stdout=serve_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    stack.processes.append(server)
    try:
        _wait_healthy(stack, server)
        log(f"stack: gunicorn master {stack.master_pid()}, workers {stack.worker_pids()}")
        yield stack
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        serve_log.close()
        stack.stop_redis()


def _wait_healthy(stack: Stack, server: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(
                "make serve stopped:\n" + (stack.workdir / "serve.log").read_text()[-3000:]
            )
        try:
            conn = http.client.HTTPConnection("127.0.0.1", stack.port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200 and stack.pidfile.exists():
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the app did not answer /healthz in time")

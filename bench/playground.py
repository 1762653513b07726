"""Speed of the playground's live check.

1. Server time of one live check (validate, evaluate, describe, render the
   htmx fragment) through Django's test client, for a typical 2 KB trust
   policy whose text changes on every request (as it does while someone
   types), so no cache helps: median and 99th percentile.
2. Throughput under gunicorn with 2 workers on 127.0.0.1, loaded for a fixed
   time by wrk (Debian's ``apt-get install wrk``), or by a thread pool of
   Python clients when wrk is missing.

Targets (issue "Policy playground"): median < 5 ms, p99 < 20 ms, >= 500 checks/s.

    .venv/bin/python bench/playground.py [--requests 2000] [--seconds 10]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"median_ms": 5.0, "p99_ms": 20.0, "checks_per_second": 500.0}

# A realistic role trust policy of about 2 KB: CI through GitHub OIDC, a partner
# with an external ID, the organization's automation, and ECS tasks.
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "GitHubDeploySIDNUM",
            "Effect": "Allow",
            "Principal": {
                "Federated": "arn:aws:iam::111122223333:oidc-provider/"
                "token.actions.githubusercontent.com"
            },
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                "StringLike": {
                    "token.actions.githubusercontent.com:sub": [
                        "repo:octo-org/octo-repo:ref:refs/heads/main",
                        "repo:octo-org/octo-repo:environment:production",
                    ]
                },
            },
        },
        {
            "Sid": "PartnerWithExternalId",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEquals": {"sts:ExternalId": "Example-Partner-7Q3z"},
                "Bool": {"aws:MultiFactorAuthPresent": "true"},
            },
        },
        {
            "Sid": "OrganizationAutomation",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {
                "StringEquals": {"aws:PrincipalOrgID": "o-exampleorgid"},
                "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/automation/*"},
            },
        },
        {
            "Sid": "EcsTasks",
            "Effect": "Allow",
            "Principal": {"Service": "ecs-tasks.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "ArnLike": {"aws:SourceArn": "arn:aws:ecs:us-east-1:111122223333:*"},
                "StringEquals": {"aws:SourceAccount": "111122223333"},
            },
        },
        {
            "Sid": "NoUntaggedSessions",
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": "sts:TagSession",
            "Condition": {"Null": {"aws:RequestTag/team": "true"}},
        },
    ],
}
POLICY_TEMPLATE = json.dumps(POLICY, indent=2)


def form_body(n: int | None) -> dict[str, object]:
    """The form the page posts; ``n`` varies the text (None keeps the placeholder)."""
    return {
        "policy": POLICY_TEMPLATE if n is None else POLICY_TEMPLATE.replace("SIDNUM", str(n)),
        "identity_policy": "",
        "preset": "github",
        "principal": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
        "action": "sts:AssumeRoleWithWebIdentity",
        "role_arn": "arn:aws:iam::111122223333:role/Deploy",
        "condition_key": [
            "token.actions.githubusercontent.com:aud",
            "token.actions.githubusercontent.com:sub",
            "",
        ],
        "condition_values": [
            "sts.amazonaws.com",
            "repo:octo-org/octo-repo:ref:refs/heads/main",
            "",
        ],
        "tab": "decision",
        "editor": "trust",
    }


def bench_settings_dir() -> str:
    """A settings module for the benchmark: production settings, no rate limit
    in the way, plain static storage (no manifest needed)."""
    folder = tempfile.mkdtemp(prefix="rolecall-bench-")
    static_root = Path(folder, "static")
    static_root.mkdir()
    settings = textwrap.dedent(
        """
        from config.settings import *  # noqa: F403

        PLAYGROUND_CHECKS_PER_WINDOW = 10**9
        STORAGES = {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        """
    )
    settings += f"STATIC_ROOT = {str(static_root)!r}\n"
    Path(folder, "bench_playground_settings.py").write_text(settings)
    return folder


def bench_env(settings_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench_playground_settings",
            "DJANGO_SECRET_KEY": "bench-only-" + os.urandom(16).hex(),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_DEBUG": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join([settings_dir, str(ROOT)]),
        }
    )
    return env


def server_time(requests: int) -> dict[str, float]:
    """Median and p99 of one live check through the test client, in ms."""
    import django
    from django.test import Client

    django.setup()
    client = Client()
    size = len(form_body(0)["policy"])
    form = "application/x-www-form-urlencoded"  # what htmx sends

    def post(n: int):
        body = urllib.parse.urlencode(form_body(n), doseq=True)
        return client.post("/playground/", body, content_type=form, HTTP_HX_REQUEST="true")

    for n in range(50):  # warm up imports, template loading
        post(-n - 1)
    times = []
    for n in range(requests):
        start = time.perf_counter()
        response = post(n)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
        assert b'data-decision="allowed"' in response.content
    times.sort()
    return {
        "policy_bytes": size,
        "requests": requests,
        "median_ms": statistics.median(times),
        "p99_ms": times[int(len(times) * 0.99) - 1],
        "max_ms": times[-1],
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _csrf(port: int) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/playground/")
    response = conn.getresponse()
    response.read()
    for header, value in response.getheaders():
        if header.lower() == "set-cookie" and value.startswith("csrftoken="):
            return value.split(";", 1)[0].split("=", 1)[1]
    raise RuntimeError("no CSRF cookie from /playground/")


def _wait_for(port: int, proc: subprocess.Popen, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited early")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


WRK_SCRIPT = """
local body_template = __BODY__
local token = "__TOKEN__"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["HX-Request"] = "true"
wrk.headers["X-CSRFToken"] = token
wrk.headers["Cookie"] = "csrftoken=" .. token
request = function()
  local body = string.gsub(body_template, "SIDNUM", tostring(math.random(1, 1000000000)))
  return wrk.format(nil, "/playground/", nil, body)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests, summary.duration,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write,
    summary.errors.timeout))
end
"""


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


def throughput(seconds: int, connections: int) -> dict[str, float]:
    settings_dir = bench_settings_dir()
    env = bench_env(settings_dir)
    port = _free_port()
    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{port}",
        "--chdir",
        str(ROOT),
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(gunicorn, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for(port, proc)
        token = _csrf(port)
        body = urllib.parse.urlencode(form_body(None), doseq=True)  # wrk fills in SIDNUM
        if shutil.which("wrk"):
            return _wrk(port, token, body, seconds, connections)
        return _thread_pool(port, token, seconds, connections)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _wrk(port: int, token: str, body: str, seconds: int, connections: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT.replace("__BODY__", _lua_string(body)).replace("__TOKEN__", token))
    out = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--latency",
            "-s",
            script.name,
            f"http://127.0.0.1:{port}/playground/",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=True,
    ).stdout
    os.unlink(script.name)
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    total, duration_us, bad_status, socket_errors, timeouts = map(int, line.split()[1:])
    p99 = next((x.split()[1] for x in out.splitlines() if x.strip().startswith("99%")), "?")
    return {
        "tool": "wrk",
        "connections": connections,
        "seconds": duration_us / 1e6,
        "requests": total,
        "checks_per_second": total / (duration_us / 1e6),
        "non_2xx": bad_status,
        "socket_errors": socket_errors + timeouts,
        "client_p99_latency": p99,
    }


def _thread_pool(port: int, token: str, seconds: int, connections: int) -> dict[str, float]:
    deadline = time.monotonic() + seconds
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "HX-Request": "true",
        "X-CSRFToken": token,
        "Cookie": f"csrftoken={token}",
    }

    def worker(seed: int) -> tuple[int, int]:
        done = bad = 0
        while time.monotonic() < deadline:
            body = urllib.parse.urlencode(form_body(seed * 10_000_000 + done), doseq=True)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("POST", "/playground/", body, headers)
            response = conn.getresponse()
            response.read()
            conn.close()
            done += 1
            bad += response.status != 200
        return done, bad

    start = time.monotonic()
    with ThreadPoolExecutor(connections) as pool:
        results = list(pool.map(worker, range(connections)))
    elapsed = time.monotonic() - start
    total = sum(r[0] for r in results)
    return {
        "tool": "python thread pool",
        "connections": connections,
        "seconds": elapsed,
        "requests": total,
        "checks_per_second": total / elapsed,
        "non_2xx": sum(r[1] for r in results),
        "socket_errors": 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()

    settings_dir = bench_settings_dir()
    os.environ.update(bench_env(settings_dir))
    sys.path[:0] = [settings_dir, str(ROOT)]

    server = server_time(args.requests)
    print(
        f"server time, one live check ({server['policy_bytes']} B policy, "
        f"{server['requests']} requests, test client): median {server['median_ms']:.2f} ms, "
        f"p99 {server['p99_ms']:.2f} ms, max {server['max_ms']:.2f} ms"
    )
    load = throughput(args.seconds, args.connections)
    print(
        f"throughput, gunicorn 2 workers on 127.0.0.1 ({load['tool']}, "
        f"{load['connections']} connections, {load['seconds']:.1f} s): "
        f"{load['checks_per_second']:.0f} checks/s, {load['requests']} requests, "
        f"{load['non_2xx']} non-2xx, {load['socket_errors']} socket errors"
        + (f", client p99 {load['client_p99_latency']}" if "client_p99_latency" in load else "")
    )
    ok = (
        server["median_ms"] < TARGETS["median_ms"]
        and server["p99_ms"] < TARGETS["p99_ms"]
        and load["checks_per_second"] >= TARGETS["checks_per_second"]
        and load["non_2xx"] == 0
    )
    print("targets: median < 5 ms, p99 < 20 ms, >= 500 checks/s: " + ("met" if ok else "NOT met"))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

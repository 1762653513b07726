"""Proof under faults: no saved exam answer is lost or duplicated.

Starts the stack as ``make serve`` does (bench/stack.py), puts learners on it
who only take exam simulations and save each answer as they give it, and
meanwhile:

1. kills one gunicorn worker with ``kill -9`` (not the master, which starts
   a new one), so requests under way in that worker are cut off;
2. stops Redis and starts it again, empty (sessions live in the database,
   ``cached_db``; the cache and rate limits start again).

Clients retry a request that fails to connect or is cut off (saving an answer
is idempotent: one row per attempt and question). At the end, every answer a
client was told was saved ("Saved.") must be in the database exactly once,
with the options the client chose.

    .venv/bin/python bench/faults.py [--learners 100] [--seconds 40]

``--slowloris`` runs the slow-client fault instead: 20 connections (all on
127.0.0.1) send a request's headers one line a second and never finish, for
20 s, while a normal page is fetched every half second; each must answer
within 2 s. Sync workers each block on one slow client, so six of them made
the site unreachable (issue 15, finding 9).

    .venv/bin/python bench/faults.py --slowloris [--connections 20] [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import report, simulate
from stack import Stack, running_stack

RETRIES = 5

READ_RESPONSES = """
import json
from learning.models import ExamAttempt, ExamResponse
from django.db.models import Count
out = {"rows": {}, "duplicates": 0}
ids = json.loads(open(%r).read())
for attempt in ExamAttempt.objects.filter(public_id__in=ids):
    for number, pk in enumerate(attempt.question_ids, start=1):
        rows = list(ExamResponse.objects.filter(attempt=attempt, question_id=pk))
        out["rows"][f"{attempt.public_id}:{number}"] = [
            {"chosen": r.chosen, "policy": bool(r.policy)} for r in rows
        ]
out["duplicates"] = (
    ExamResponse.objects.values("attempt", "question").annotate(n=Count("id"))
    .filter(n__gt=1).count()
)
out["total"] = ExamResponse.objects.count()
print(json.dumps(out))
"""


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][:1]
    except (FileNotFoundError, IndexError):
        return "?"


async def busy_worker(workers: list[int], timeout: float = 5.0) -> tuple[int, bool]:
    """A worker caught on the CPU (state R), so the kill cuts a request off halfway;
    an idle sync worker sleeps in accept() and losing it would prove little."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for pid in workers:
            if _state(pid) == "R":
                return pid, True
        await asyncio.sleep(0)
    return workers[0], False


async def faults(stack: Stack, *, at_kill: float, at_redis: float, log) -> None:
    """Kill one worker, then restart Redis, at the given seconds into the run."""
    started = time.monotonic()
    await asyncio.sleep(at_kill)
    workers = stack.worker_pids()
    victim, busy = await busy_worker(workers)
    os.kill(victim, signal.SIGKILL)
    log(
        f"t={time.monotonic() - started:5.1f}s  kill -9 gunicorn worker {victim} (of {workers}), "
        f"{'caught running, mid-request' if busy else 'idle (no worker was seen running)'}"
    )
    await asyncio.sleep(max(0.0, at_redis - (time.monotonic() - started)))
    if stack.redis_port is None:
        log("no redis-server installed: Redis restart skipped")
        return
    stack.stop_redis()
    log(f"t={time.monotonic() - started:5.1f}s  Redis stopped")
    await asyncio.sleep(2)
    stack.start_redis()
    log(f"t={time.monotonic() - started:5.1f}s  Redis started again, empty")
    await asyncio.sleep(1)
    log(f"t={time.monotonic() - started:5.1f}s  workers now {stack.worker_pids()}")


async def run(stack: Stack, *, learners: int, seconds: float, log) -> tuple:
    fault_task = asyncio.create_task(
        faults(stack, at_kill=seconds * 0.25, at_redis=seconds * 0.5, log=log)
    )
    result = await simulate(
        stack.port,
        learners=learners,
        seconds=seconds,
        think=0.3,
        retries=RETRIES,
        exams_only=True,
    )
    await fault_task
    return result


SLOW_LIMIT_SECONDS = 2.0


async def _slow_client(port: int, *, until: float, held: list[int]) -> None:
    """Open a request and trickle its headers, one line a second, never finishing."""
    try:
        _reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return
    held.append(1)
    try:
        writer.write(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n".encode())
        await writer.drain()
        n = 0
        while time.monotonic() < until:
            await asyncio.sleep(1)
            n += 1
            writer.write(f"X-Slow-{n}: {n}\r\n".encode())
            await writer.drain()
    except (ConnectionError, OSError):
        held.pop()
    finally:
        writer.close()


async def _page_time(port: int) -> float | None:
    """Seconds a normal GET of the home page took, or None when it failed or took too long."""
    started = time.monotonic()
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port), SLOW_LIMIT_SECONDS
        )
        writer.write(
            f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        status = await asyncio.wait_for(reader.readline(), SLOW_LIMIT_SECONDS)
        await asyncio.wait_for(reader.read(), SLOW_LIMIT_SECONDS)
        writer.close()
    except (TimeoutError, OSError):
        return None
    return time.monotonic() - started if b" 200 " in status else None


async def slowloris(port: int, *, connections: int, seconds: float, log) -> bool:
    """Hold ``connections`` slow clients for ``seconds`` while timing a normal page."""
    until = time.monotonic() + seconds
    held: list[int] = []
    slow = [
        asyncio.create_task(_slow_client(port, until=until, held=held)) for _ in range(connections)
    ]
    await asyncio.sleep(1)
    log(f"{len(held)} slow connections open, each sending one header line a second")
    times: list[float | None] = []
    while time.monotonic() < until - 0.5:
        times.append(await _page_time(port))
        await asyncio.sleep(0.5)
    still_held = len(held)
    await asyncio.gather(*slow)
    answered = [t for t in times if t is not None]
    worst = max(answered, default=float("nan"))
    log(
        f"normal page: {len(answered)} of {len(times)} answered within "
        f"{SLOW_LIMIT_SECONDS:.0f} s (slowest {worst:.3f} s); "
        f"slow connections still open at the end: {still_held} of {connections}"
    )
    ok = bool(times) and len(answered) == len(times) and still_held == connections
    print("PASS: the site answered throughout" if ok else "FAIL")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--slowloris", action="store_true", help="the slow-client fault")
    parser.add_argument("--connections", type=int, default=20)
    args = parser.parse_args()

    def log(message: str) -> None:
        print(message, flush=True)

    if args.slowloris:
        return _slowloris_fault(args, log)
    args.seconds = args.seconds or 40.0

    with running_stack(workers=args.workers, log=log) as stack:
        log(f"{args.learners} learners taking exam simulations for {args.seconds:.0f} s")
        stats, crowd, elapsed = asyncio.run(
            run(stack, learners=args.learners, seconds=args.seconds, log=log)
        )
        saved = [item for learner in crowd for item in learner.saved]
        retried = sum(learner.client.retried for learner in crowd)
        ids_file = stack.workdir / "attempts.json"
        ids_file.write_text(json.dumps(sorted({public_id for public_id, _, _ in saved})))
        output = stack.django("shell", "--no-imports", "-c", READ_RESPONSES % str(ids_file))
        found = json.loads(output.strip().splitlines()[-1])
    report(stats, elapsed)
    server_log = (stack.workdir / "serve.log").read_text(errors="replace")
    server_log += (stack.workdir / "gunicorn.log").read_text(errors="replace")
    outage_warnings = server_log.count("Redis is unreachable")
    server_errors = server_log.count("Internal Server Error")

    missing, duplicated, different = _check_saved(saved, found["rows"])
    print(
        f"\nanswers the clients were told were saved: {len(saved)}\n"
        f"requests retried after a connection error: {retried}\n"
        f"exam responses in the database: {found['total']}\n"
        f"told saved but missing: {len(missing)}\n"
        f"told saved and present more than once: {len(duplicated)} "
        f"(any (attempt, question) twice in the whole table: {found['duplicates']})\n"
        f"present with another answer than the one sent: {len(different)}\n"
        f"server log: {outage_warnings} 'Redis is unreachable' warnings, "
        f"{server_errors} 'Internal Server Error'"
    )
    for item in (missing + duplicated + different)[:10]:
        print(f"  {item}")
    ok = not missing and not duplicated and not different and found["duplicates"] == 0
    ok = ok and bool(saved) and server_errors == 0
    print("PASS: every saved answer is in the database exactly once" if ok else "FAIL")
    return 0 if ok else 1


def _slowloris_fault(args: argparse.Namespace, log) -> int:
    # Bounded: at most 200 connections for at most 120 s, loopback only.
    connections = max(1, min(args.connections, 200))
    seconds = max(3.0, min(args.seconds or 20.0, 120.0))
    with running_stack(workers=args.workers, log=log) as stack:
        ok = asyncio.run(slowloris(stack.port, connections=connections, seconds=seconds, log=log))
    return 0 if ok else 1


def _check_saved(saved, rows_by_answer: dict) -> tuple[list, list, list]:
    """Answers the clients were told were saved: missing from the database, present
    more than once, or present with another answer than the one sent."""
    missing, duplicated, different = [], [], []
    for public_id, number, answer in saved:
        rows = rows_by_answer.get(f"{public_id}:{number}", [])
        if not rows:
            missing.append((public_id, number))
        elif len(rows) > 1:
            duplicated.append((public_id, number))
        else:
            options = sorted(int(value) for name, value in answer if name == "option")
            if options and rows[0]["chosen"] != options:
                different.append((public_id, number, options, rows[0]["chosen"]))
            if not options and not rows[0]["policy"]:
                different.append((public_id, number, "policy", rows[0]))
    return missing, duplicated, different


if __name__ == "__main__":
    raise SystemExit(main())

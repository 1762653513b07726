"""Proof under load: 200 learners at once against the stack ``make serve`` runs.

Starts PostgreSQL + Redis when installed (SQLite otherwise) and ``make serve``
(gunicorn, ``WEB_CONCURRENCY`` workers, default twice the cores plus one) on
127.0.0.1, then simulates learners for a fixed time. Each learner has its own
client address (127.0.0.2, 127.0.0.3, ...: all of 127.0.0.0/8 is this
machine), so the per-client rate limits hold as they would for a class, and
does what learners do, with pauses to read and think:

- reads the course map and lessons;
- types in the playground: bursts of live checks (htmx POSTs), one every
  250-500 ms, as the editor sends them while someone types;
- practises: gets a question, answers it (htmx), reads the feedback;
- takes an exam simulation: starts one, and for each question loads it and
  saves an answer (htmx), then submits.

Prints throughput, median, 95th and 99th percentile per kind of request, and
every error. Targets (issue "Ready for a whole school"): zero errors, p95 under
250 ms for pages and under 50 ms for live checks.

    .venv/bin/python bench/load.py [--learners 200] [--seconds 60] [--workers N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import socket
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stack import running_stack

PAGE_P95_MS = 250.0
LIVE_CHECK_P95_MS = 50.0
LIVE_CHECK = "live check"
SEALED = "part of an exam in progress"
IP_BIND_ADDRESS_NO_PORT = getattr(socket, "IP_BIND_ADDRESS_NO_PORT", 24)  # Linux

POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "GitHubDeploy",
                "Effect": "Allow",
                "Principal": {
                    "Federated": "arn:aws:iam::111122223333:oidc-provider/"
                    "token.actions.githubusercontent.com"
                },
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"
                    },
                    "StringLike": {
                        "token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:*"
                    },
                },
            }
        ],
    },
    indent=2,
)

OPTION_RE = re.compile(r'<input[^>]*name="option"[^>]*>')
VALUE_RE = re.compile(r'value="(\d+)"')
QID_RE = re.compile(r'name="qid" value="([^"]+)"')
LESSON_RE = re.compile(r'href="/lessons/([\w-]+)/"')
POLICY_RE = re.compile(r'<textarea[^>]*name="policy"[^>]*>([^<]*)</textarea>')


class HttpError(Exception):
    pass


class TimeUp(Exception):
    """The simulated session is over."""


@dataclass
class Response:
    status: int
    headers: dict[str, list[str]]
    body: str

    def header(self, name: str) -> str:
        return (self.headers.get(name.lower()) or [""])[0]


@dataclass
class Stats:
    """Latencies (ms) and errors per kind of request."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lag: list[float] = field(default_factory=list)
    #: Answers the app refused on purpose, by reason: not errors.
    refusals: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def record(self, kind: str, ms: float) -> None:
        self.latencies[kind].append(ms)

    def error(self, kind: str, message: str) -> None:
        self.errors[kind].append(message)


class Client:
    """A learner's browser: one HTTP/1.1 request per connection, cookies kept."""

    def __init__(self, port: int, source: str, stats: Stats, *, retries: int = 0) -> None:
        self.port = port
        self.source = source
        self.stats = stats
        self.cookies: dict[str, str] = {}
        self.retries = retries
        self.retried = 0

    async def request(
        self,
        kind: str,
        method: str,
        path: str,
        form: list[tuple[str, str]] | None = None,
        *,
        htmx: bool = False,
        expect: tuple[int, ...] = (200,),
    ) -> Response | None:
        """Send one request; record its time, or an error. Retries on connection errors
        (``retries`` times): every POST here is safe to repeat."""
        for attempt in range(self.retries + 1):
            started = time.perf_counter()
            try:
                response = await asyncio.wait_for(self._send(method, path, form, htmx), 30)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, HttpError) as exc:
                if attempt < self.retries:
                    self.retried += 1
                    await asyncio.sleep(0.2 * (attempt + 1))
                    continue
                self.stats.error(kind, f"{method} {path}: {type(exc).__name__}: {exc}")
                return None
            elapsed = (time.perf_counter() - started) * 1000
            self.stats.record(kind, elapsed)
            if response.status not in expect:
                self.stats.error(kind, f"{method} {path}: HTTP {response.status}")
                return None
            return response
        return None

    async def _connect(self) -> socket.socket:
        """A connection from this learner's own address. The source port is left to
        connect() (IP_BIND_ADDRESS_NO_PORT), which picks one not still in TIME_WAIT
        towards the server; bind() alone picks blindly and a reused port stalls the
        handshake."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_IP, IP_BIND_ADDRESS_NO_PORT, 1)
            sock.bind((self.source, 0))
            sock.setblocking(False)
            await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", self.port))
        except BaseException:
            sock.close()
            raise
        return sock

    async def _send(
        self, method: str, path: str, form: list[tuple[str, str]] | None, htmx: bool
    ) -> Response:
        reader, writer = await asyncio.open_connection(sock=await self._connect())
        try:
            body = urlencode(form or []).encode() if method == "POST" else b""
            lines = [
                f"{method} {path} HTTP/1.1",
                f"Host: 127.0.0.1:{self.port}",
                "Connection: close",
                "Accept: text/html",
                "User-Agent: rolecall-bench",
            ]
            if self.cookies:
                lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
            if method == "POST":
                lines += [
                    "Content-Type: application/x-www-form-urlencoded",
                    f"Content-Length: {len(body)}",
                    f"X-CSRFToken: {self.cookies.get('csrftoken', '')}",
                ]
            if htmx:
                lines.append("HX-Request: true")
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            await writer.drain()
            raw = await reader.read()
        finally:
            writer.close()
        head, _, payload = raw.partition(b"\r\n\r\n")
        if not head:
            raise HttpError("empty response")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or not parts[1].isdigit():
            raise HttpError(f"bad status line {status_line!r}")
        headers: dict[str, list[str]] = defaultdict(list)
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()].append(value.strip())
        for cookie in headers.get("set-cookie", []):
            parsed = SimpleCookie()
            parsed.load(cookie)
            for name, morsel in parsed.items():
                self.cookies[name] = morsel.value
        if "chunked" in (headers.get("transfer-encoding") or [""])[0]:
            payload = _unchunk(payload)
        return Response(int(parts[1]), headers, payload.decode("utf-8", "replace"))


def _unchunk(data: bytes) -> bytes:
    out = bytearray()
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += rest[:size]
        data = rest[size + 2 :]
    return bytes(out)


def choose_answer(html: str, rng: random.Random) -> list[tuple[str, str]]:
    """A learner's answer to the question on the page: options, or an edited policy."""
    inputs = OPTION_RE.findall(html)
    values = [m.group(1) for tag in inputs if (m := VALUE_RE.search(tag))]
    if values:
        multiple = any('type="checkbox"' in tag for tag in inputs)
        chosen = (
            sorted(rng.sample(values, k=min(2, len(values)))) if multiple else [rng.choice(values)]
        )
        return [("option", value) for value in chosen]
    policy = POLICY_RE.search(html)
    if policy:  # a "fix the policy" question: send the starting policy back, unescaped
        text = policy.group(1).replace("&quot;", '"').replace("&#x27;", "'").replace("&lt;", "<")
        return [("policy", text.replace("&gt;", ">").replace("&amp;", "&"))]
    return []


@dataclass
class Learner:
    client: Client
    rng: random.Random
    think: float
    lessons: list[str]
    deadline: float
    #: Only exam simulations (bench/faults.py), or everything a learner does.
    exams_only: bool = False
    #: (attempt public id, question number, answer) of every answer the server said it saved.
    saved: list[tuple[str, int, tuple[tuple[str, str], ...]]] = field(default_factory=list)

    async def pause(self, low: float, high: float) -> None:
        """Read or think; a pause that runs past the end ends the session there, so
        that learners do not all fire one last request at the same instant."""
        wanted = self.rng.uniform(low, high) * self.think
        left = self.deadline - time.monotonic()
        if wanted >= left:
            await asyncio.sleep(max(0.0, left))
            raise TimeUp
        await asyncio.sleep(wanted)

    def time_left(self) -> bool:
        return time.monotonic() < self.deadline

    async def run(self) -> None:
        try:
            await self.pause(0, 2)  # learners arrive over the first seconds, not all at once
        except TimeUp:
            return
        await self.client.request("page: home", "GET", "/")
        activities = [self.read_lesson, self.playground, self.practise, self.exam]
        if self.exams_only:
            activities = [self.exam]
        try:
            while self.time_left():
                await self.rng.choice(activities)()
        except TimeUp:
            pass

    async def read_lesson(self) -> None:
        await self.client.request("page: course map", "GET", "/lessons/")
        await self.pause(1, 3)
        slug = self.rng.choice(self.lessons)
        await self.client.request("page: lesson", "GET", f"/lessons/{slug}/")
        await self.pause(4, 10)

    async def playground(self) -> None:
        page = await self.client.request("page: playground", "GET", "/playground/")
        if page is None:
            return
        await self.pause(1, 3)
        # A burst of typing: the editor sends the text as it is after each pause.
        for n in range(self.rng.randint(5, 15)):
            if not self.time_left():
                return
            text = POLICY.replace("GitHubDeploy", f"GitHubDeploy{self.rng.randint(0, 10**6)}")
            if n % 4 == 3:
                text = text[: self.rng.randint(10, len(text))]  # mid-edit, not yet valid JSON
            form = [
                ("policy", text),
                ("identity_policy", ""),
                ("preset", "github"),
                (
                    "principal",
                    "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
                ),
                ("action", "sts:AssumeRoleWithWebIdentity"),
                ("role_arn", "arn:aws:iam::111122223333:role/Deploy"),
                ("condition_key", "token.actions.githubusercontent.com:sub"),
                ("condition_values", "repo:octo-org/octo-repo:ref:refs/heads/main"),
                ("tab", "decision"),
                ("editor", "trust"),
            ]
            await self.client.request(
                LIVE_CHECK, "POST", "/playground/", form, htmx=True, expect=(200, 400)
            )
            await asyncio.sleep(self.rng.uniform(0.25, 0.5))
        await self.pause(2, 5)

    async def practise(self) -> None:
        page = await self.client.request("page: practice question", "GET", "/practice/question")
        if page is None:
            return
        qid = QID_RE.search(page.body)
        answer = choose_answer(page.body, self.rng)
        if qid is None or not answer:
            self.client.stats.error("page: practice question", "no question on the page")
            return
        await self.pause(3, 8)
        form = [("qid", qid.group(1)), *answer]
        kind = "practice answer"
        reply = await self.client.request(
            kind, "POST", "/practice/question", form, htmx=True, expect=(200, 400)
        )
        # Another learner may have started an exam holding this question while
        # this one read it: practice then refuses it, as it must (exam_lock.py).
        if reply is not None and reply.status == 400:
            if SEALED in reply.body:
                self.client.stats.refusals["practice answer: question sealed by an exam"] += 1
            else:
                self.client.stats.error(kind, "POST /practice/question: HTTP 400")
        await self.pause(3, 6)

    async def exam(self, *, questions: int = 10) -> None:
        if "csrftoken" not in self.client.cookies:
            await self.client.request("page: practice home", "GET", "/practice/")
        started = await self.client.request(
            "exam start",
            "POST",
            "/exams/start",
            [("exam", "SAA-C03"), ("count", str(questions))],
            expect=(302,),
        )
        if started is None:
            return
        first = started.header("location")
        match = re.search(r"/exams/([0-9a-f-]+)/q/", first)
        if match is None:
            self.client.stats.error("exam start", f"redirected to {first}")
            return
        public_id = match.group(1)
        for number in range(1, questions + 1):
            if not self.time_left():
                return
            url = f"/exams/{public_id}/q/{number}"
            page = await self.client.request("page: exam question", "GET", url)
            if page is None:
                return
            answer = choose_answer(page.body, self.rng)
            await self.pause(2, 6)
            saved = await self.client.request("exam answer", "POST", url, answer, htmx=True)
            if saved is not None and "saved" in saved.body.lower():
                self.saved.append((public_id, number, tuple(answer)))
            elif saved is not None:
                self.client.stats.error("exam answer", f"{url}: no 'saved' in the answer")
        await self.client.request(
            "exam submit", "POST", f"/exams/{public_id}/review", [], expect=(302,)
        )
        await self.pause(2, 4)


async def discover_lessons(port: int) -> list[str]:
    stats = Stats()
    client = Client(port, "127.0.0.1", stats)
    page = await client.request("discover", "GET", "/lessons/")
    slugs = sorted(set(LESSON_RE.findall(page.body if page else "")))
    if not slugs:
        raise SystemExit("No lessons on /lessons/: did load_content run?")
    return slugs


async def warm_up(port: int, lessons: list[str]) -> None:
    """Load each kind of page a few times first: every worker imports and caches what it
    needs on its first requests, which a server that has been up for a while has done."""
    client = Client(port, "127.0.0.1", Stats())
    paths = ["/", "/lessons/", "/playground/", "/practice/", "/practice/question"]
    paths += [f"/lessons/{slug}/" for slug in lessons]
    await asyncio.gather(*(client.request("warm-up", "GET", path) for path in paths * 4))


async def simulate(
    port: int,
    *,
    learners: int,
    seconds: float,
    think: float,
    retries: int = 0,
    seed: int = 1,
    exams_only: bool = False,
) -> tuple[Stats, list[Learner], float]:
    lessons = await discover_lessons(port)
    await warm_up(port, lessons)
    stats = Stats()
    deadline = time.monotonic() + seconds
    crowd = [
        Learner(
            client=Client(port, f"127.0.{2 + n // 250}.{2 + n % 250}", stats, retries=retries),
            rng=random.Random(seed * 100_000 + n),
            think=think,
            lessons=lessons,
            deadline=deadline,
            exams_only=exams_only,
        )
        for n in range(learners)
    ]
    started = time.monotonic()
    lag = asyncio.create_task(loop_lag(stats, deadline))
    # Each learner stops at the deadline; a request under way may finish just after.
    await asyncio.wait_for(asyncio.gather(*(learner.run() for learner in crowd)), seconds + 60)
    await lag
    return stats, crowd, time.monotonic() - started


async def loop_lag(stats: Stats, deadline: float) -> None:
    """How late this client's own event loop runs: time it adds to every measured request."""
    while time.monotonic() < deadline:
        before = time.perf_counter()
        await asyncio.sleep(0.01)
        stats.lag.append((time.perf_counter() - before - 0.01) * 1000)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def report(stats: Stats, elapsed: float) -> bool:
    """Print the table; True when every target is met."""
    kinds = sorted(set(stats.latencies) | set(stats.errors))
    print(
        f"\n{'kind of request':<26}{'count':>7}{'req/s':>8}{'median':>9}{'p95':>9}"
        f"{'p99':>9}{'max':>9}{'errors':>8}"
    )
    total = 0
    for kind in kinds:
        values = stats.latencies.get(kind, [])
        total += len(values)
        if values:
            print(
                f"{kind:<26}{len(values):>7}{len(values) / elapsed:>8.1f}"
                f"{statistics.median(values):>7.1f}ms{percentile(values, 0.95):>7.1f}ms"
                f"{percentile(values, 0.99):>7.1f}ms{max(values):>7.1f}ms"
                f"{len(stats.errors.get(kind, [])):>8}"
            )
        else:
            print(
                f"{kind:<26}{0:>7}{'':>8}{'':>9}{'':>9}{'':>9}{'':>9}"
                f"{len(stats.errors.get(kind, [])):>8}"
            )
    pages = [v for kind, values in stats.latencies.items() if kind != LIVE_CHECK for v in values]
    checks = stats.latencies.get(LIVE_CHECK, [])
    errors = sum(len(e) for e in stats.errors.values())
    print(
        f"\nall requests: {total} in {elapsed:.1f} s = {total / elapsed:.1f} req/s; "
        f"errors: {errors}"
    )
    for reason, count in sorted(stats.refusals.items()):
        print(f"refused on purpose (not errors): {reason}: {count}")
    if stats.lag:
        print(
            f"load generator's own event-loop lag: median {statistics.median(stats.lag):.1f} ms, "
            f"p95 {percentile(stats.lag, 0.95):.1f} ms, p99 {percentile(stats.lag, 0.99):.1f} ms"
        )
    ok = errors == 0
    if pages:
        p95 = percentile(pages, 0.95)
        met = p95 < PAGE_P95_MS
        ok &= met
        print(
            f"pages and form posts: p95 {p95:.1f} ms (target < {PAGE_P95_MS:.0f} ms): "
            f"{'met' if met else 'MISSED'}"
        )
    if checks:
        p95 = percentile(checks, 0.95)
        met = p95 < LIVE_CHECK_P95_MS
        ok &= met
        print(
            f"live checks: p95 {p95:.1f} ms (target < {LIVE_CHECK_P95_MS:.0f} ms): "
            f"{'met' if met else 'MISSED'}"
        )
    for kind, messages in stats.errors.items():
        for message in messages[:5]:
            print(f"  error [{kind}] {message}")
        if len(messages) > 5:
            print(f"  ... and {len(messages) - 5} more [{kind}]")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=None, help="default: WEB_CONCURRENCY")
    parser.add_argument(
        "--think", type=float, default=1.0, help="scale of the learners' pauses (1 = as listed)"
    )
    parser.add_argument(
        "--access-log",
        action="store_true",
        help="also print the server's own time per kind of request (gunicorn's access log)",
    )
    args = parser.parse_args()
    with running_stack(workers=args.workers, access_log=args.access_log) as stack:
        print(f"{args.learners} learners for {args.seconds:.0f} s against 127.0.0.1:{stack.port}")
        stats, crowd, elapsed = asyncio.run(
            simulate(stack.port, learners=args.learners, seconds=args.seconds, think=args.think)
        )
        saved = sum(len(learner.saved) for learner in crowd)
        print(f"exam answers the server said it saved: {saved}")
        ok = report(stats, elapsed)
        if args.access_log:
            server_times(stack.workdir / "access.log")
    return 0 if ok else 1


def server_times(access_log: Path) -> None:
    """Time spent inside gunicorn per method and route, without the wait in the queue."""
    times: dict[str, list[float]] = defaultdict(list)
    for line in access_log.read_text().splitlines():
        parts = line.split()
        if len(parts) != 4 or not parts[3].isdigit():
            continue
        method, path = parts[0], re.sub(r"[0-9a-f-]{36}|/\d+$|/lessons/[\w-]+/", "/*", parts[1])
        times[f"{method} {path}"].append(int(parts[3]) / 1000)
    print(f"\n{'server time (no queueing)':<40}{'count':>7}{'median':>9}{'p95':>9}{'p99':>9}")
    for kind, values in sorted(times.items(), key=lambda item: -len(item[1]))[:14]:
        print(
            f"{kind[:40]:<40}{len(values):>7}{statistics.median(values):>7.1f}ms"
            f"{percentile(values, 0.95):>7.1f}ms{percentile(values, 0.99):>7.1f}ms"
        )


if __name__ == "__main__":
    raise SystemExit(main())

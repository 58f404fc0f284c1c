"""`make bench`: a class taking a quiz, behind gunicorn, on SQLite and PostgreSQL.

For each database a fresh database is migrated and built from the course pack; N students get
an open attempt at the unit review (24 questions, timed, one per page) and a signed-in session,
B more students a session only; gunicorn serves the app on loopback with
config/gunicorn.conf.py (DEBUG off, CONN_MAX_AGE=60). Then, with the load generator (aiohttp)
on the same machine:

1. Classroom: every student opens the attempt page at a random moment of the first OPEN_WINDOW
   seconds, then saves an answer (as the page's autosave posts it: its opaque field ids, CSRF
   and session) every 20–40 s until DURATION seconds have passed. At KILL_AT seconds one
   gunicorn worker is killed with SIGKILL (the master starts another). A save whose
   connection is cut, or that gets a 5xx, is sent again as the page's script would (after
   1, 2, 4 s). Afterwards every acknowledged save is checked against the database: its
   sequence number (or a later one) is stored, and where it is the latest, its answer.
2. Burst: B students start the quiz within BURST_WINDOW seconds (one in ten double-clicks:
   two starts at once), then all submit within BURST_WINDOW seconds (one in ten twice). The
   database must then hold exactly one attempt per student, each submitted and graded.
3. Saturation: 16 connections back to back for SATURATION seconds, first on a trivial Django
   view (/healthz/), then as answer saves. The ratio of the two rates is the figure to compare
   across runs (the machines this runs on are noisy; the load generator shares the cores).

Each scenario prints the load average when it starts. Targets (issue 16): no errors but the
connections the killed worker cut, no acknowledged save lost, save p95 < 100 ms, attempt page
p95 < 500 ms, burst start and submit p95 < 1 s with exactly one graded attempt each, saves
≥ 0.4 × the trivial view's rate.

Usage: .venv/bin/python bench/run.py [--students 5000] [--burst 1000] [--databases sqlite,postgres]
A quick run: --students 600 --burst 200 --open-window 15 --duration 50 --kill-at 25
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
SEQ = re.compile(r'name="seq" value="(\d+)"')
RETRIES = (1, 2, 4)  # seconds, as the page's script backs off
QUIET = ["--log-level", "warning"]


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    started: float = 0.0
    ended: float = 0.0

    def add_error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1

    @property
    def rate(self) -> float:
        return len(self.latencies) / max(self.ended - self.started, 1e-9)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


@dataclass
class Kill:
    at: float = 0.0  # perf_counter when the worker was killed; 0 before
    pid: int = 0
    cut: int = 0  # requests whose connection the kill cut (retried)


class Student:
    def __init__(self, info: dict[str, Any], csrf: str, base: str) -> None:
        self.info, self.csrf, self.base = info, csrf, base
        # Headers made once (a Cookie header, no cookie jar): the load generator shares the
        # server's two cores, so what it spends per request is taken from the app.
        self.headers = {"Cookie": cookie_header(info["session"], csrf)}
        self.post_headers = {
            **self.headers,
            "X-CSRFToken": csrf,
            "Referer": base + "/",
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        # (attempt, position) → (sequence, answer) of the last acknowledged save
        self.acked: dict[int, tuple[int, Any]] = {}

    async def open_page(
        self, http: aiohttp.ClientSession, stats: Stats, kill: Kill | None = None
    ) -> None:
        """Open the attempt page; one whose connection the killed worker cut is opened again
        (the student reloads)."""
        url = f"{self.base}/attempts/{self.info['attempt']}/"
        for attempt in range(2):
            begun = time.perf_counter()
            try:
                async with http.get(url, headers=self.headers, allow_redirects=False) as response:
                    body = await response.read()
                    if response.status == 200 and b"attempt-form" in body:
                        stats.latencies.append(time.perf_counter() - begun)
                    else:
                        stats.add_error(f"page HTTP {response.status}")
                    return
            except (TimeoutError, aiohttp.ClientError) as error:
                if kill is not None and kill.at and begun <= kill.at + 1 and not attempt:
                    kill.cut += 1
                    await asyncio.sleep(1)
                    continue
                stats.add_error(f"page {type(error).__name__}")
                return

    async def save(
        self, http: aiohttp.ClientSession, stats: Stats, kill: Kill | None = None
    ) -> None:
        """One autosave of a random question, retried as the page's script retries."""
        question = random.choice(self.info["questions"])
        form, expected = random.choice(question["answers"])
        fields = urlencode([(name, value) for name, values in form.items() for value in values])
        url = f"{self.base}/attempts/{self.info['attempt']}/q/{question['position']}/save/"
        for attempt, wait in enumerate((0, *RETRIES)):
            if wait:
                await asyncio.sleep(wait)
            begun = time.perf_counter()
            try:
                body = f"{fields}&seq={question['seq']}".encode()
                async with http.post(url, data=body, headers=self.post_headers) as r:
                    text = await r.text()
                    if r.status == 200 and (found := SEQ.search(text)):
                        stats.latencies.append(time.perf_counter() - begun)
                        question["seq"] = int(found[1])
                        self.acked[question["position"]] = (question["seq"], expected)
                        return
                    if r.status < 500:
                        stats.add_error(f"save HTTP {r.status}")
                        return
                    reason = f"save HTTP {r.status}"
            except (TimeoutError, aiohttp.ClientError) as error:
                reason = f"save {type(error).__name__}"
            # Cut by the killed worker: in flight when it died (or sent on its dead socket).
            if kill is not None and kill.at and begun <= kill.at + 1 and not attempt:
                kill.cut += 1
            else:
                stats.add_error(reason)
            if attempt == len(RETRIES):
                return


def cookie_header(session: str, csrf: str) -> str:
    return f"sessionid={session}; csrftoken={csrf}"


def client(timeout: float) -> aiohttp.ClientSession:
    """No connection limit, no cookie jar (each request sends its student's Cookie header)."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0),
        cookie_jar=aiohttp.DummyCookieJar(),
        timeout=aiohttp.ClientTimeout(total=timeout),
    )


async def classroom(
    students: list[Student], args: argparse.Namespace, kill_worker: Any
) -> tuple[Stats, Stats, Kill]:
    pages, saves, kill = Stats(), Stats(), Kill()
    async with client(30) as http:
        begun = time.monotonic()
        stop = begun + args.duration

        async def work(student: Student) -> None:
            await asyncio.sleep(random.uniform(0, args.open_window))
            await student.open_page(http, pages, kill)
            while True:
                await asyncio.sleep(random.uniform(20, 40))
                if time.monotonic() >= stop:
                    return
                await student.save(http, saves, kill)

        async def killer() -> None:
            if args.kill_at <= 0:
                return
            await asyncio.sleep(args.kill_at)
            kill.pid = kill_worker()
            kill.at = time.perf_counter()

        pages.started = saves.started = time.perf_counter()
        await asyncio.gather(killer(), *(work(s) for s in students))
        pages.ended = saves.ended = time.perf_counter()
    return pages, saves, kill


async def burst(
    people: list[dict[str, Any]], csrf: str, base: str, start_url: str, window: float, master: int
) -> tuple[Stats, Stats, list[str], list[dict[str, float]]]:
    """Everyone starts within `window` seconds, then everyone submits within `window`; with
    the CPU each party had used at the beginning, between the two and at the end."""
    starts, submits, problems = Stats(), Stats(), []
    attempts: dict[int, set[str]] = {}
    async with client(60) as http:

        async def post(n: int, url: str, stats: Stats) -> str | None:
            headers = {
                "Cookie": cookie_header(people[n]["session"], csrf),
                "X-CSRFToken": csrf,
                "Referer": base + "/",
            }
            begun = time.perf_counter()
            try:
                async with http.post(
                    base + url, headers=headers, allow_redirects=False
                ) as response:
                    await response.read()
                    if response.status == 302:
                        stats.latencies.append(time.perf_counter() - begun)
                        return response.headers["Location"]
                    stats.add_error(f"HTTP {response.status}")
            except (TimeoutError, aiohttp.ClientError) as error:
                stats.add_error(type(error).__name__)
            return None

        async def start(n: int) -> None:
            await asyncio.sleep(random.uniform(0, window))
            clicks = 2 if n % 10 == 0 else 1
            places = await asyncio.gather(*(post(n, start_url, starts) for _ in range(clicks)))
            attempts[n] = {p for p in places if p}
            if len(attempts[n]) != 1:
                problems.append(f"student {n} was sent to {sorted(attempts[n])}")

        async def submit(n: int) -> None:
            await asyncio.sleep(random.uniform(0, window))
            if not attempts.get(n):
                return
            url = next(iter(attempts[n])).rstrip("/") + "/submit/"
            clicks = 2 if n % 10 == 0 else 1
            await asyncio.gather(*(post(n, url, submits) for _ in range(clicks)))

        cpu = [cpu_by_party(master)]
        starts.started = time.perf_counter()
        await asyncio.gather(*(start(n) for n in range(len(people))))
        starts.ended = submits.started = time.perf_counter()
        cpu.append(cpu_by_party(master))
        await asyncio.gather(*(submit(n) for n in range(len(people))))
        submits.ended = time.perf_counter()
        cpu.append(cpu_by_party(master))
    return starts, submits, problems, cpu


async def saturate(
    base: str, students: list[Student] | None, concurrency: int, seconds: float
) -> Stats:
    stats = Stats()
    async with client(30) as http:
        stop = time.monotonic() + seconds

        async def trivial() -> None:
            while time.monotonic() < stop:
                begun = time.perf_counter()
                try:
                    async with http.get(f"{base}/healthz/") as response:
                        await response.read()
                        if response.status == 200:
                            stats.latencies.append(time.perf_counter() - begun)
                        else:
                            stats.add_error(f"HTTP {response.status}")
                except (TimeoutError, aiohttp.ClientError) as error:
                    stats.add_error(type(error).__name__)

        async def saves(worker: int) -> None:
            assert students is not None
            mine = students[worker::concurrency]
            while time.monotonic() < stop:
                await random.choice(mine).save(http, stats)

        stats.started = time.perf_counter()
        await asyncio.gather(*((saves(i) if students else trivial()) for i in range(concurrency)))
        stats.ended = time.perf_counter()
    return stats


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def run(cmd: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(cmd[:3])} … failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    return done.stdout


def shell(script: str, env: dict[str, str], out: Path) -> Any:
    """Run one of bench/'s scripts inside Django (manage.py shell); it writes JSON to `out`."""
    code = (ROOT / "bench" / script).read_text()
    run([PYTHON, "manage.py", "shell", "-c", code], {**env, "BENCH_OUT": str(out)})
    return json.loads(out.read_text())


def prepare(database: str, args: argparse.Namespace, workdir: Path) -> tuple[dict[str, str], Any]:
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "BENCH_STUDENTS": str(args.students),
        "BENCH_BURST": str(args.burst),
        "CONN_MAX_AGE": "60",
        # With Redis, sessions are read from it (config/settings.py: cached_db), not the database.
        "REDIS_URL": args.redis_url,
    }
    if database == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        name = "fuente_bench"
        for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
            subprocess.run(["psql", f"{PG}/postgres", "-q", "-c", sql], check=True)
        env["DATABASE_URL"] = f"{PG}/{name}"
    run([PYTHON, "manage.py", "migrate", "-v0"], env)
    run([PYTHON, "manage.py", "createcachetable"], env)
    run([PYTHON, "manage.py", "build_course"], env)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)  # whitenoise's manifest
    return env, shell("prepare.py", env, workdir / "prepared.json")


def report(label: str, stats: Stats) -> dict[str, Any]:
    errors = sum(stats.errors.values())
    row = {
        "label": label,
        "requests": len(stats.latencies),
        "errors": errors,
        "error_kinds": stats.errors,
        "rps": round(stats.rate, 1),
        "p50_ms": round(stats.percentile(50), 1),
        "p95_ms": round(stats.percentile(95), 1),
        "p99_ms": round(stats.percentile(99), 1),
        "mean_ms": round(statistics.fmean(stats.latencies) * 1000, 1) if stats.latencies else None,
    }
    print(
        f"  {label:<34} {row['requests']:>7} ok  {errors:>4} errors  {row['rps']:>7} req/s  "
        f"p50 {row['p50_ms']:>7} ms  p95 {row['p95_ms']:>7} ms  p99 {row['p99_ms']:>7} ms"
        + (f"  {stats.errors}" if errors else ""),
        flush=True,
    )
    return row


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def _stats() -> dict[int, tuple[str, list[str]]]:
    """Every process: its name and the fields of /proc/<pid>/stat after the name."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            name, _, rest = stat.partition(" (")[2].rpartition(")")
            found[int(entry.name)] = (name, rest.split())
    return found


def workers_of(master: int) -> list[int]:
    """The gunicorn master's worker processes."""
    return [pid for pid, (_name, fields) in _stats().items() if int(fields[1]) == master]


def cpu_by_party(master: int) -> dict[str, float]:
    """CPU seconds used so far (user and system) by the app's workers, this load generator,
    the database server's processes and Redis's (other people's use of the same servers is
    counted too: compare runs, not single figures)."""
    tick = os.sysconf("SC_CLK_TCK")
    parties = {"app workers": 0.0, "load generator": 0.0, "PostgreSQL": 0.0, "Redis": 0.0}
    for pid, (name, fields) in _stats().items():
        seconds = (int(fields[11]) + int(fields[12])) / tick
        if int(fields[1]) == master:
            parties["app workers"] += seconds
        elif pid == os.getpid():
            parties["load generator"] += seconds
        elif name == "postgres":
            parties["PostgreSQL"] += seconds
        elif name == "redis-server":
            parties["Redis"] += seconds
    return parties


def with_cpu(row: dict[str, Any], before: dict[str, float], after: dict[str, float]) -> None:
    """Add (and print) the CPU each party used per request of `row` between the two readings."""
    row["cpu_ms_per_request"] = {
        party: round(1000 * (after[party] - before[party]) / max(row["requests"], 1), 2)
        for party in before
    }
    print(
        "     CPU per request: "
        + ", ".join(f"{party} {ms} ms" for party, ms in row["cpu_ms_per_request"].items()),
        flush=True,
    )


def saturated(label: str, run: Any, master: int) -> dict[str, Any]:
    """`run()` (a saturation), reported with the CPU each party used per request."""
    before = cpu_by_party(master)
    row = report(label, run())
    with_cpu(row, before, cpu_by_party(master))
    return row


def lost_saves(students: list[Student], stored: dict[str, Any]) -> tuple[int, int, int]:
    """(acknowledged saves checked, lost: the stored sequence is older, wrong: same sequence,
    another answer)."""
    checked = lost = wrong = 0
    for student in students:
        rows = stored[str(student.info["attempt"])]
        for position, (sequence, answer) in student.acked.items():
            checked += 1
            stored_sequence, stored_answer = rows[str(position)]
            if stored_sequence < sequence:
                lost += 1
            elif stored_sequence == sequence and stored_answer != answer:
                wrong += 1
    return checked, lost, wrong


def bench(database: str, args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="fuente-bench-"))
    try:
        print(
            f"\n== {database}: preparing {args.students} students and {args.burst} more"
            f" (load {load()}) …",
            flush=True,
        )
        begun = time.monotonic()
        env, prepared = prepare(database, args, workdir)
        print(f"   prepared in {time.monotonic() - begun:.0f} s", flush=True)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi", *QUIET],
            cwd=ROOT,
            env={
                **env,
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "GUNICORN_WORKERS": str(args.workers),
                "GUNICORN_THREADS": str(args.threads),
            },
        )
        rows: dict[str, Any] = {"loads": {}}
        try:
            for _ in range(100):
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                        break
                except OSError:
                    time.sleep(0.1)
            time.sleep(2)  # the workers import the app
            students = [Student(info, prepared["csrf"], base) for info in prepared["students"]]
            print(f"   gunicorn: {args.workers} workers × {args.threads} threads on {base}")

            def kill_worker() -> int:
                victims = workers_of(server.pid)
                if not victims:
                    return 0
                victim = random.choice(victims)
                os.kill(victim, signal.SIGKILL)
                return victim

            rows["loads"]["classroom"] = load()
            print(
                f"   classroom: {args.students} students open within {args.open_window:.0f} s, "
                f"save every 20–40 s for {args.duration:.0f} s, a worker killed at "
                f"{args.kill_at:.0f} s (load {load()})",
                flush=True,
            )
            pages, saves, kill = asyncio.run(classroom(students, args, kill_worker))
            rows["page"] = report("attempt page", pages)
            rows["save"] = report("answer saves", saves)
            rows["cut_by_kill"] = kill.cut
            stored = shell("check.py", env, workdir / "check.json")
            checked, lost, wrong = lost_saves(students, stored["responses"])
            rows["acked"], rows["lost"], rows["wrong"] = checked, lost, wrong
            print(
                f"   worker {kill.pid or 'none'} killed: {kill.cut} requests cut and sent again; "
                f"{checked} acknowledged answers checked in the database: {lost} lost, "
                f"{wrong} with another answer",
                flush=True,
            )

            if args.burst:
                rows["loads"]["burst"] = load()
                print(
                    f"   burst: {args.burst} students start within {args.burst_window:.0f} s, "
                    f"then submit within {args.burst_window:.0f} s (load {load()})",
                    flush=True,
                )
                starts, submits, problems, cpu = asyncio.run(
                    burst(
                        prepared["burst"],
                        prepared["csrf"],
                        base,
                        prepared["start_url"],
                        args.burst_window,
                        server.pid,
                    )
                )
                rows["start"] = report("start", starts)
                with_cpu(rows["start"], cpu[0], cpu[1])
                rows["submit"] = report("submit", submits)
                with_cpu(rows["submit"], cpu[1], cpu[2])
                attempts = shell("check.py", env, workdir / "check.json")["burst"]
                per_student: dict[str, int] = {}
                for attempt in attempts:
                    name = attempt["student__username"]
                    per_student[name] = per_student.get(name, 0) + 1
                ungraded = [
                    a
                    for a in attempts
                    if a["state"] != "submitted"
                    or a["points"] is None
                    or a["graded"] != a["questions"]
                ]
                rows["burst_attempts"] = len(attempts)
                rows["burst_students_with_one"] = sum(1 for n in per_student.values() if n == 1)
                rows["burst_ungraded"] = len(ungraded)
                rows["burst_problems"] = problems[:10]
                print(
                    f"   {len(attempts)} attempts for {args.burst} students "
                    f"({rows['burst_students_with_one']} with exactly one), "
                    f"{len(ungraded)} not submitted and graded"
                    + (f"; {problems[:3]}" if problems else ""),
                    flush=True,
                )

            rows["loads"]["saturation"] = load()
            print(f"   saturation ×{args.concurrency} (load {load()})", flush=True)
            rows["trivial"] = saturated(
                f"/healthz/ ×{args.concurrency}",
                lambda: asyncio.run(saturate(base, None, args.concurrency, args.saturation)),
                server.pid,
            )
            spies = []
            if args.py_spy:  # sample the workers while they are saturated with saves
                args.py_spy.mkdir(parents=True, exist_ok=True)
                spies = [
                    subprocess.Popen(
                        [
                            str(Path(PYTHON).parent / "py-spy"),
                            *("record", "-p", str(pid), "-f", "raw", "-r", "200"),
                            *("-d", str(int(args.saturation))),
                            *("-o", str(args.py_spy / f"saves-{database}-{pid}.txt")),
                        ],
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                    for pid in workers_of(server.pid)
                ]
            rows["saves"] = saturated(
                f"answer saves ×{args.concurrency}",
                lambda: asyncio.run(saturate(base, students, args.concurrency, args.saturation)),
                server.pid,
            )
            for spy in spies:
                spy.wait()
            ratio = rows["saves"]["rps"] / rows["trivial"]["rps"] if rows["trivial"]["rps"] else 0
            rows["ratio"] = round(ratio, 2)
            print(f"   answer-save throughput / trivial view: {ratio:.2f}", flush=True)
            return rows
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def missed(rows: dict[str, Any], args: argparse.Namespace) -> list[str]:
    """The targets this database's run missed."""
    out = []
    if rows["page"]["errors"] or rows["save"]["errors"] or rows["saves"]["errors"]:
        out.append("errors")
    if rows["lost"] or rows["wrong"]:
        out.append("acknowledged saves lost")
    if not rows["save"]["p95_ms"] < 100:
        out.append("save p95")
    if not rows["page"]["p95_ms"] < 500:
        out.append("attempt page p95")
    if args.burst:
        if rows["start"]["errors"] or rows["submit"]["errors"]:
            out.append("burst errors")
        if rows["burst_attempts"] != args.burst or rows["burst_students_with_one"] != args.burst:
            out.append("burst attempts")
        if rows["burst_ungraded"]:
            out.append("burst grading")
        if not (rows["start"]["p95_ms"] < 1000 and rows["submit"]["p95_ms"] < 1000):
            out.append("burst p95")
    if rows["ratio"] < 0.4:
        out.append("throughput ratio")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=5000)
    parser.add_argument("--open-window", type=float, default=60, help="seconds")
    parser.add_argument("--duration", type=float, default=150, help="seconds of classroom load")
    parser.add_argument("--kill-at", type=float, default=75, help="seconds; 0: no kill")
    parser.add_argument("--burst", type=int, default=1000, help="students; 0: no burst")
    parser.add_argument("--burst-window", type=float, default=5, help="seconds")
    parser.add_argument("--saturation", type=float, default=10, help="seconds of each run")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument(
        "--redis-url", default="", help="e.g. redis://127.0.0.1:6379/7: sessions in Redis"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--py-spy", type=Path, help="record the workers during the saturated saves, to this folder"
    )
    args = parser.parse_args()
    print(
        f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load {load()}, sessions in {'Redis' if args.redis_url else 'the database'}"
    )
    results = {db: bench(db, args) for db in args.databases.split(",")}
    if args.json:
        args.json.write_text(json.dumps({"args": vars(args), "results": results}, default=str))
    print(
        "\nTargets: no errors but cut connections, no acknowledged save lost, save p95 < 100 ms,"
        " page p95 < 500 ms, burst: one graded attempt each and p95 < 1 s, saves ≥ 0.4 × trivial."
    )
    failed = {db: missed(rows, args) for db, rows in results.items()}
    for db, what in failed.items():
        print(f"  {db}: " + ("all met" if not what else "missed " + ", ".join(what)))
    if any(failed.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()

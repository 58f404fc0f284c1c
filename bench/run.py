"""`make bench`: answer saves under classroom load, on SQLite and PostgreSQL, behind gunicorn.

For each database: a fresh database is migrated and built, N students get an open attempt and a
session, and gunicorn serves the app on loopback. Then:

1. Classroom load: every student saves an answer every 2–4 seconds (like a class working through
   a quiz) for DURATION seconds; we report p50/p95/p99 latency, requests/s and errors.
2. Saturation: CONCURRENCY connections send requests back to back for SATURATION seconds, first
   to a trivial Django view (/healthz/), then as answer saves; the ratio of the two rates is the
   figure that counts, since the machines this runs on are noisy.

Usage: .venv/bin/python bench/run.py [--students 300] [--duration 30] [--databases sqlite,postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
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

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


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


def answer_for(question: dict) -> dict[str, str]:
    """A plausible (not necessarily right) answer in the form the page would post."""
    data, kind = question["data"], question["kind"]
    if kind in ("single", "multiple"):
        return {"answer": random.choice(data["choices"])["id"]}
    if kind == "true_false":
        return {"answer": random.choice(["true", "false"])}
    if kind == "numeric":
        return {"answer": str(random.randint(1, 500_000))}
    if kind == "short":
        return {"answer": random.choice(data["accepted"] + ["no idea"])}
    if kind == "ordering":
        n = len(data["items"])
        return {f"position-{item['id']}": str(random.randint(1, n)) for item in data["items"]}
    options = [p["id"] for p in data["pairs"]] + [d["id"] for d in data.get("distractors", [])]
    return {f"match-{pair['id']}": random.choice(options) for pair in data["pairs"]}


class Student:
    def __init__(self, info: dict, csrf: str, base: str) -> None:
        self.info, self.csrf, self.base = info, csrf, base
        self.cookies = {"sessionid": info["session"], "csrftoken": csrf}

    async def save(self, http: aiohttp.ClientSession, stats: Stats) -> None:
        question = random.choice(self.info["questions"])
        form = {"seq": str(question["seq"]), **answer_for(question)}
        url = f"{self.base}/attempts/{self.info['attempt']}/q/{question['position']}/save/"
        headers = {"HX-Request": "true", "X-CSRFToken": self.csrf, "Referer": self.base + "/"}
        begun = time.perf_counter()
        try:
            async with http.post(url, data=form, headers=headers, cookies=self.cookies) as response:
                await response.read()
                if response.status == 200:
                    question["seq"] += 1
                    stats.latencies.append(time.perf_counter() - begun)
                else:
                    stats.add_error(f"HTTP {response.status}")
        except (TimeoutError, aiohttp.ClientError) as error:
            stats.add_error(type(error).__name__)


async def classroom(students: list[Student], seconds: float) -> Stats:
    stats = Stats()
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=30)
    ) as http:
        stop = time.monotonic() + seconds

        async def work(student: Student) -> None:
            await asyncio.sleep(random.uniform(0, 3))  # students do not all start at once
            while time.monotonic() < stop:
                await student.save(http, stats)
                await asyncio.sleep(random.uniform(2, 4))

        stats.started = time.perf_counter()
        await asyncio.gather(*(work(s) for s in students))
        stats.ended = time.perf_counter()
    return stats


async def saturate(
    base: str, students: list[Student] | None, concurrency: int, seconds: float
) -> Stats:
    stats = Stats()
    async with aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0), timeout=aiohttp.ClientTimeout(total=30)
    ) as http:
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
        return sock.getsockname()[1]


def run(cmd: list[str], env: dict[str, str]) -> str:
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout


def prepare(database: str, students: int, workdir: Path) -> tuple[dict[str, str], dict]:
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "BENCH_STUDENTS": str(students),
        "CONN_MAX_AGE": "60",
    }
    if database == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        name = "fuente_bench"
        subprocess.run(
            ["psql", f"{PG}/postgres", "-q", "-c", f"DROP DATABASE IF EXISTS {name}"], check=True
        )
        subprocess.run(
            ["psql", f"{PG}/postgres", "-q", "-c", f"CREATE DATABASE {name}"], check=True
        )
        env["DATABASE_URL"] = f"{PG}/{name}"
    run([PYTHON, "manage.py", "migrate", "-v0"], env)
    run([PYTHON, "manage.py", "build_course"], env)
    out = run(
        [PYTHON, "manage.py", "shell", "-c", (ROOT / "bench" / "prepare.py").read_text()], env
    )
    return env, json.loads(out.strip().splitlines()[-1])


def report(label: str, stats: Stats) -> dict:
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
        f"p50 {row['p50_ms']:>6} ms  p95 {row['p95_ms']:>6} ms  p99 {row['p99_ms']:>6} ms"
        + (f"  {stats.errors}" if errors else "")
    )
    return row


def bench(database: str, args: argparse.Namespace) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="fuente-bench-"))
    try:
        print(f"\n== {database}: preparing {args.students} students …", flush=True)
        env, prepared = prepare(database, args.students, workdir)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "-c",
                "config/gunicorn.conf.py",
                "config.wsgi",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env={
                **env,
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "GUNICORN_WORKERS": str(args.workers),
                "GUNICORN_THREADS": str(args.threads),
            },
        )
        try:
            for _ in range(100):
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                        break
                except OSError:
                    time.sleep(0.1)
            students = [Student(info, prepared["csrf"], base) for info in prepared["students"]]
            print(f"   gunicorn: {args.workers} workers × {args.threads} threads on {base}")
            rows = {
                "classroom": report(
                    f"classroom: {args.students} students",
                    asyncio.run(classroom(students, args.duration)),
                ),
                "trivial": report(
                    f"saturation: /healthz/ ×{args.concurrency}",
                    asyncio.run(saturate(base, None, args.concurrency, args.saturation)),
                ),
                "saves": report(
                    f"saturation: answer saves ×{args.concurrency}",
                    asyncio.run(saturate(base, students, args.concurrency, args.saturation)),
                ),
            }
            ratio = rows["saves"]["rps"] / rows["trivial"]["rps"] if rows["trivial"]["rps"] else 0
            rows["ratio"] = round(ratio, 2)
            print(f"   answer-save throughput / trivial view: {ratio:.2f}")
            return rows
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--duration", type=float, default=30, help="seconds of classroom load")
    parser.add_argument(
        "--saturation", type=float, default=10, help="seconds of each saturation run"
    )
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    results = {db: bench(db, args) for db in args.databases.split(",")}
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    failed = [
        db
        for db, rows in results.items()
        if rows["classroom"]["errors"]
        or rows["saves"]["errors"]
        or rows["classroom"]["p95_ms"] > 150
        or rows["ratio"] < 0.3
    ]
    print("\nTargets: zero errors, classroom p95 < 150 ms, saves ≥ 0.3 × trivial view.")
    print("All met." if not failed else f"Missed on: {', '.join(failed)}")


if __name__ == "__main__":
    main()

"""`make bench`, part two: grade exports of a large class — queries, peak memory, time, size.

For each database (a throwaway SQLite file, then a throwaway PostgreSQL database) and each class
size (2,000 then 200 students by default), a fresh worker process migrates an empty database and
fills it with bulk_create: one course, 20 quizzes (a 10-point question each) and 2 discussion
prompts; every student with a submitted attempt at every quiz (one in ten with a second attempt)
and a scored response to every prompt. It then writes the grades to a file on disk through
`quizzes.gradebook.export_grades` in each format and measures:

- queries: statements sent to the database (counted with `connection.execute_wrapper`);
- peak memory: the peak of Python allocations during the export (`tracemalloc`), in a run of its
  own, since tracing slows Python down several times;
- wall time: of an untraced run, after one warm-up run;
- output size: the bytes written.

What counts is the comparison between class sizes: the same number of queries, and a peak that
does not grow with the students (it may grow with the columns). The output goes to a file, not
to memory, so that the figure is the exporter's own.

Usage: .venv/bin/python bench/export.py [--students 2000,200] [--quizzes 20] [--prompts 2]
                                        [--databases sqlite,postgres] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = "fuente_bench_export"
FORMATS = ("canvas", "moodle", "oneroster", "csv")
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)  # a fixed export date: same bytes every run
BATCH = 5_000
# Peak memory at the large size may be at most this many times that at the small one.
FLAT_RATIO = 1.5


# --- The worker: runs inside Django, against the database in DATABASE_URL ---------------------


def populate(students: int, quizzes: int, prompts: int) -> Any:
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from courseware.models import Course, Enrollment, Post, Prompt
    from quizzes.models import Attempt, Question, Quiz, QuizQuestion

    call_command("migrate", verbosity=0)
    course = Course.objects.create(slug="bench-export", title="Export benchmark")
    question = Question.objects.create(
        key="bench-export-q", kind=Question.Kind.SINGLE, status=Question.Status.PUBLISHED
    )
    quiz_rows = Quiz.objects.bulk_create(
        Quiz(course=course, slug=f"quiz-{i:02d}", title=f"Quiz {i + 1}", position=i)
        for i in range(quizzes)
    )
    QuizQuestion.objects.bulk_create(
        QuizQuestion(quiz=q, question=question, position=0, points=Decimal(10)) for q in quiz_rows
    )
    prompt_rows = Prompt.objects.bulk_create(
        Prompt(slug=f"bench-prompt-{i}", title=f"Prompt {i + 1}", question="Why?", position=i)
        for i in range(prompts)
    )
    course.prompts.set(prompt_rows)
    User.objects.bulk_create(
        (
            User(
                username=f"student{n:05d}",
                first_name=f"First{n}",
                last_name=f"Last{n}",
                email=f"student{n:05d}@example.edu",
                password="!",  # unusable: nobody logs in
            )
            for n in range(students)
        ),
        batch_size=BATCH,
    )
    user_ids = list(
        User.objects.filter(username__startswith="student")
        .order_by("username")
        .values_list("pk", flat=True)
    )
    Enrollment.objects.bulk_create(
        (
            Enrollment(
                course=course,
                user_id=user_id,
                section="AB"[n % 2],
                sis_user_id=f"SIS{n:05d}",
                canvas_user_id=str(100_000 + n),
            )
            for n, user_id in enumerate(user_ids)
        ),
        batch_size=BATCH,
    )

    def attempts() -> Any:
        for n, user_id in enumerate(user_ids):
            for q, quiz in enumerate(quiz_rows):
                for number in (1, 2) if n % 10 == 0 else (1,):
                    yield Attempt(
                        quiz=quiz,
                        student_id=user_id,
                        number=number,
                        state=Attempt.State.SUBMITTED,
                        started_at=NOW,
                        submitted_at=NOW,
                        points=Decimal((n * 7 + q * 3 + number) % 11),
                        max_points=Decimal(10),
                    )

    Attempt.objects.bulk_create(attempts(), batch_size=BATCH)
    Post.objects.bulk_create(
        (
            Post(
                prompt=prompt,
                course=course,
                author_id=user_id,
                body="My view, with evidence.",
                score=Decimal(n % 11),
                teacher_comment="Good use of the sources." if n % 3 == 0 else "",
            )
            for n, user_id in enumerate(user_ids)
            for prompt in prompt_rows
        ),
        batch_size=BATCH,
    )
    return course


def export_once(course: Any, fmt: str, path: Path, *, trace: bool) -> dict[str, Any]:
    from django.db import connection

    from quizzes.gradebook import FORMATS as KINDS
    from quizzes.gradebook import export_grades

    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    binary = KINDS[fmt][1] == "zip"
    with (
        path.open("wb") if binary else path.open("w", encoding="utf-8", newline="") as out,
        connection.execute_wrapper(count),
    ):
        if trace:
            tracemalloc.start()
        began = time.perf_counter()
        export_grades(course=course, fmt=fmt, out=out, now=NOW)
        seconds = time.perf_counter() - began
        peak = 0
        if trace:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    return {"queries": queries, "seconds": seconds, "peak": peak, "bytes": path.stat().st_size}


def worker(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    began = time.perf_counter()
    course = populate(args.students, args.quizzes, args.prompts)
    prepared = time.perf_counter() - began
    results = {}
    with tempfile.TemporaryDirectory(prefix="fuente-export-") as folder:
        for fmt in FORMATS:
            path = Path(folder) / f"grades-{fmt}"
            export_once(course, fmt, path, trace=False)  # warm-up
            timed = export_once(course, fmt, path, trace=False)
            traced = export_once(course, fmt, path, trace=True)
            results[fmt] = {**timed, "peak": traced["peak"], "traced_queries": traced["queries"]}
    print(json.dumps({"prepared_seconds": prepared, "formats": results}))


# --- The driver: a fresh database and a worker process per database and class size -----------


def fresh_database(database: str, folder: Path) -> str:
    if database == "sqlite":
        path = folder / "export.sqlite3"
        for leftover in folder.glob("export.sqlite3*"):
            leftover.unlink()
        return f"sqlite:///{path}"
    for sql in (f"DROP DATABASE IF EXISTS {PG_DATABASE}", f"CREATE DATABASE {PG_DATABASE}"):
        subprocess.run(
            ["psql", f"{PG}/postgres", "-q", "-c", sql],
            check=True,
            env={**os.environ, "PGOPTIONS": "--client-min-messages=warning"},
        )
    return f"{PG}/{PG_DATABASE}"


def run_worker(
    database: str, students: int, args: argparse.Namespace, folder: Path
) -> dict[str, Any]:
    env = {
        **os.environ,
        "DEBUG": "false",  # with DEBUG on, Django keeps every query's SQL in memory
        "SECRET_KEY": secrets.token_urlsafe(40),
        "DATABASE_URL": fresh_database(database, folder),
    }
    done = subprocess.run(
        [
            PYTHON,
            __file__,
            "--worker",
            "--students",
            str(students),
            "--quizzes",
            str(args.quizzes),
            "--prompts",
            str(args.prompts),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"The {database} worker failed:\n{done.stderr}")
    row: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return row


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", default="2000,200", help="class sizes, comma-separated")
    parser.add_argument("--quizzes", type=int, default=20)
    parser.add_argument("--prompts", type=int, default=2)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        args.students = int(args.students)
        worker(args)
        return

    sizes = [int(n) for n in args.students.split(",")]
    results: dict[str, dict[int, dict[str, Any]]] = {}
    problems = []
    for database in args.databases.split(","):
        results[database] = {}
        folder = Path(tempfile.mkdtemp(prefix="fuente-bench-export-"))
        try:
            for students in sizes:
                print(
                    f"\n== {database}: {students} students × {args.quizzes} quizzes "
                    f"+ {args.prompts} discussions",
                    flush=True,
                )
                row = run_worker(database, students, args, folder)
                results[database][students] = row
                print(f"   prepared in {row['prepared_seconds']:.1f} s")
                for fmt, m in row["formats"].items():
                    print(
                        f"   {fmt:<10} {m['queries']:>3} queries  {m['seconds'] * 1000:>8.1f} ms  "
                        f"peak {m['peak'] / 1024:>8.1f} KiB  {m['bytes'] / 1024:>9.1f} KiB out"
                    )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        if len(sizes) > 1:
            large, small = max(sizes), min(sizes)
            for fmt in FORMATS:
                big, little = (results[database][n]["formats"][fmt] for n in (large, small))
                ratio = big["peak"] / max(little["peak"], 1)
                print(
                    f"   {fmt:<10} {large} vs {small} students: queries {big['queries']} vs "
                    f"{little['queries']}, peak memory × {ratio:.2f}"
                )
                if big["queries"] != little["queries"]:
                    problems.append(f"{database} {fmt}: queries grow with the class")
                if ratio > FLAT_RATIO:
                    problems.append(f"{database} {fmt}: peak memory × {ratio:.2f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print(
        f"\nTargets: the same queries at every class size, peak memory at most × {FLAT_RATIO} "
        "from the smallest class to the largest."
    )
    print("All met." if not problems else "Missed: " + "; ".join(problems))


if __name__ == "__main__":
    main()

"""Server time of the student pages: each page requested many times through Django's test
client, in-process (no network, no browser), on a fresh SQLite database built from the course
pack, with `DEBUG=false`. Reports the median and the 95th percentile of wall time per page, the
median CPU time of the process (less moved by other work on the machine), and its queries.

The time is the whole request inside Django: middleware, session and user, the view, its
queries and the template. It is the figure the course-home target ("under 30 ms of server time")
refers to; the answer-save benchmark under load is `bench/run.py`.

Usage: DEBUG=false .venv/bin/python bench/pages.py [--requests 50] [--seeds DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _count(queries: list[str], execute: Any, sql: str, *rest: Any) -> Any:
    """A database execute wrapper that notes each statement."""
    queries.append(sql)
    return execute(sql, *rest)


def measure(requests: int, seeds: Path) -> list[dict[str, Any]]:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from courseware.models import Course
    from courseware.services import setup_demo
    from quizzes.services import build_pack

    call_command("migrate", verbosity=0)
    build_pack(seeds_dir=seeds)
    course, users = setup_demo(seeds_dir=seeds)
    student = next(user for user, role in users if role == "student")
    client = Client()
    client.force_login(student)
    reading = course.readings.order_by("position").first()
    assert isinstance(course, Course) and reading is not None
    pages = {
        "course home": reverse("course_detail", args=[course.slug]),
        "reading": reverse("reading_detail", args=[course.slug, reading.slug]),
        "quiz list": reverse("quiz_list", args=[course.slug]),
        "progress": reverse("progress", args=[course.slug]),
    }
    rows = []
    for name, url in pages.items():
        for _ in range(3):  # warm-up: templates compiled, caches filled
            assert client.get(url).status_code == 200
        queries: list[str] = []
        with connection.execute_wrapper(partial(_count, queries)):
            client.get(url)
        times, cpu = [], []
        for _ in range(requests):
            start, start_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        times.sort()
        rows.append(
            {
                "page": name,
                "median_ms": round(statistics.median(times), 1),
                "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
                # CPU time of this process: what a busy machine (other work) inflates least.
                "cpu_median_ms": round(statistics.median(cpu), 1),
                "queries": len(queries),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench-pages.sqlite3"
        os.environ.setdefault("DEBUG", "false")
        os.environ.setdefault("SECRET_KEY", "bench-pages-not-secret-" + "x" * 40)
        os.environ.setdefault("ALLOWED_HOSTS", "testserver")
        os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.conf import settings
        from django.test.utils import override_settings

        # No collectstatic here: plain static file URLs instead of the hashed manifest's.
        plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}):
            rows = measure(args.requests, args.seeds.resolve())
    print(f"{'page':<12} {'median':>9} {'p95':>9} {'cpu median':>11} {'queries':>8}")
    for row in rows:
        print(
            f"{row['page']:<12} {row['median_ms']:>7.1f}ms {row['p95_ms']:>7.1f}ms "
            f"{row['cpu_median_ms']:>9.1f}ms {row['queries']:>8}"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()

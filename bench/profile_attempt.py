"""Where the attempt page's and the answer save's time goes: each request made many times
through Django's test client, in-process, on a fresh database built from the course pack
(SQLite by default; DATABASE_URL for another, which is emptied first), with `DEBUG=false`.

For each of the two requests it prints the queries (SQL), median wall and CPU time, and a
cProfile breakdown by where the time is spent: session and user, the attempt's reads (and the
save's locking read and write), the ORM building rows, templates, the middleware and the rest.

Usage: DEBUG=false .venv/bin/python bench/profile_attempt.py [--requests 300] [--layout all_on_one]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# Where the time goes: cProfile's cumulative time of these functions (file, function), per
# request. Nested ones are inside the ones above them (the view is inside the whole request).
POINTS = [
    ("whole request (test client's handler)", "django/core/handlers/base.py", "get_response"),
    ("  session read", "contrib/sessions/backends/", "load"),
    ("  user read (and its session hash check)", "django/contrib/auth/__init__.py", "get_user"),
    ("  the view", "quizzes/views/attempts.py", "attempt_detail"),
    ("  the view", "quizzes/views/attempts.py", "attempt_save"),
    ("    attempt read (ownership)", "quizzes/selectors.py", "attempt_for"),
    ("    overdue check", "quizzes/services/attempts.py", "submit_if_overdue"),
    ("    responses read", "quizzes/selectors.py", "responses_of"),
    ("    question views (opaque ids, order)", "quizzes/display.py", "question_view"),
    ("    the save (record_answer)", "quizzes/services/attempts.py", "record_answer"),
    ("      locking read of the attempt", "quizzes/services/attempts.py", "_locked"),
    ("      answer parsed (ids revealed)", "quizzes/services/attempts.py", "_apply"),
    ("      update", "django/db/models/base.py", "save"),
    ("      commit", "django/db/transaction.py", "__exit__"),
    ("    template rendering", "django/shortcuts.py", "render"),
    ("    start_attempt", "quizzes/services/attempts.py", "start_attempt"),
    ("      the questions drawn (attempt_slots)", "quizzes/services/pools.py", "attempt_slots"),
    ("      the student's terms", "quizzes/selectors.py", "terms_of"),
    ("      responses created (bulk_create)", "django/db/models/query.py", "bulk_create"),
    ("    submit_attempt", "quizzes/services/attempts.py", "submit_attempt"),
    ("      grading", "quizzes/services/attempts.py", "_grade"),
    ("      responses updated (bulk_update)", "django/db/models/query.py", "bulk_update"),
    ("      grades_changed (LMS passback)", "quizzes/grade_events.py", "grades_changed"),
    ("  all SQL statements (driver)", "django/db/backends/utils.py", "_execute"),
]


def _count(queries: list[str], execute: Any, sql: str, *rest: Any) -> Any:
    queries.append(sql)
    return execute(sql, *rest)


def breakdown(profile: cProfile.Profile, requests: int) -> list[tuple[str, float]]:
    """Milliseconds per request under cProfile for each of POINTS found."""
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    rows = []
    for label, where, function in POINTS:
        total = sum(
            cumtime
            for (filename, _line, name), (_cc, _nc, _tt, cumtime, _callers) in stats.items()
            if name == function and where in filename
        )
        if total:
            rows.append((label, 1000 * total / requests))
    return rows


def make_students(course: Any, n: int) -> list[Any]:
    from django.contrib.auth.models import User

    from courseware.models import Enrollment

    User.objects.bulk_create(User(username=f"new{i:05d}", password="!") for i in range(n))
    users = list(User.objects.filter(username__startswith="new").order_by("username"))
    Enrollment.objects.bulk_create(Enrollment(course=course, user=user) for user in users)
    return users


def measure(args: argparse.Namespace) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from courseware.models import Enrollment
    from courseware.services import setup_demo
    from quizzes.display import answer_fields
    from quizzes.models import Quiz, Response
    from quizzes.services import build_pack, start_attempt

    call_command("migrate", verbosity=0)
    build_pack(seeds_dir=ROOT / "seeds")
    course, users = setup_demo(seeds_dir=ROOT / "seeds")
    student = next(user for user, role in users if role == "student")
    Enrollment.objects.get_or_create(course=course, user=student)
    quiz = Quiz.objects.get(course=course, slug="unit-review")
    if args.layout:
        Quiz.objects.filter(pk=quiz.pk).update(layout=args.layout)
        quiz.refresh_from_db()
    attempt = start_attempt(quiz=quiz, student=student)
    client = Client(enforce_csrf_checks=False)
    client.force_login(student)
    page_url = reverse("attempt_detail", args=[attempt.pk])
    response = (
        Response.objects.select_related("version__question")
        .filter(attempt=attempt, version__question__kind="single")
        .order_by("position")
        .first()
    )
    assert response is not None
    kind, data = response.version.question.kind, response.version.data
    fields = answer_fields(response)
    forms = [fields.conceal(kind, data, {"answer": [c["id"]]}) for c in data["choices"][:2]]
    save_url = reverse("attempt_save", args=[attempt.pk, response.position])
    state = {"n": 0}

    def page() -> None:
        assert client.get(page_url).status_code == 200

    def save() -> None:
        current = Response.objects.get(pk=response.pk).sequence if state["n"] == 0 else state["seq"]
        form = {**forms[state["n"] % 2], "seq": [str(current)]}
        reply = client.post(save_url, form, HTTP_HX_REQUEST="true")
        assert reply.status_code == 200, reply.content
        state["n"] += 1
        state["seq"] = current + 1

    start_url = reverse("attempt_start", args=[course.slug, quiz.slug])
    # Each start is a new student's first, as in the benchmark's burst (one student's hundredth
    # attempt would read the ninety-nine before it); each submit is one of those attempts.
    # One client (one handler: a new one would load the middleware again), each newcomer's
    # session cookie set in turn.
    newcomers, cookie = [], settings.SESSION_COOKIE_NAME
    own = client.cookies[cookie].value
    for user in make_students(course, 2 * args.requests + 10 if args.lifecycle else 0):
        client.cookies.pop(cookie, None)  # else force_login flushes the previous one's session
        client.force_login(user)
        newcomers.append(client.cookies[cookie].value)
    client.cookies[cookie] = own
    opened: list[tuple[str, str]] = []

    def start() -> None:
        session = newcomers.pop()
        client.cookies[cookie] = session
        reply = client.post(start_url)
        assert reply.status_code == 302
        opened.append((session, reply["Location"]))

    def submit() -> None:
        if not opened:
            start()
        session, url = opened.pop()
        client.cookies[cookie] = session
        assert client.post(url.rstrip("/") + "/submit/").status_code == 302

    calls = [("attempt page", page), ("answer save", save)]
    if args.lifecycle:
        calls += [
            ("start (a new student's first attempt)", start),
            ("submit (one of those attempts)", submit),
        ]
    for name, call in calls:
        for _ in range(5):
            call()
        queries: list[str] = []
        with connection.execute_wrapper(partial(_count, queries)):
            call()
        times, cpu = [], []
        for _ in range(args.requests):
            start, start_cpu = time.perf_counter(), time.process_time()
            call()
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.requests):
            call()
        profile.disable()
        print(
            f"\n== {name} ({connection.vendor}, layout {quiz.layout}): {len(queries)} queries, "
            f"median {statistics.median(times):.2f} ms, CPU median {statistics.median(cpu):.2f} ms"
        )
        for sql in queries:
            print(f"   SQL {sql[:110]}")
        print("   ms per request under cProfile (which slows Python down; compare the parts):")
        for label, ms in breakdown(profile, args.requests):
            print(f"   {ms:7.2f}  {label}")
        if args.top:
            pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--layout", choices=["one_per_page", "all_on_one"])
    parser.add_argument("--top", type=int, default=0, help="also print the top N functions")
    parser.add_argument(
        "--sort", default="cumulative", choices=["cumulative", "tottime"], help="of the top N"
    )
    parser.add_argument(
        "--lifecycle", action="store_true", help="also starting and submitting attempts"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench-profile.sqlite3")
        os.environ.setdefault("DEBUG", "false")
        os.environ.setdefault("SECRET_KEY", "bench-profile-not-secret-" + "x" * 40)
        os.environ.setdefault("ALLOWED_HOSTS", "testserver")
        os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.conf import settings
        from django.test.utils import override_settings

        plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}):
            measure(args)


if __name__ == "__main__":
    main()

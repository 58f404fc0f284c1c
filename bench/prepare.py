"""Prepare a benchmark database for bench/run.py; run through `manage.py shell` with
DATABASE_URL pointing at the database to prepare.

- BENCH_STUDENTS students, each with an open attempt at the unit review (the course pack's
  24-question quiz, as the pack sets it: timed, one question per page) and a signed-in session;
  for each question a few answers as the attempt's page would post them (its opaque field
  ids), each with the answer the server should store for it, so that the benchmark can check
  every acknowledged save against the database.
- BENCH_BURST more students, enrolled and signed in, with no attempt yet (they start theirs
  through the app).

Sessions are made with the configured session engine, so a cache-backed store is filled as the
sign-in page would fill it. Writes one JSON document to BENCH_OUT.
"""

from __future__ import annotations

import json
import os
import random
import secrets
from importlib import import_module
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse

from courseware.models import Course, Enrollment
from quizzes.display import answer_fields
from quizzes.grading import parse_answer
from quizzes.models import Quiz, Response
from quizzes.services import start_attempt

SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
students = int(os.environ.get("BENCH_STUDENTS", "300"))
burst = int(os.environ.get("BENCH_BURST", "0"))
out = Path(os.environ["BENCH_OUT"])
rng = random.Random(16)
course = Course.objects.get(slug="mexico-cartels")
quiz = Quiz.objects.get(course=course, slug="unit-review")
csrf_secret = secrets.token_hex(16)  # 32 characters: Django accepts the bare secret as a token


def raw_answers(kind: str, data: dict[str, Any]) -> list[dict[str, list[str]]]:
    """Three plausible (not necessarily right) answers in the question's own ids."""
    if kind == "single":
        ids = [c["id"] for c in data["choices"]]
        return [{"answer": [rng.choice(ids)]} for _ in range(3)]
    if kind == "multiple":
        ids = [c["id"] for c in data["choices"]]
        return [{"answer": rng.sample(ids, rng.randint(1, len(ids)))} for _ in range(3)]
    if kind == "true_false":
        return [{"answer": ["true"]}, {"answer": ["false"]}, {"answer": ["true"]}]
    if kind == "numeric":
        return [{"answer": [str(rng.randint(1, 500_000))]} for _ in range(3)]
    if kind == "short":
        return [{"answer": [text]} for text in [*data["accepted"][:1], "no idea", "maybe"]]
    if kind == "ordering":
        n = len(data["items"])
        return [
            {f"position-{item['id']}": [str(rng.randint(1, n))] for item in data["items"]}
            for _ in range(3)
        ]
    options = [p["id"] for p in data["pairs"]] + [d["id"] for d in data.get("distractors", [])]
    return [{f"match-{p['id']}": [rng.choice(options)] for p in data["pairs"]} for _ in range(3)]


def signed_in(user: User) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return str(session.session_key)


def make_users(prefix: str, n: int) -> list[User]:
    User.objects.bulk_create(
        User(username=f"{prefix}{i:05d}", password="!unusable") for i in range(n)
    )
    users = list(User.objects.filter(username__startswith=prefix).order_by("username"))
    Enrollment.objects.bulk_create(Enrollment(course=course, user=u) for u in users)
    return users


# Each version's answers, read once: (the raw form, the answer the server should store).
answers_of: dict[int, list[tuple[dict[str, list[str]], Any]]] = {}
people = []
users = make_users("bench", students)
for chunk in range(0, len(users), 250):
    with transaction.atomic():  # one commit per 250 students, not one per attempt
        for user in users[chunk : chunk + 250]:
            attempt = start_attempt(quiz=quiz, student=user)
            questions = []
            for r in Response.objects.filter(attempt=attempt).select_related("version__question"):
                kind, data = r.version.question.kind, r.version.data
                if r.version_id not in answers_of:
                    answers_of[r.version_id] = [
                        (raw, parse_answer(kind, data, raw)) for raw in raw_answers(kind, data)
                    ]
                fields = answer_fields(r)
                given = [
                    [fields.conceal(kind, data, raw), stored]
                    for raw, stored in answers_of[r.version_id]
                ]
                questions.append({"position": r.position, "seq": r.sequence, "answers": given})
            people.append(
                {"session": signed_in(user), "attempt": attempt.pk, "questions": questions}
            )
with transaction.atomic():
    bursting = [{"session": signed_in(user)} for user in make_users("burst", burst)]
out.write_text(
    json.dumps(
        {
            "csrf": csrf_secret,
            "start_url": reverse("attempt_start", args=[course.slug, quiz.slug]),
            "students": people,
            "burst": bursting,
        }
    )
)

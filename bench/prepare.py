"""Prepare a benchmark database: N students, each with an open attempt and a logged-in session.

Run by bench/run.py through `manage.py shell`, with DATABASE_URL pointing at the database to
prepare; prints one JSON document on stdout.
"""

from __future__ import annotations

import json
import os
import secrets

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore

from courseware.models import Course, Enrollment
from quizzes.models import Quiz
from quizzes.services import start_attempt

students = int(os.environ.get("BENCH_STUDENTS", "300"))
course = Course.objects.get(slug="mexico-cartels")
quiz = Quiz.objects.get(course=course, slug="unit-review")
Quiz.objects.filter(pk=quiz.pk).update(time_limit_minutes=None, attempts_allowed=0)
quiz.refresh_from_db()
csrf_secret = secrets.token_hex(16)  # 32 characters: Django accepts the bare secret as a token
people = []
for n in range(students):
    user, _ = User.objects.get_or_create(username=f"bench{n:04d}")
    Enrollment.objects.get_or_create(course=course, user=user)
    attempt = start_attempt(quiz=quiz, student=user)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    questions = [
        {
            "position": r.position,
            "kind": r.version.question.kind,
            "data": r.version.data,
            "seq": r.sequence,
        }
        for r in attempt.responses.select_related("version__question")
    ]
    people.append({"session": session.session_key, "attempt": attempt.pk, "questions": questions})
print(json.dumps({"csrf": csrf_secret, "students": people}))

"""Two teachers regrading the same quiz at once, on PostgreSQL (SQLite has no row locks)."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection, connections

from courseware.models import Enrollment
from quizzes.models import Attempt, Regrade
from quizzes.services import (
    build_pack,
    record_answer,
    regrade_quiz,
    save_question_version,
    start_attempt,
    submit_attempt,
)
from tests.conftest import SEEDS
from tests.factories import CourseFactory, EnrollmentFactory, UserFactory, make_question, make_quiz

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def race(n: int, action: Callable[[int], object]) -> list[object]:
    """Run `action(i)` in n threads released at the same instant; return results or exceptions."""
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = action(i)
        except Exception as error:  # collected for the test to inspect
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_simultaneous_regrades_record_each_change_once(transactional_db):
    build_pack(seeds_dir=SEEDS)
    course = CourseFactory()
    question = make_question("race-regrade")
    quiz = make_quiz(course, [question])
    attempts = []
    for i in range(6):
        student = UserFactory(username=f"rg{i}")
        EnrollmentFactory(course=course, user=student, role=Enrollment.Role.STUDENT)
        attempt = start_attempt(quiz=quiz, student=student)
        record_answer(
            student=student,
            attempt_id=attempt.pk,
            position=0,
            form={"answer": ["a"]},
            sequence=0,
            is_flagged=False,
        )
        attempts.append(submit_attempt(attempt=attempt))
    version = question.current_version()
    data = copy.deepcopy(version.data)
    for choice in data["choices"]:
        choice["correct"] = choice["id"] == "a"  # the fix: "a" was the right answer
    fixed = save_question_version(
        question,
        stem=version.stem,
        data=data,
        explanation=version.explanation,
        citations=[
            {f: getattr(c, f) for f in ("source", "exact", "prefix", "suffix", "start", "end")}
            for c in version.citations.all()
        ],
    )
    assert fixed.number == 2

    results = race(2, lambda i: regrade_quiz(quiz=quiz, reason=f"t{i}", by=None, dry_run=False))
    assert not [r for r in results if isinstance(r, Exception)]
    assert sorted(len(r.changes) for r in results) == [0, 6]  # the second found nothing left
    assert Regrade.objects.count() == 6
    assert set(Attempt.objects.filter(quiz=quiz).values_list("points", flat=True)) == {
        Decimal("1.00")
    }

"""Races between requests, on PostgreSQL (SQLite has no row locks; its writers queue instead)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection, connections

from courseware.models import Enrollment
from quizzes.models import Attempt, Regrade, Response
from quizzes.services import (
    AttemptClosed,
    QuizUnavailable,
    StaleAnswer,
    apply_regrade,
    build_pack,
    start_attempt,
    submit_attempt,
)
from tests.conftest import PACK
from tests.factories import (
    CourseFactory,
    EnrollmentFactory,
    UserFactory,
    answer_question,
    key_is,
    make_question,
    make_quiz,
    publish,
)

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


@pytest.fixture
def setup(course_pg):
    course, student = course_pg
    quiz = make_quiz(
        course, [make_question("race-q1"), make_question("race-q2")], attempts_allowed=2
    )
    return quiz, student


@pytest.fixture
def course_pg(transactional_db):
    # Transactional tests start from an empty database: build the pack the questions cite.
    build_pack(seeds_dir=PACK)
    course = CourseFactory()
    student = UserFactory(username="racer")
    EnrollmentFactory(course=course, user=student, role=Enrollment.Role.STUDENT)
    return course, student


def test_simultaneous_submits_of_one_attempt_produce_one_grade(setup):
    quiz, student = setup
    attempt = start_attempt(quiz=quiz, student=student)
    answer_question(
        student=student,
        attempt_id=attempt.pk,
        position=0,
        form={"answer": ["b"]},
        sequence=0,
        is_flagged=False,
    )
    results = race(6, lambda i: submit_attempt(attempt=attempt))
    assert all(isinstance(r, Attempt) for r in results), results
    assert len({(r.points, r.submitted_at) for r in results}) == 1
    assert Attempt.objects.get(pk=attempt.pk).points == results[0].points


def test_simultaneous_starts_never_exceed_the_attempts_allowed(setup):
    quiz, student = setup
    results = race(6, lambda i: start_attempt(quiz=quiz, student=student))
    assert all(isinstance(r, Attempt) for r in results), results  # no request failed
    started = {r.pk for r in results}
    assert len(started) == 1  # all six got the same open attempt
    submit_attempt(attempt=Attempt.objects.get(pk=started.pop()))
    race(6, lambda i: start_attempt(quiz=quiz, student=student))
    submit_attempt(attempt=Attempt.objects.filter(quiz=quiz, state="in_progress").get())
    results = race(6, lambda i: start_attempt(quiz=quiz, student=student))
    assert all(isinstance(r, QuizUnavailable) for r in results), results
    assert Attempt.objects.filter(quiz=quiz, student=student).count() == 2


def test_an_out_of_date_autosave_never_overwrites_a_newer_answer(setup):
    quiz, student = setup
    attempt = start_attempt(quiz=quiz, student=student)
    answers = ["a", "b", "c", "a", "b", "c"]
    results = race(
        6,
        lambda i: answer_question(
            student=student,
            attempt_id=attempt.pk,
            position=0,
            form={"answer": [answers[i]]},
            sequence=0,
            is_flagged=False,
        ),
    )
    saved = [r for r in results if isinstance(r, Response)]
    stale = [r for r in results if isinstance(r, StaleAnswer)]
    assert len(saved) == 1 and len(stale) == 5
    final = Response.objects.get(attempt=attempt, position=0)
    assert (final.answer, final.sequence) == (saved[0].answer, 1)


def test_a_save_racing_a_submit_is_either_counted_or_refused(setup):
    quiz, student = setup
    attempt = start_attempt(quiz=quiz, student=student)

    def act(i: int) -> object:
        if i == 0:
            return submit_attempt(attempt=attempt)
        return answer_question(
            student=student,
            attempt_id=attempt.pk,
            position=1,
            form={"answer": ["b"]},
            sequence=0,
            is_flagged=False,
        )

    results = race(2, act)
    assert isinstance(results[0], Attempt), results  # no deadlock, no error
    assert isinstance(results[1], Response | AttemptClosed), results
    final = Attempt.objects.get(pk=attempt.pk)
    response = Response.objects.get(attempt=attempt, position=1)
    if isinstance(results[1], AttemptClosed):
        assert response.answer is None and final.points == 0
    else:
        # The save won the lock: it was graded with the submission.
        assert response.answer == "b" and response.points == 1 and final.points == 1


def test_simultaneous_regrades_record_each_change_once(transactional_db):
    """Two teachers regrading the same quiz at once: each change is recorded once."""
    build_pack(seeds_dir=PACK)
    course = CourseFactory()
    question = make_question("race-regrade")
    quiz = make_quiz(course, [question])
    for i in range(6):
        student = UserFactory(username=f"rg{i}")
        EnrollmentFactory(course=course, user=student, role=Enrollment.Role.STUDENT)
        attempt = start_attempt(quiz=quiz, student=student)
        answer_question(
            student=student,
            attempt_id=attempt.pk,
            position=0,
            form={"answer": ["a"]},
            sequence=0,
            is_flagged=False,
        )
        submit_attempt(attempt=attempt)
    assert publish("race-regrade", key_is("a")).number == 2  # the fix: "a" was right

    results = race(2, lambda i: apply_regrade(quiz=quiz, reason=f"t{i}", by=None))
    assert not [r for r in results if isinstance(r, Exception)]
    assert sorted(len(r.changes) for r in results) == [0, 6]  # the second found nothing left
    assert Regrade.objects.count() == 6
    assert set(Attempt.objects.filter(quiz=quiz).values_list("points", flat=True)) == {
        Decimal("1.00")
    }


def test_the_same_post_sent_five_times_at_once_is_posted_once(transactional_db):
    from courseware.models import Course, Post, Prompt
    from courseware.services import Evidence, post_response

    build_pack(seeds_dir=PACK)
    course = Course.objects.get(slug="rivers")
    author = UserFactory(username="double-clicker")
    EnrollmentFactory(course=course, user=author, role=Enrollment.Role.STUDENT)
    prompt = Prompt.objects.get(slug="dams-debate")
    quote = "Supporters say large dams give a country cheap power that burns no fuel"
    results = race(
        5,
        lambda i: post_response(
            prompt=prompt,
            course=course,
            author=author,
            body="Same words, sent five times.",
            evidence=[Evidence("river-survey", quote)],
        ),
    )
    assert all(isinstance(r, Post) for r in results), results
    assert Post.objects.filter(author=author).count() == 1
    assert len({r.pk for r in results}) == 1

"""Students starting a pooled quiz at the same instant, on PostgreSQL (SQLite has no row
locks; its writers queue instead)."""

from __future__ import annotations

import pytest
from django.db import connection

from courseware.models import Enrollment
from quizzes.models import Attempt, QuizPool, QuizQuestion, Response
from quizzes.services import build_pack, start_attempt
from tests.conftest import PACK
from tests.factories import CourseFactory, EnrollmentFactory, UserFactory, make_question, make_quiz
from tests.quizzes.test_concurrency import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


@pytest.mark.parametrize(("size", "count"), [(3, 3), (6, 3)])
def test_simultaneous_first_draws_of_a_question_share_one_slot(transactional_db, size, count):
    build_pack(seeds_dir=PACK)
    course = CourseFactory()
    questions = [make_question(f"race-pool-{i}") for i in range(size)]
    quiz = make_quiz(course, [])
    QuizPool.objects.create(quiz=quiz, position=0, count=count)
    for question in questions:
        question.tags = ["race"]
        question.save(update_fields=["tags"])
    QuizPool.objects.filter(quiz=quiz).update(tag="race")
    students = [
        EnrollmentFactory(
            course=course, user=UserFactory(username=f"racer{i}"), role=Enrollment.Role.STUDENT
        ).user
        for i in range(8)
    ]
    results = race(8, lambda i: start_attempt(quiz=quiz, student=students[i]))
    assert all(isinstance(r, Attempt) for r in results), results  # no start failed
    # Every student got their questions, and each question drawn has one slot in the quiz.
    responses = Response.objects.filter(attempt__quiz=quiz)
    assert responses.count() == 8 * count
    drawn = set(responses.values_list("slot__question_id", flat=True))
    assert QuizQuestion.objects.filter(quiz=quiz).count() == len(drawn)

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes.services import start_attempt
from tests.factories import make_question, make_quiz, page_form

pytestmark = pytest.mark.django_db

# Budgets, whatever the number of questions and choices: session and user (2), attempt with quiz
# and course (1), responses with versions and questions (1), and for the save the row locks and
# the update inside a transaction (savepoints count on some backends).
ATTEMPT_PAGE_BUDGET = 6
SAVE_BUDGET = 10


def quiz_with(course, student, n: int, tag: str):
    questions = [make_question(f"budget-{tag}-{i}") for i in range(n)]
    quiz = make_quiz(course, questions, slug=f"budget-{tag}")
    return start_attempt(quiz=quiz, student=student)


def count(client, method: str, url: str, data=None, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        getattr(client, method)(url, data or {}, **headers)
    return len(queries)


def test_the_question_page_costs_the_same_for_3_or_30_questions(
    client, course, student, django_assert_max_num_queries
):
    client.force_login(student)
    small, large = quiz_with(course, student, 3, "s"), quiz_with(course, student, 30, "l")
    with django_assert_max_num_queries(ATTEMPT_PAGE_BUDGET):
        client.get(reverse("attempt_detail", args=[large.pk]))
    assert count(client, "get", reverse("attempt_detail", args=[small.pk])) == count(
        client, "get", reverse("attempt_detail", args=[large.pk])
    )


def test_saving_an_answer_costs_the_same_for_3_or_30_questions(
    client, course, student, django_assert_max_num_queries
):
    client.force_login(student)
    small, large = quiz_with(course, student, 3, "s"), quiz_with(course, student, 30, "l")
    with django_assert_max_num_queries(SAVE_BUDGET):
        client.post(
            reverse("attempt_save", args=[large.pk, 17]),
            page_form(large, 17, {"seq": 0, "answer": "b"}),
            HTTP_HX_REQUEST="true",
        )
    costs = [
        count(
            client,
            "post",
            reverse("attempt_save", args=[a.pk, 1]),
            page_form(a, 1, {"seq": 0, "answer": "a"}),
            HTTP_HX_REQUEST="true",
        )
        for a in (small, large)
    ]
    assert costs[0] == costs[1]


def test_the_summary_and_results_pages_do_not_grow_with_questions(client, course, student):
    client.force_login(student)
    small, large = quiz_with(course, student, 3, "s"), quiz_with(course, student, 30, "l")
    summaries = [
        count(client, "get", reverse("attempt_summary", args=[a.pk])) for a in (small, large)
    ]
    assert summaries[0] == summaries[1]
    for attempt in (small, large):
        client.post(reverse("attempt_submit", args=[attempt.pk]))
    results = [count(client, "get", reverse("attempt_result", args=[a.pk])) for a in (small, large)]
    assert results[0] == results[1]


def test_the_quiz_list_does_not_grow_with_attempts(
    client, course, student, django_assert_max_num_queries
):
    client.force_login(student)
    quiz_with(course, student, 2, "a")
    with django_assert_max_num_queries(8):
        client.get(reverse("quiz_list", args=[course.slug]))

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes.services import start_attempt
from tests.factories import EnrollmentFactory, make_question, make_quiz, page_form

pytestmark = pytest.mark.django_db

# Exact costs, whatever the number of questions and choices. The attempt page: session and
# user (2), the attempt with its quiz and course (1), its responses (1), and the questions'
# versions, only the first time this process shows them (quizzes.selectors.answered_versions).
# The usual answer save: session and user (2), the response through its attempt's student (1),
# and one conditional UPDATE, with no transaction around it (quizzes.services.attempts).
ATTEMPT_PAGE = 4
SAVE = 4
# A submit: session and user (2), the attempt locked through its student (the ownership
# check, 1), its responses (1), every grade in one statement (1), the attempt (1), the quiz's
# LMS links (1, after the commit), and the savepoint pair around it inside a test (2).
SUBMIT = 9


def quiz_with(course, student, n: int, tag: str, **settings):
    questions = [make_question(f"budget-{tag}-{i}") for i in range(n)]
    quiz = make_quiz(course, questions, slug=f"budget-{tag}", **settings)
    return start_attempt(quiz=quiz, student=student)


def count(client, method: str, url: str, data=None, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        reply = getattr(client, method)(url, data or {}, **headers)
    assert reply.status_code in (200, 302)
    return len(queries)


@pytest.mark.parametrize("layout", ["all_on_one", "one_per_page"])
def test_the_attempt_page_costs_the_same_for_3_or_24_questions(
    client, course, student, django_assert_num_queries, layout
):
    client.force_login(student)
    small = quiz_with(course, student, 3, "s", layout=layout)
    large = quiz_with(course, student, 24, "l", layout=layout)
    first = [count(client, "get", reverse("attempt_detail", args=[a.pk])) for a in (small, large)]
    assert first == [ATTEMPT_PAGE + 1, ATTEMPT_PAGE + 1]  # the versions, read once
    for attempt in (small, large):
        with django_assert_num_queries(ATTEMPT_PAGE):
            page = client.get(reverse("attempt_detail", args=[attempt.pk]))
        assert page.status_code == 200


def test_the_attempt_page_reads_the_versions_of_other_students_questions_once(
    client, course, student, other_student, django_assert_num_queries
):
    EnrollmentFactory(course=course, user=other_student)
    client.force_login(student)
    mine = quiz_with(course, student, 24, "m")
    client.get(reverse("attempt_detail", args=[mine.pk]))
    theirs = start_attempt(quiz=mine.quiz, student=other_student)
    client.force_login(other_student)
    with django_assert_num_queries(ATTEMPT_PAGE):
        page = client.get(reverse("attempt_detail", args=[theirs.pk]))
    assert page.status_code == 200


def test_a_start_reads_the_quiz_before_its_write_transaction(client, course, student):
    """On SQLite a write transaction holds the one database lock, so a class starting at once
    queues only for what a start writes: the quiz's questions, versions and accommodations are
    read before it; under it, the student's enrolment (locked) and attempts, then the writes."""
    quiz = make_quiz(course, [make_question(f"lock-{i}") for i in range(3)], slug="lock")
    client.force_login(student)
    statements: list[tuple[str, bool]] = []
    test_depth = len(connection.atomic_blocks)  # the test's own transaction

    def record(execute, sql, params, many, context):
        table = sql.split("FROM", 1)[-1].split()[0]
        statements.append((table, len(connection.atomic_blocks) > test_depth))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        reply = client.post(reverse("attempt_start", args=[course.slug, quiz.slug]))
    assert reply.status_code == 302
    inside = {table.strip('"') for table, atomic in statements if atomic}
    outside = {table.strip('"') for table, atomic in statements if not atomic}
    assert {"quizzes_quizquestion", "quizzes_quizpool", "quizzes_questionversion"} <= outside
    assert "quizzes_accommodation" in outside
    assert {"courseware_enrollment", "quizzes_attempt"} <= inside
    assert not inside & {"quizzes_quizquestion", "quizzes_questionversion", "quizzes_accommodation"}


@pytest.mark.parametrize("questions", [3, 24])
def test_an_answer_save_is_four_queries_for_3_or_24_questions(
    client, course, student, django_assert_num_queries, questions
):
    client.force_login(student)
    attempt = quiz_with(course, student, questions, "q")
    client.get(reverse("attempt_detail", args=[attempt.pk]))
    for seq, answer in enumerate(["a", "b", "c"]):
        form = page_form(attempt, 2, {"seq": seq, "answer": answer})
        with django_assert_num_queries(SAVE):
            reply = client.post(
                reverse("attempt_save", args=[attempt.pk, 2]), form, HTTP_HX_REQUEST="true"
            )
        assert reply.status_code == 200
        assert f'name="seq" value="{seq + 1}"' in reply.content.decode()


def test_an_unusual_save_costs_more_but_does_not_grow_with_questions(client, course, student):
    """A stale save (another tab saved since) goes the locked way; still the same cost for
    any number of questions."""
    client.force_login(student)
    small, large = quiz_with(course, student, 3, "s"), quiz_with(course, student, 24, "l")
    costs = []
    for attempt in (small, large):
        url = reverse("attempt_save", args=[attempt.pk, 1])
        client.post(url, page_form(attempt, 1, {"seq": 0, "answer": "a"}), HTTP_HX_REQUEST="true")
        form = page_form(attempt, 1, {"seq": 0, "answer": "c"})
        with CaptureQueriesContext(connection) as queries:
            stale = client.post(url, form, HTTP_HX_REQUEST="true")
        assert stale.status_code == 409
        costs.append(len(queries))
    assert costs[0] == costs[1] <= 10


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


def test_a_submit_writes_every_grade_in_one_statement_for_3_or_24_questions(
    client, course, student
):
    client.force_login(student)
    attempts = [quiz_with(course, student, n, f"submit-{n}") for n in (3, 24)]
    for attempt in attempts:  # the first question answered right ("b"), the others blank
        form = page_form(attempt, 0, {"seq": 0, "answer": "b"})
        assert client.post(reverse("attempt_save", args=[attempt.pk, 0]), form).status_code == 302
    costs = []
    for attempt in attempts:
        with CaptureQueriesContext(connection) as queries:
            client.post(reverse("attempt_submit", args=[attempt.pk]))
        costs.append(len(queries))
        assert sum(sql["sql"].lstrip().upper().startswith("WITH") for sql in queries) == 1
        attempt.refresh_from_db()
        grades = list(attempt.responses.order_by("position").values_list("outcome", "points"))
        assert grades[0] == ("correct", 1) and attempt.points == 1
        assert all(points == 0 for _outcome, points in grades[1:])
    assert costs == [SUBMIT, SUBMIT]

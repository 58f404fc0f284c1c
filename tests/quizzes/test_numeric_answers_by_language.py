"""A numeric answer is read the way the student's language writes numbers when they save it
("2,5" is two and a half in Spanish, "2,006" two thousand and six in English), the answer keeps
which reading it was, and grading, regrading and the exports all read it that way."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from quizzes.gradebook import gradebook_of
from quizzes.models import Attempt
from quizzes.services import apply_regrade
from tests.factories import make_question, make_quiz, page_form, publish

pytestmark = pytest.mark.django_db

HALF = {"answer": 2.5}
THOUSANDS = {"answer": 2006, "unit": "wells"}


@pytest.fixture
def quiz(course):
    questions = [
        make_question("num-half", kind="numeric", data=HALF),
        make_question("num-thousands", kind="numeric", data=THOUSANDS),
    ]
    return make_quiz(course, questions, slug="numbers", review_answer="after_submit")


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    """A request in Spanish leaves Spanish active in this thread (LocaleMiddleware activates,
    nothing deactivates): later tests expect the default."""
    yield
    translation.deactivate()


def in_language(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


def start(client, quiz) -> Attempt:
    response = client.post(reverse("attempt_start", args=[quiz.course.slug, quiz.slug]))
    assert response.status_code == 302
    return Attempt.objects.filter(quiz=quiz).latest("pk")


def save(client, attempt, position, text, htmx=True):
    response = attempt.responses.get(position=position)
    payload = page_form(attempt, position, {"seq": response.sequence, "answer": text})
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("attempt_save", args=[attempt.pk, position]), payload, **headers)


def stored(attempt):
    return [r.answer for r in attempt.responses.order_by("position")]


def submit(client, attempt) -> Attempt:
    assert client.post(reverse("attempt_submit", args=[attempt.pk])).status_code == 302
    return Attempt.objects.get(pk=attempt.pk)


@pytest.mark.parametrize(
    ("language", "half", "thousands"),
    [("es", "2,5", "2.006"), ("en", "2.5", "2,006"), ("es", "2,5", "2 006")],
)
def test_each_language_writes_the_right_answers_its_own_way(
    client, student, quiz, language, half, thousands
):
    client.force_login(student)
    in_language(client, language)
    attempt = start(client, quiz)
    assert save(client, attempt, 0, half).status_code == 200
    assert save(client, attempt, 1, thousands).status_code == 200
    assert stored(attempt) == [
        {"text": half, "convention": language},
        {"text": thousands, "convention": language},
    ]
    done = submit(client, attempt)
    assert done.points == done.max_points == Decimal(2)


@pytest.mark.parametrize(
    ("language", "half", "thousands"), [("es", "2.5", "2,006"), ("en", "2,5", "2.006")]
)
def test_the_other_languages_way_reads_as_a_different_number_or_not_at_all(
    client, student, quiz, language, half, thousands
):
    client.force_login(student)
    in_language(client, language)
    attempt = start(client, quiz)
    refused = save(client, attempt, 0, half)  # 2.5 in Spanish, 2,5 in English: not a number
    assert refused.status_code == 400
    assert save(client, attempt, 1, thousands).status_code == 200  # 2.006, a number
    assert stored(attempt) == [None, {"text": thousands, "convention": language}]
    done = submit(client, attempt)
    assert done.points == 0


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Write decimals with a point, such as 0.75."),
        ("es", "Escribe los decimales con coma, como 0,75."),
    ],
)
def test_a_number_written_the_other_way_is_refused_in_the_students_language_and_kept(
    client, student, quiz, language, message
):
    typed = "2,5" if language == "en" else "2.5"
    client.force_login(student)
    in_language(client, language)
    attempt = start(client, quiz)
    response = save(client, attempt, 0, typed, htmx=False)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert f'value="{typed}"' in page  # shown back as typed: nothing is lost
    assert stored(attempt) == [None, None]


def test_junk_is_refused_with_an_example_in_spanish(client, student, quiz):
    client.force_login(student)
    in_language(client, "es")
    attempt = start(client, quiz)
    response = save(client, attempt, 1, "unos dos mil")
    assert response.status_code == 400
    assert "Escribe un número, como 1234 o 1.234." in response.content.decode()
    assert stored(attempt) == [None, None]


def test_an_answer_keeps_its_reading_when_the_student_switches_language(client, student, quiz):
    client.force_login(student)
    in_language(client, "es")
    attempt = start(client, quiz)
    save(client, attempt, 0, "2,5")
    save(client, attempt, 1, "2.006")
    in_language(client, "en")
    page = client.get(reverse("attempt_detail", args=[attempt.pk])).content.decode()
    assert 'value="2,5"' in page and 'value="2.006"' in page
    done = submit(client, attempt)
    assert done.points == Decimal(2)


@pytest.mark.parametrize(
    ("language", "hint"),
    [
        ("en", "Write decimals with a point (0.75); thousands may be grouped (1,234)."),
        ("es", "Escribe los decimales con coma (0,75); puedes agrupar los miles (1.234)."),
    ],
)
def test_the_attempt_page_says_how_to_write_a_number_in_the_students_language(
    client, student, quiz, language, hint
):
    client.force_login(student)
    in_language(client, language)
    attempt = start(client, quiz)
    page = client.get(reverse("attempt_detail", args=[attempt.pk])).content.decode()
    assert hint in page
    assert 'aria-describedby="q0-format"' in page


def test_the_result_states_the_right_answer_the_students_way(client, student, quiz):
    client.force_login(student)
    in_language(client, "es")
    attempt = submit(client, start(client, quiz))
    page = client.get(reverse("attempt_result", args=[attempt.pk])).content.decode()
    assert "2,5" in page and "2.006 wells" in page
    assert "2,006 wells" not in page


def test_a_teacher_reading_in_another_language_sees_how_the_answer_was_read(
    client, student, teacher, course, quiz
):
    client.force_login(student)
    in_language(client, "es")
    attempt = start(client, quiz)
    save(client, attempt, 0, "2,5")
    save(client, attempt, 1, "2.006")
    submit(client, attempt)
    client.force_login(teacher)
    in_language(client, "en")
    url = reverse("gradebook_attempt", args=[course.slug, attempt.pk])
    page = client.get(url).content.decode()
    assert "2,5 (read as 2.5)" in page
    assert "2.006 wells (read as 2,006)" in page


def test_a_regrade_and_the_export_give_the_grade_given_at_submit(
    client, student, teacher, course, quiz
):
    client.force_login(student)
    in_language(client, "es")
    attempt = start(client, quiz)
    save(client, attempt, 0, "2,5")
    save(client, attempt, 1, "2.006")
    at_submit = submit(client, attempt)
    assert at_submit.points == Decimal(2)

    # The teacher fixes both questions (a new version each) and regrades in English.
    publish("num-half", lambda data: data.update(tolerance=0.01))
    publish("num-thousands", lambda data: data.update(tolerance=1))
    in_language(client, "en")
    client.force_login(teacher)
    response = client.post(
        reverse("gradebook_regrade", args=[course.slug, quiz.slug]), {"reason": "Tolerances"}
    )
    assert response.status_code == 302
    regraded = Attempt.objects.get(pk=attempt.pk)
    assert regraded.points == at_submit.points
    assert [r.outcome for r in regraded.responses.order_by("position")] == ["correct"] * 2
    assert apply_regrade(quiz=quiz, reason="Again", by=teacher).changes == []

    export = client.get(reverse("gradebook_export", args=[course.slug, "csv"]))
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    row = next(r for r in rows if r["Username"] == student.username)
    column = next(title for title in row if title.startswith("Test quiz"))
    assert Decimal(row[column]) == at_submit.points
    book = gradebook_of(course)
    grades = next(g for s, g in book.rows if s.username == student.username)
    assert grades[f"quiz:{quiz.slug}"].score == at_submit.points


@pytest.mark.parametrize(("language", "typed"), [("es", "1,5"), ("en", "1.5")])
def test_a_teacher_overrides_a_grade_with_points_written_their_languages_way(
    client, student, teacher, course, quiz, language, typed
):
    client.force_login(teacher)
    in_language(client, language)
    url = reverse("gradebook_grade", args=[course.slug, quiz.slug, student.pk])
    response = client.post(url, {"action": "override", "points": typed, "reason": "Oral exam"})
    assert response.status_code == 302
    book = gradebook_of(course)
    grades = next(g for s, g in book.rows if s.username == student.username)
    assert grades[f"quiz:{quiz.slug}"].score == Decimal("1.5")


def test_points_written_the_other_way_are_refused_with_an_example_in_spanish(
    client, student, teacher, course, quiz
):
    client.force_login(teacher)
    in_language(client, "es")
    url = reverse("gradebook_grade", args=[course.slug, quiz.slug, student.pk])
    response = client.post(url, {"action": "override", "points": "1.5", "reason": "Oral"})
    assert response.status_code == 400
    assert "“1.5” no es un número: escribe los puntos, p. ej., 8 u 8,5." in (
        response.content.decode()
    )


def test_an_untouched_answer_posted_again_in_another_language_keeps_its_reading(
    client, student, quiz
):
    client.force_login(student)
    in_language(client, "es")
    attempt = start(client, quiz)
    save(client, attempt, 0, "2,5")
    save(client, attempt, 1, "2.006")
    in_language(client, "en")
    # The whole page is one form: any button posts every answer on it again, unchanged.
    body: dict[str, list[str]] = {"action": ["save"]}
    for response in attempt.responses.order_by("position"):
        text = response.answer["text"]
        form = page_form(attempt, response.position, {"seq": response.sequence, "answer": text})
        body |= {f"q{response.position}-{name}": values for name, values in form.items()}
    assert client.post(reverse("attempt_detail", args=[attempt.pk]), body).status_code == 302
    assert stored(attempt) == [
        {"text": "2,5", "convention": "es"},
        {"text": "2.006", "convention": "es"},
    ]
    assert submit(client, attempt).points == Decimal(2)

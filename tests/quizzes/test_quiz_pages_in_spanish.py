"""The quiz pages in Spanish: students' (quizzes, an attempt, its summary and result, progress)
and teachers' (gradebook, a grade, regrade, item analysis, near misses, accommodations), each
read in Spanish with the English it replaces gone."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import dateformat, timezone, translation

from quizzes.models import Quiz
from tests.factories import take_quiz

pytestmark = pytest.mark.django_db

QUIZ = "river-flow"


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    yield
    translation.deactivate()  # a request in Spanish leaves Spanish active in this thread


@pytest.fixture
def quiz(course):
    return Quiz.objects.get(course=course, slug=QUIZ)


def spanish(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    return client


@pytest.mark.parametrize(
    ("page", "spanish_words", "english_words"),
    [
        ("quiz_list", "Cuestionarios", "No quizzes yet"),
        ("quiz_detail", "Intentos permitidos:", "Grade kept:"),
        ("result", "Tus respuestas", "Your answers"),
        ("summary", "Entregar todo y terminar", "Submit all and finish"),
        ("attempt", "Terminar el intento…", "Finish attempt…"),
        ("progress", "Dominio por objetivo", "Mastery by objective"),
        ("course", "Tu progreso y qué repasar a continuación", "Your progress and what"),
    ],
)
def test_a_students_quiz_pages_read_in_spanish(
    client, student, course, quiz, page, spanish_words, english_words
):
    done = take_quiz(student, quiz, {0: "a"})
    open_attempt = take_quiz(student, quiz, submit=False)
    urls = {
        "quiz_list": reverse("quiz_list", args=[course.slug]),
        "quiz_detail": reverse("quiz_detail", args=[course.slug, quiz.slug]),
        "result": reverse("attempt_result", args=[done.pk]),
        "summary": reverse("attempt_summary", args=[open_attempt.pk]),
        "attempt": reverse("attempt_detail", args=[open_attempt.pk]),
        "progress": reverse("progress", args=[course.slug]),
        "course": reverse("course_detail", args=[course.slug]),
    }
    client.force_login(student)
    response = spanish(client).get(urls[page])
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert spanish_words in html
    assert english_words not in html


@pytest.mark.parametrize(
    ("page", "spanish_words", "english_words"),
    [
        ("gradebook", "Libro de calificaciones", "Find a student"),
        ("grade", "Modificar la calificación", "Override the grade"),
        ("regrade", "Recalificaciones anteriores", "Past regrades"),
        ("analysis", "El cuestionario en conjunto", "The quiz as a whole"),
        ("near_misses", "Casi aciertos", "Near misses"),
        ("accommodation", "Guardar el ajuste", "Save the accommodation"),
        ("attempt", "Las respuestas del estudiante", "The student's answers"),
    ],
)
def test_a_teachers_quiz_pages_read_in_spanish(
    client, student, teacher, course, quiz, page, spanish_words, english_words
):
    done = take_quiz(student, quiz, {0: "a"})
    urls = {
        "gradebook": reverse("gradebook", args=[course.slug]),
        "grade": reverse("gradebook_grade", args=[course.slug, quiz.slug, student.pk]),
        "regrade": reverse("gradebook_regrade", args=[course.slug, quiz.slug]),
        "analysis": reverse("item_analysis", args=[course.slug, quiz.slug]),
        "near_misses": reverse("near_misses", args=[course.slug, quiz.slug]),
        "accommodation": reverse("accommodation_add", args=[course.slug]),
        "attempt": reverse("gradebook_attempt", args=[course.slug, done.pk]),
    }
    client.force_login(teacher)
    response = spanish(client).get(urls[page])
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert spanish_words in html
    assert english_words not in html


def test_dates_on_a_spanish_page_read_the_spanish_way(client, student, course, quiz):
    done = take_quiz(student, quiz, {0: "a"})
    client.force_login(student)
    html = spanish(client).get(reverse("attempt_result", args=[done.pk])).content.decode()
    with translation.override("es"):
        when = dateformat.format(timezone.localtime(done.submitted_at), r"j \d\e F, H:i")
    assert f"entregado el {when}" in html  # "5 de diciembre, 14:30", not "diciembre 5, 14:30"
    assert " de " in when


def test_the_progress_chart_and_points_read_in_spanish(client, student, course, quiz):
    take_quiz(student, quiz, {0: "a"})
    client.force_login(student)
    html = spanish(client).get(reverse("progress", args=[course.slug])).content.decode()
    assert "sin datos" in html or "%" in html
    assert "no data yet" not in html
    assert "perdido" in html  # "… punto(s) perdido(s)" under a passage to review


def test_counts_and_times_read_right_in_spanish_for_any_number(client, student, course, quiz):
    """Spanish wordings that do not depend on the number (no "1 usados", "quedan 1" for one
    attempt) or on the hour ("a las 1:05" is wrong at one o'clock), and a percentage that does
    not break before its sign."""
    Quiz.objects.filter(pk=quiz.pk).update(attempts_allowed=2)
    done = take_quiz(student, quiz, {0: "a"})
    client.force_login(student)
    spanish(client)

    progress = client.get(reverse("progress", args=[course.slug])).content.decode()
    # No-break spaces keep each number with its word on a narrow screen.
    assert "usados:\u00a01\u00a0· quedan:\u00a01" in progress and "1 usados" not in progress
    detail = client.get(reverse("quiz_detail", args=[course.slug, quiz.slug])).content.decode()
    assert "(disponibles:\u00a01)" in detail and "(quedan 1)" not in detail

    open_attempt = take_quiz(student, quiz, {0: "a"}, submit=False)
    attempt = client.get(reverse("attempt_detail", args=[open_attempt.pk])).content.decode()
    assert 'data-msg-saved="Guardado: __TIME__."' in attempt
    assert 'data-msg-all-saved="Todas las respuestas guardadas: __TIME__."' in attempt
    assert "Guardado: <time" in attempt and "Guardado a las" not in attempt

    result = client.get(reverse("attempt_result", args=[done.pk])).content.decode()
    assert "\u00a0%)" in result and " %)" not in result

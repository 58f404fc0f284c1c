"""A numeric answer typed on a Spanish page, saved by the page's script as the student types:
"1,8" is one point eight, "1.8" is refused with a Spanish message, and the answer keeps the
Spanish reading."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect

from courseware.models import Course
from quizzes.models import Attempt, Question
from tests.browser.conftest import log_in
from tests.browser.test_quiz_in_the_browser import axe_violations
from tests.factories import make_quiz

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def quiz(demo_site):
    """The fixture pack's numeric question alone: 2 centimetres a year, give or take 0.5."""
    return make_quiz(
        Course.objects.get(slug="rivers"),
        [Question.objects.get(key="flow-sinking-rate")],
        slug="numbers-in-spanish",
    )


def test_a_student_types_a_decimal_comma_in_spanish_and_it_is_saved_as_such(demo_site, quiz, page):
    log_in(page, demo_site, "student1")
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "es", "url": demo_site}]
    )
    page.goto(f"{demo_site}/courses/rivers/quizzes/{quiz.slug}/")
    page.get_by_role("button", name="Empezar el cuestionario").click()
    field = page.get_by_label("Tu respuesta")
    expect(page.locator("#q0-format")).to_contain_text("Escribe los decimales con coma")
    assert page.locator("html").get_attribute("lang") == "es"
    assert axe_violations(page) == []

    field.fill("1.8")
    field.press("Tab")
    expect(page.locator("#status-0")).to_contain_text("Escribe los decimales con coma, como")
    page.set_viewport_size({"width": 375, "height": 800})
    assert axe_violations(page) == []  # the refused answer and its message, on a phone
    page.set_viewport_size({"width": 1280, "height": 900})
    assert Attempt.objects.get(quiz=quiz).responses.get().answer is None

    field.fill("1,8")
    field.press("Tab")
    expect(page.locator("#status-0")).to_contain_text("Guardado")
    response = Attempt.objects.get(quiz=quiz).responses.get()
    assert response.answer == {"text": "1,8", "convention": "es"}

    page.get_by_role("button", name="Terminar el intento…").first.click()
    page.get_by_role("button", name="Entregar todo y terminar").click()
    expect(page.locator(".score")).to_contain_text("1,00 / 1,00")

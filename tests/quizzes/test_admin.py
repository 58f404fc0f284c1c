from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes.models import Question, Quiz
from quizzes.services import report_problem, start_attempt

pytestmark = pytest.mark.django_db


def test_a_students_report_shows_on_the_question_in_the_admin(admin_client, course, student):
    quiz = Quiz.objects.get(course=course, slug="river-flow")
    attempt = start_attempt(quiz=quiz, student=student)
    response = attempt.responses.select_related("version__question").first()
    report_problem(response=response, student=student, text="Choice two and three look alike.")
    question = response.version.question
    listing = admin_client.get(reverse("admin:quizzes_question_changelist"), {"q": question.key})
    assert question.key in listing.content.decode()
    page = admin_client.get(
        reverse("admin:quizzes_question_change", args=[question.pk])
    ).content.decode()
    assert "Choice two and three look alike." in page


@pytest.mark.parametrize("name", ["question", "quiz", "attempt", "questionreport"])
def test_the_quiz_admin_pages_open(admin_client, name, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        assert admin_client.get(reverse(f"admin:quizzes_{name}_changelist")).status_code == 200


def test_a_quiz_change_page_opens(admin_client):
    quiz = Quiz.objects.first()
    assert admin_client.get(reverse("admin:quizzes_quiz_change", args=[quiz.pk])).status_code == 200
    question = Question.objects.first()
    assert (
        admin_client.get(reverse("admin:quizzes_question_change", args=[question.pk])).status_code
        == 200
    )


def test_students_cannot_reach_the_admin(client, student):
    client.force_login(student)
    response = client.get(reverse("admin:quizzes_question_changelist"))
    assert response.status_code == 302 and "login" in response.url

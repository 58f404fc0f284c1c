from __future__ import annotations

import re

import pytest
from django.urls import reverse

from quizzes.models import Question, Quiz, QuizQuestion
from quizzes.services import report_problem, start_attempt
from tests.factories import CourseFactory, make_question, make_quiz

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


def listed_keys(html: str) -> set[str]:
    return set(re.findall(r'<th class="field-key"><a [^>]*>([^<]+)</a>', html))


def test_the_question_list_filters_by_generator_rule_and_names_the_blank_rule(
    client, course, teacher
):
    client.force_login(teacher)
    quiz = make_quiz(course, [], slug="generated")
    rules = [("gen-a", "choice-source"), ("gen-b", "choice-source"), ("gen-c", "order")]
    for position, (key, rule) in enumerate(rules):
        question = make_question(key)
        Question.objects.filter(pk=question.pk).update(generator_rule=rule)
        QuizQuestion.objects.create(quiz=quiz, question=question, position=position)
    hidden = make_question("gen-elsewhere")  # only in another teacher's course
    Question.objects.filter(pk=hidden.pk).update(generator_rule="elsewhere-rule")
    make_quiz(CourseFactory(), [hidden], slug="elsewhere")
    url = reverse("admin:quizzes_question_changelist")

    html = client.get(url).content.decode()
    everything = listed_keys(html)
    assert {"gen-a", "gen-b", "gen-c"} <= everything and "gen-elsewhere" not in everything
    filter_links = re.findall(r'<a href="\?generator_rule=([^"&]*)"[^>]*>([^<]*)</a>', html)
    assert filter_links == [
        ("-", "No rule (written by hand)"),
        ("choice-source", "choice-source"),
        ("order", "order"),
    ]

    assert listed_keys(client.get(url, {"generator_rule": "choice-source"}).content.decode()) == {
        "gen-a",
        "gen-b",
    }
    assert listed_keys(client.get(url, {"generator_rule": "order"}).content.decode()) == {"gen-c"}
    written = listed_keys(client.get(url, {"generator_rule": "-"}).content.decode())
    assert written == everything - {"gen-a", "gen-b", "gen-c"} and written
    assert not Question.objects.filter(key__in=written).exclude(generator_rule="").exists()

"""Teachers write a short answer's patterns in the admin's short-answer form."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from courseware.models import Objective, Source
from quizzes.grading import grade
from quizzes.models import Question
from tests.admin_forms import change_form_data

pytestmark = pytest.mark.django_db

QUOTE = "Dams upstream trap most of the silt."


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher)
    return client


def short_form(key: str, **answer: str) -> dict[str, object]:
    return {
        "key": key,
        "stem": "According to the news explainer, what do dams upstream trap?",
        "explanation": "The news explainer: most of the silt.",
        "status": "draft",
        "difficulty": "2",
        "tags": "",
        "objectives": [str(Objective.objects.get(code="river-flow").pk)],
        "citation_1_source": str(Source.objects.get(slug="delta-news").pk),
        "citation_1_quote": QUOTE,
        **answer,
    }


ADD = reverse("admin:quizzes_question_add") + "?kind=short"


def test_the_short_answer_form_explains_patterns(teacher_client):
    page = teacher_client.get(ADD).content.decode()
    assert "Patterns (optional)" in page
    assert "lake city *" in page and "fertili*" in page and "(river|lake)" in page


def test_a_teacher_writes_patterns_and_the_question_grades_by_them(teacher_client):
    response = teacher_client.post(
        ADD,
        short_form(
            "silt-with-patterns",
            accepted="silt\nriver silt\n",
            patterns="\n  (river|lake) silt *  \nsilt*\n\n",
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    data = Question.objects.get(key="silt-with-patterns").current_version().data
    assert data == {
        "accepted": ["silt", "river silt"],
        "patterns": ["(river|lake) silt *", "silt*"],
    }
    for typed, points in [
        ("Lake silt, mostly", "1.00"),
        ("siltation", "1.00"),
        ("sea silt", "0.00"),
    ]:
        assert grade("short", data, typed).points == Decimal(points), typed


def test_without_patterns_the_answer_data_has_no_patterns_key(teacher_client):
    response = teacher_client.post(ADD, short_form("silt-plain", accepted="silt", patterns=" \n"))
    assert response.status_code == 302
    assert Question.objects.get(key="silt-plain").current_version().data == {"accepted": ["silt"]}


@pytest.mark.parametrize(
    ("patterns", "message"),
    [
        ("*", "Pattern 1 (&#x27;*&#x27;): it would accept any answer"),
        ("silt\n(river silt", "Pattern 2 (&#x27;(river silt&#x27;): a ( is never closed with )"),
        ("river|lake", "write (river|lake), not river|lake"),
        ("*silt", "it cannot start a word or sit inside one"),
    ],
)
def test_a_pattern_that_cannot_be_read_is_a_form_error_naming_it(teacher_client, patterns, message):
    response = teacher_client.post(
        ADD, short_form("bad-pattern", accepted="silt", patterns=patterns)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Question.objects.filter(key="bad-pattern").exists()


def test_the_change_form_shows_the_patterns_and_saving_unchanged_keeps_the_version(
    teacher_client,
):
    teacher_client.post(
        ADD, short_form("silt-kept", accepted="silt", patterns="lake *\n(a|b) silt")
    )
    question = Question.objects.get(key="silt-kept")
    version = question.current_version()
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    data = change_form_data(teacher_client.get(url))
    assert data["patterns"] == "lake *\n(a|b) silt"
    response = teacher_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert question.current_version() == version


def test_a_pack_question_without_patterns_saves_unchanged(teacher_client):
    question = Question.objects.get(key="flow-silt-trap")
    version = question.current_version()
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    response = teacher_client.post(url, change_form_data(teacher_client.get(url)))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert question.current_version() == version
    assert "patterns" not in question.current_version().data

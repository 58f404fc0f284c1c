"""A cited passage always opens for a student of the course, whether or not one of its readings
uses the source; authors are told when they cite a source their course does not read."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from courseware.models import Source
from courseware.services import import_source, quote_fields
from quizzes.models import Question
from quizzes.services import save_question_version
from tests.factories import SINGLE, make_quiz

pytestmark = pytest.mark.django_db

TEXT = (
    "Floods on the lower river\n\n"
    "The lower river flooded twice in the spring of 2024, after the snow melted early.\n\n"
    "Farmers on the delta lost most of their first harvest to the water."
)
QUOTE = "The lower river flooded twice in the spring of 2024"


@pytest.fixture
def unread() -> Source:
    """A source that no reading of any course uses."""
    return import_source(slug="flood-report", title="Flood report", data=TEXT.encode())


def _question_citing(source: Source, key: str = "flood-question") -> Question:
    question = Question.objects.create(key=key, kind="single", status=Question.Status.PUBLISHED)
    save_question_version(
        question,
        stem="How often did the lower river flood in the spring of 2024?",
        data=SINGLE,
        explanation="The flood report says twice.",
        citations=[quote_fields(source, QUOTE)],
    )
    return question


def _cite_url(course, source: Source) -> str:
    start = source.text.index(QUOTE)
    return reverse("cite", args=[course.slug, source.slug, start, start + len(QUOTE)])


def test_a_student_opens_a_passage_a_quiz_question_cites_though_no_reading_uses_it(
    client, course, student, unread
):
    make_quiz(course, [_question_citing(unread)])
    client.force_login(student)

    response = client.get(_cite_url(course, unread), follow=True)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<mark id="hl" tabindex="-1">{QUOTE}</mark>' in html


def test_a_source_the_course_neither_reads_nor_cites_is_still_a_404(
    client, course, student, unread
):
    client.force_login(student)

    assert client.get(_cite_url(course, unread)).status_code == 404
    detail = reverse("source_detail", args=[course.slug, unread.slug])
    assert client.get(detail).status_code == 404


def test_a_student_of_another_course_cannot_open_it(client, course, other_student, unread):
    make_quiz(course, [_question_citing(unread)])
    client.force_login(other_student)

    assert client.get(_cite_url(course, unread)).status_code == 404


def test_a_question_in_another_courses_quiz_opens_nothing_in_this_one(
    client, course, student, other_student, unread
):
    other_course = other_student.enrollments.get().course
    make_quiz(other_course, [_question_citing(unread)], slug="other-quiz")
    client.force_login(student)

    assert client.get(_cite_url(course, unread)).status_code == 404


# authors are told


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher)
    return client


def test_the_citation_check_warns_that_the_course_reads_no_reading_of_the_source(
    teacher_client, unread
):
    url = reverse("admin:quizzes_question_check")
    html = teacher_client.post(
        url, {"row": "1", "citation_1_source": unread.pk, "citation_1_quote": QUOTE}
    ).content.decode()

    assert "✓ Found" in html
    assert "No reading of the course" in html and "Flood report" in html


def test_the_citation_check_says_nothing_more_for_a_source_the_course_reads(teacher_client):
    source = Source.objects.get(slug="delta-news")
    url = reverse("admin:quizzes_question_check")
    html = teacher_client.post(
        url,
        {"row": "1", "citation_1_source": source.pk, "citation_1_quote": "Dams upstream trap"},
    ).content.decode()

    assert "✓ Found" in html and "No reading of the course" not in html


def test_saving_a_question_that_cites_an_unread_source_warns_its_author(teacher_client, unread):
    data = {
        "key": "flood-new",
        "stem": "How often did the lower river flood?",
        "explanation": "The flood report: twice.",
        "status": "draft",
        "difficulty": "2",
        "tags": "",
        "citation_1_source": str(unread.pk),
        "citation_1_quote": QUOTE,
        "choice_1_text": "Once",
        "choice_2_text": "Twice",
        "choice_2_correct": "on",
        "choice_3_text": "Never",
    }
    response = teacher_client.post(reverse("admin:quizzes_question_add") + "?kind=single", data)

    assert response.status_code == 302
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert len(warnings) == 1 and "Flood report" in warnings[0]

"""The kept score shows where students look (the progress page and the quiz list), for the
student and for a teacher opening the student's progress, once the review policy shows points;
the mastery wording counts its points and questions right."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courseware.models import Objective
from tests.factories import make_question, make_quiz, take_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(course):
    return make_quiz(course, [make_question(f"kept-q{i}") for i in range(3)], slug="kept")


def kept_cell(html: str) -> str:
    row = html[html.index('id="quizzes-heading"') :]
    row = row[row.index("Test quiz") :]
    return row.split("<td>")[1].split("</td>")[0]


def test_the_student_sees_their_kept_score_on_the_progress_page_and_the_quiz_list(
    client, course, student, quiz
):
    take_quiz(student, quiz, {0: "b", 1: "a"})
    client.force_login(student)
    progress = client.get(reverse("progress", args=[course.slug])).content.decode()
    assert kept_cell(progress) == "1.00 / 3.00"
    listing = client.get(reverse("quiz_list", args=[course.slug])).content.decode()
    assert "Kept score: 1.00 / 3.00." in listing


def test_a_teacher_opening_the_students_progress_sees_the_kept_score(
    client, course, student, teacher, quiz
):
    quiz.review_points = "never"
    quiz.save()
    take_quiz(student, quiz, {0: "b"})
    client.force_login(teacher)
    url = reverse("student_progress", args=[course.slug, student.pk])
    assert kept_cell(client.get(url).content.decode()) == "1.00 / 3.00"


@pytest.mark.parametrize("moment", ["never", "after_close"])
def test_a_hidden_score_stays_hidden_from_the_student(client, course, student, quiz, moment):
    quiz.review_points = moment
    quiz.closes_at = timezone.now() + timedelta(days=1)
    quiz.save()
    take_quiz(student, quiz, {0: "b"})
    client.force_login(student)
    progress = client.get(reverse("progress", args=[course.slug])).content.decode()
    assert kept_cell(progress) == "submitted"
    listing = client.get(reverse("quiz_list", args=[course.slug])).content.decode()
    assert "Kept score" not in listing and "1.00 / 3.00" not in listing


def test_a_score_shown_after_closing_appears_once_the_quiz_has_closed(
    client, course, student, quiz
):
    quiz.review_points = "after_close"
    quiz.closes_at = timezone.now() + timedelta(days=1)
    quiz.save()
    take_quiz(student, quiz, {0: "b"})
    type(quiz).objects.filter(pk=quiz.pk).update(
        opens_at=timezone.now() - timedelta(days=2), closes_at=timezone.now() - timedelta(days=1)
    )
    client.force_login(student)
    progress = client.get(reverse("progress", args=[course.slug])).content.decode()
    assert kept_cell(progress) == "1.00 / 3.00"


def test_mastery_counts_one_point_and_one_question_in_the_singular(client, course, student):
    question = make_question("kept-one")
    question.objectives.add(Objective.objects.get(code="judging-sources"))
    quiz = make_quiz(course, [question], slug="kept-one")
    take_quiz(student, quiz, {0: "a"})
    client.force_login(student)
    html = client.get(reverse("progress", args=[course.slug])).content.decode()
    assert "0% of 1 point on 1 question" in html
    assert "of 1 points" not in html and "1 questions" not in html

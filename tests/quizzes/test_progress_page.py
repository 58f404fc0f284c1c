from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courseware.models import Enrollment, Reading
from courseware.services import record_reading
from quizzes.models import Attempt, Quiz
from quizzes.review import ASPECTS
from tests.factories import (
    EnrollmentFactory,
    UserFactory,
    make_question,
    make_quiz,
    take_quiz,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(course):
    return make_quiz(course, [make_question(f"prog-q{i}") for i in range(2)], slug="prog-quiz")


def test_the_progress_page_shows_mastery_review_next_and_the_practice_offer(
    client, course, student, quiz
):
    for question in quiz.questions.all():
        question.objectives.add(course.readings.first().objectives.first())
    take_quiz(student, quiz, {0: "b", 1: "a"})  # one right, one wrong
    client.force_login(student)
    html = client.get(reverse("progress", args=[course.slug])).content.decode()
    assert "50% of 2 points on 2 questions" in html
    assert "<svg" in html and 'role="img"' in html
    assert "Review next" in html and "Dams upstream trap most of the silt" in html
    assert "Practise this question (not graded)" in html


def test_practice_is_ungraded_and_kept_out_of_the_quiz_list(client, course, student, quiz):
    take_quiz(student, quiz, {0: "a", 1: "a"})
    client.force_login(student)
    response = client.post(reverse("practice_start", args=[course.slug]))
    attempt = Attempt.objects.get(pk=response.url.strip("/").split("/")[-1])
    assert attempt.quiz.practice_for == student and attempt.responses.count() == 2
    listing = client.get(reverse("quiz_list", args=[course.slug])).content.decode()
    assert "Practice" not in listing
    client.post(reverse("attempt_submit", args=[attempt.pk]))
    result = client.get(reverse("attempt_result", args=[attempt.pk])).content.decode()
    assert f'href="{reverse("progress", args=[course.slug])}"' in result


def test_with_nothing_missed_there_is_nothing_to_practise(client, course, student):
    client.force_login(student)
    response = client.post(reverse("practice_start", args=[course.slug]), follow=True)
    assert "Nothing to practise" in response.content.decode()
    assert not Quiz.objects.filter(practice_for=student).exists()


def test_students_see_only_their_own_progress_and_teachers_their_students(
    client, course, student, teacher
):
    classmate = EnrollmentFactory(course=course, user=UserFactory(username="mate")).user
    client.force_login(classmate)
    assert (
        client.get(reverse("student_progress", args=[course.slug, student.pk])).status_code == 404
    )
    client.force_login(teacher)
    page = client.get(reverse("student_progress", args=[course.slug, student.pk]))
    assert page.status_code == 200 and "Progress of" in page.content.decode()
    other_teacher = UserFactory(username="elsewhere", is_staff=True)
    EnrollmentFactory(user=other_teacher, role=Enrollment.Role.TEACHER)
    client.force_login(other_teacher)
    assert (
        client.get(reverse("student_progress", args=[course.slug, student.pk])).status_code == 404
    )


def test_visitors_must_log_in(client, course):
    assert client.get(reverse("progress", args=[course.slug])).url.startswith(reverse("login"))


def test_the_progress_page_costs_the_same_however_many_quizzes_and_questions(
    client, course, student
):
    client.force_login(student)
    url = reverse("progress", args=[course.slug])
    take_quiz(student, make_quiz(course, [make_question("few-0")], slug="few"), {0: "b"})
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(4):
        questions = [make_question(f"many-{n}-{i}") for i in range(6)]
        take_quiz(
            student, make_quiz(course, questions, slug=f"many-{n}"), {i: "a" for i in range(6)}
        )
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small), [q["sql"][:80] for q in large.captured_queries]


def test_the_course_home_shows_progress_bars(client, course, student, quiz):
    record_reading(
        course=course,
        reading=Reading.objects.get(slug="river-flow"),
        student=student,
        finished=True,
    )
    take_quiz(student, quiz, {0: "b"})
    client.force_login(student)
    html = client.get(reverse("course_detail", args=[course.slug])).content.decode()
    readings, quizzes = (
        course.readings.count(),
        Quiz.objects.filter(course=course, practice_for__isnull=True).count(),
    )
    assert f"Readings read: 1 of {readings}" in html
    assert f"Quizzes submitted: 1 of {quizzes}" in html
    assert "Discussions joined: 0 of" in html
    assert "<progress" in html


# --- Everything derived from answers obeys the policy of the quiz they came from -------------

NEVER_SHOWN = {f"review_{aspect}": "never" for aspect in ASPECTS}


@pytest.fixture
def secret_quiz(course):
    """A quiz whose review shows nothing, ever: the student missed both its questions."""
    questions = [make_question(f"secret-q{i}") for i in range(2)]
    objective = course.readings.first().objectives.first()
    for question in questions:
        question.objectives.add(objective)
    return make_quiz(course, questions, slug="secret-quiz", **NEVER_SHOWN)


def test_a_never_reviewed_quiz_adds_nothing_to_the_students_progress_page(
    client, course, student, secret_quiz
):
    take_quiz(student, secret_quiz, {0: "a", 1: "a"})  # both wrong
    client.force_login(student)
    html = client.get(reverse("progress", args=[course.slug])).content.decode()
    assert "of 2 points" not in html  # no per-objective points
    assert "Dams upstream trap most of the silt" not in html  # no cited passage of a miss
    assert "Practise th" not in html  # neither "this question" nor "these N questions"
    response = client.post(reverse("practice_start", args=[course.slug]))
    assert response.status_code == 302 and not Quiz.objects.filter(practice_for=student).exists()


def test_the_teacher_still_sees_everything_on_the_students_progress(
    client, course, student, teacher, secret_quiz
):
    take_quiz(student, secret_quiz, {0: "a", 1: "a"})
    client.force_login(teacher)
    html = client.get(reverse("student_progress", args=[course.slug, student.pk])).content.decode()
    assert "0% of 2 points on 2 questions" in html
    assert "Dams upstream trap most of the silt" in html


def test_a_practice_quiz_shows_no_more_than_the_quiz_its_questions_came_from(
    client, course, student
):
    # Correctness is shown after submitting, so the misses are known and may be practised;
    # the right answer, feedback and citations never are, so practice must not show them.
    quiz = make_quiz(
        course,
        [make_question("guarded-q0")],
        slug="guarded",
        review_correctness="after_submit",
        review_points="after_submit",
        review_feedback="never",
        review_answer="never",
        review_citations="never",
    )
    take_quiz(student, quiz, {0: "a"})
    client.force_login(student)
    started = client.post(reverse("practice_start", args=[course.slug]))
    practice = Attempt.objects.get(pk=started.url.strip("/").split("/")[-1])
    assert practice.quiz.review_policy == {
        "correctness": "after_submit",
        "points": "after_submit",
        "feedback": "never",
        "answer": "never",
        "citations": "never",
    }
    take_practice = client.post(reverse("attempt_submit", args=[practice.pk]))
    result = client.get(take_practice.url).content.decode()
    assert "Right answer" not in result
    assert "The news explainer says dams trap the silt." not in result  # the explanation
    assert "Dams upstream trap most of the silt" not in result  # the citation


def test_a_quiz_that_shows_its_answers_after_it_closes_keeps_them_hidden_until_then(
    client, course, student
):
    from datetime import timedelta

    from django.utils import timezone

    quiz = make_quiz(
        course,
        [make_question("closing-q0")],
        slug="closing",
        closes_at=timezone.now() + timedelta(days=1),
        **{f"review_{aspect}": "after_close" for aspect in ASPECTS},
    )
    take_quiz(student, quiz, {0: "a"})
    client.force_login(student)
    html = client.get(reverse("progress", args=[course.slug])).content.decode()
    assert "Practise th" not in html and "Dams upstream trap most of the silt" not in html
    Quiz.objects.filter(pk=quiz.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    html = client.get(reverse("progress", args=[course.slug])).content.decode()
    assert "Practise this question" in html and "Dams upstream trap most of the silt" in html

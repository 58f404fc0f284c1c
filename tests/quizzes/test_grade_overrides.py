from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courseware.models import Enrollment
from quizzes.gradebook import gradebook_of
from quizzes.models import GradeOverride, QuizQuestion
from quizzes.services import override_grade
from tests.factories import (
    EnrollmentFactory,
    UserFactory,
    canvas_row,
    make_question,
    make_quiz,
    take_quiz,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(course, student):
    """A two-question quiz worth 12 points, kept by 'highest': the student scored 0 then 2."""
    quiz = make_quiz(
        course,
        [make_question("ov-q1"), make_question("ov-q2")],
        slug="ov-quiz",
        canvas_assignment_id="777",
    )
    QuizQuestion.objects.filter(quiz=quiz).update(points=Decimal(6))
    Enrollment.objects.filter(user=student, course=course).update(canvas_user_id="5150")
    take_quiz(student, quiz, {0: "a"})
    take_quiz(student, quiz, {0: "b"})
    return quiz


def grade_url(course, quiz, user):
    return reverse("gradebook_grade", args=[course.slug, quiz.slug, user.pk])


def cell(course, quiz, student):
    book = gradebook_of(course)
    return next(g for s, g in book.rows if s.username == student.username).get(f"quiz:{quiz.slug}")


def test_an_override_replaces_the_kept_grade_in_the_gradebook(course, quiz, student, teacher):
    assert cell(course, quiz, student).score == Decimal("6.00")  # highest of 0 and 6
    override_grade(
        quiz=quiz, student=student, points=Decimal("9.5"), reason="Regraded essay", by=teacher
    )
    assert cell(course, quiz, student).score == Decimal("9.5")
    override_grade(quiz=quiz, student=student, points=None, reason="Mistake", by=teacher)
    assert cell(course, quiz, student).score == Decimal("6.00")


def test_the_newest_override_is_the_one_in_force(course, quiz, student, teacher):
    override_grade(quiz=quiz, student=student, points=Decimal(3), reason="First", by=teacher)
    override_grade(quiz=quiz, student=student, points=Decimal(11), reason="Second", by=teacher)
    assert cell(course, quiz, student).score == Decimal(11)


def test_a_student_with_no_attempt_can_be_given_a_grade(course, quiz, teacher):
    late = EnrollmentFactory(course=course, user=UserFactory(username="late")).user
    assert cell(course, quiz, late) is None
    override_grade(quiz=quiz, student=late, points=Decimal(4), reason="Oral exam", by=teacher)
    assert cell(course, quiz, late).score == Decimal(4)


def test_a_teacher_overrides_a_grade_through_the_page(client, course, quiz, student, teacher):
    client.force_login(teacher)
    response = client.post(
        grade_url(course, quiz, student), {"points": "12", "reason": "Medical note"}, follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "grade is overridden" in html
    assert "Medical note" in html and teacher.get_full_name() in html  # history: why, who
    assert "<td>the attempts' grade</td>" in html  # history: from
    row = GradeOverride.objects.get(quiz=quiz, student=student)
    assert (row.points, row.created_by) == (Decimal(12), teacher)

    gradebook = client.get(reverse("gradebook", args=[course.slug])).content.decode()
    assert "overridden" in gradebook
    assert grade_url(course, quiz, student) in gradebook


def test_the_grade_page_shows_attempts_kept_grade_and_history(
    client, course, quiz, student, teacher
):
    override_grade(
        quiz=quiz, student=student, points=Decimal(8), reason="Partial credit", by=teacher
    )
    override_grade(quiz=quiz, student=student, points=Decimal(10), reason="On appeal", by=teacher)
    client.force_login(teacher)
    html = client.get(grade_url(course, quiz, student)).content.decode()
    for attempt in student.attempts.filter(quiz=quiz):
        assert reverse("gradebook_attempt", args=[course.slug, attempt.pk]) in html
    assert "Kept from the attempts (highest attempt)" in html
    assert "<strong>10</strong> / 12" in html
    history = html[html.index("Override history") :]
    assert history.index("On appeal") < history.index("Partial credit")  # newest first
    assert "<td>8</td>\n          <td>10</td>" in history  # from 8 to 10


def test_removing_an_override_needs_a_reason_and_brings_back_the_attempts(
    client, course, quiz, student, teacher
):
    override_grade(quiz=quiz, student=student, points=Decimal(1), reason="Cheating", by=teacher)
    client.force_login(teacher)
    url = grade_url(course, quiz, student)
    refused = client.post(url, {"action": "remove", "reason": " "})
    assert refused.status_code == 400
    assert "Give a reason" in refused.content.decode()
    assert cell(course, quiz, student).score == Decimal(1)
    client.post(url, {"action": "remove", "reason": "Cleared by the board"})
    assert cell(course, quiz, student).score == Decimal(6)
    assert "override removed" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"points": "-1", "reason": "x"}, "Give points from 0 to 12."),
        ({"points": "12.01", "reason": "x"}, "Give points from 0 to 12."),
        ({"points": "NaN", "reason": "x"}, "“NaN” is not a number: give the points"),
        ({"points": "1e400", "reason": "x"}, "“1e400” is not a number: give the points"),
        ({"points": "3.125", "reason": "x"}, "at most two decimal places"),
        ({"points": "ten", "reason": "x"}, "is not a number"),
        ({"points": "", "reason": "x"}, "Give the points"),
        ({"points": "5", "reason": ""}, "Give a reason"),
        ({"points": "5", "reason": "y" * 2001}, "under 2,000 characters"),
        ({"action": "remove", "reason": "x"}, "There is no override to remove."),
    ],
)
def test_bad_overrides_are_refused_with_a_message(
    client, course, quiz, student, teacher, form, message
):
    client.force_login(teacher)
    response = client.post(grade_url(course, quiz, student), form)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not GradeOverride.objects.exists()


def test_the_service_refuses_someone_who_is_not_a_student_of_the_course(
    course, quiz, teacher, other_student
):
    for person in (other_student, teacher):
        with pytest.raises(ValidationError, match="not a student of this course"):
            override_grade(quiz=quiz, student=person, points=Decimal(1), reason="x", by=teacher)


def test_another_courses_student_or_an_unknown_id_has_no_grade_page(
    client, course, quiz, teacher, other_student
):
    client.force_login(teacher)
    assert client.get(grade_url(course, quiz, other_student)).status_code == 404
    assert (
        client.post(
            grade_url(course, quiz, other_student), {"points": "1", "reason": "x"}
        ).status_code
        == 404
    )
    missing = reverse("gradebook_grade", args=[course.slug, quiz.slug, 999_999])
    assert client.get(missing).status_code == 404
    unknown_quiz = reverse("gradebook_grade", args=[course.slug, "no-such-quiz", teacher.pk])
    assert client.get(unknown_quiz).status_code == 404
    assert not GradeOverride.objects.exists()


def export(client, course, fmt):
    response = client.get(reverse("gradebook_export", args=[course.slug, fmt]))
    assert response.status_code == 200
    return response.content


def test_an_override_is_in_every_export_with_the_gradebooks_number(
    client, course, quiz, student, teacher
):
    override_grade(quiz=quiz, student=student, points=Decimal("7.25"), reason="Appeal", by=teacher)
    client.force_login(teacher)
    page = client.get(reverse("gradebook", args=[course.slug])).content.decode()
    assert "7.25" in page
    shown = cell(course, quiz, student).score
    assert shown == Decimal("7.25")

    row = canvas_row(export(client, course, "canvas"), "5150")
    assert Decimal(row["Test quiz (777)"]) == shown

    moodle = list(csv.DictReader(io.StringIO(export(client, course, "moodle").decode())))
    assert Decimal(next(r for r in moodle if r["Username"] == "stu")["Test quiz"]) == shown

    plain = list(csv.DictReader(io.StringIO(export(client, course, "csv").decode())))
    assert Decimal(next(r for r in plain if r["Username"] == "stu")["Test quiz (12 pts)"]) == shown

    with zipfile.ZipFile(io.BytesIO(export(client, course, "oneroster"))) as archive:
        results = list(csv.DictReader(io.StringIO(archive.read("results.csv").decode())))
    learner = Enrollment.objects.get(course=course, user=student).oneroster_sourced_id
    line_item = f"{course.slug}:quiz:{quiz.slug}"
    result = next(
        r
        for r in results
        if (r["lineItemSourcedId"], r["studentSourcedId"]) == (line_item, learner)
    )
    assert Decimal(result["score"]) == shown


def test_the_gradebook_query_count_stays_flat_with_overrides(course, quiz, teacher):
    def enrol(n, tag):
        for i in range(n):
            user = EnrollmentFactory(course=course, user=UserFactory(username=f"{tag}{i}")).user
            take_quiz(user, quiz, {0: "b"})
            override_grade(quiz=quiz, student=user, points=Decimal(5), reason="r", by=teacher)
            override_grade(quiz=quiz, student=user, points=None, reason="undo", by=teacher)
            override_grade(quiz=quiz, student=user, points=Decimal(4), reason="r", by=teacher)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            rows = list(gradebook_of(course).rows)
        return len(captured), rows

    enrol(2, "few")
    small, _ = queries()
    enrol(15, "many")
    large, rows = queries()
    assert large == small
    assert [g[f"quiz:{quiz.slug}"].score for s, g in rows if s.username.startswith("many")] == [
        Decimal(4)
    ] * 15

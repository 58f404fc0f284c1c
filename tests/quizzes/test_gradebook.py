from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courseware.models import Enrollment, Prompt
from courseware.services import Evidence, post_response, review_post
from quizzes.gradebook import gradebook_of
from quizzes.models import Quiz
from tests.factories import (
    EnrollmentFactory,
    UserFactory,
    make_question,
    make_quiz,
    take_quiz,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(course, student, teacher):
    """A quiz kept by 'highest' where the student scored 0 then 1, and a scored discussion post."""
    Enrollment.objects.filter(user=student).update(
        sis_user_id="S-1", canvas_user_id="901", section="A"
    )
    quiz = make_quiz(
        course,
        [make_question("gb-q")],
        slug="gb-quiz",
        grading_method="highest",
        canvas_assignment_id="4455",
    )
    take_quiz(student, quiz, {0: "a"})
    take_quiz(student, quiz, {0: "b"})
    prompt = Prompt.objects.get(slug="dams-debate")
    post = post_response(
        prompt=prompt,
        course=course,
        author=student,
        body="View",
        evidence=[Evidence("delta-news", "Dams upstream trap most of the silt")],
    )
    review_post(
        post=post,
        teacher=teacher,
        is_featured=False,
        is_hidden=False,
        score=Decimal("7.5"),
        comment="Good.",
    )
    return quiz, prompt


def grades_of(student_username, course):
    book = gradebook_of(course)
    return book, next(g for s, g in book.rows if s.username == student_username)


def test_the_gradebook_keeps_each_quizs_grade_by_its_method_and_adds_discussion_scores(
    graded, course
):
    quiz, prompt = graded
    _, grades = grades_of("stu", course)
    assert grades[f"quiz:{quiz.slug}"].score == Decimal("1.00")
    assert grades[f"prompt:{prompt.slug}"].score == Decimal("7.50")
    Quiz.objects.filter(pk=quiz.pk).update(grading_method="first")
    _, grades = grades_of("stu", course)
    assert grades[f"quiz:{quiz.slug}"].score == Decimal("0.00")


def test_a_teacher_sees_the_gradebook_with_totals_and_can_filter(client, graded, course, teacher):
    client.force_login(teacher)
    html = client.get(reverse("gradebook", args=[course.slug])).content.decode()
    assert "Test quiz" in html and "Discussion: Are big dams worth it?" in html
    assert "8.5" in html  # total: 1 + 7.5
    filtered = client.get(
        reverse("gradebook", args=[course.slug]), {"q": "nobody-like-this"}
    ).content.decode()
    assert "No students match" in filtered


def test_in_spanish_a_discussion_column_is_headed_in_spanish_but_the_exports_keep_english(
    client, graded, course, teacher
):
    _, prompt = graded
    Prompt.objects.filter(pk=prompt.pk).update(
        translations={"es": {"title": "¿Valen la pena las grandes presas?"}}
    )
    client.force_login(teacher)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es-MX,es;q=0.9"
    html = client.get(reverse("gradebook", args=[course.slug])).content.decode()
    heading = "Discusión: ¿Valen la pena las grandes presas?"
    assert f'<th scope="col">{heading} <span class="meta">' in html
    assert f'<option value="prompt:{prompt.slug}" >Ordenar por {heading}</option>' in html
    assert "Discussion:" not in html.split('id="canvas-ids"')[0]
    export = client.get(reverse("gradebook_export", args=[course.slug, "moodle"])).content
    header = next(csv.reader(io.StringIO(export.decode("utf-8-sig"))))
    assert f"Discussion: {prompt.title}" in header and heading not in header


def test_students_and_other_courses_teachers_get_nothing(client, graded, course, student):
    client.force_login(student)
    assert client.get(reverse("gradebook", args=[course.slug])).status_code == 404
    assert client.get(reverse("gradebook_export", args=[course.slug, "canvas"])).status_code == 404
    outsider = UserFactory(username="other-teacher", is_staff=True)
    EnrollmentFactory(user=outsider, role=Enrollment.Role.TEACHER)
    client.force_login(outsider)
    assert client.get(reverse("gradebook", args=[course.slug])).status_code == 404
    client.logout()
    assert client.get(reverse("gradebook", args=[course.slug])).url.startswith(reverse("login"))


def test_the_canvas_export_carries_the_gradebooks_numbers(client, graded, course, teacher):
    quiz, prompt = graded
    client.force_login(teacher)
    response = client.get(reverse("gradebook_export", args=[course.slug, "canvas"]))
    assert response["Content-Disposition"].endswith('-grades-canvas.zip"')
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:  # one file per graded set
        (name,) = archive.namelist()
        rows = list(csv.reader(io.StringIO(archive.read(name).decode())))
    header = rows[0]
    assert header[:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert "Test quiz (4455)" in header
    assert rows[1][0] == "Points Possible"
    student_row = next(r for r in rows if r[1] == "901")
    _, grades = grades_of("stu", course)
    assert (
        Decimal(student_row[header.index("Test quiz (4455)")]) == grades[f"quiz:{quiz.slug}"].score
    )
    assert (
        Decimal(student_row[header.index(f"Discussion: {prompt.title}")])
        == grades[f"prompt:{prompt.slug}"].score
    )


@pytest.mark.parametrize("fmt", ["moodle", "csv", "oneroster"])
def test_every_export_format_downloads(client, graded, course, teacher, fmt):
    client.force_login(teacher)
    response = client.get(reverse("gradebook_export", args=[course.slug, fmt]))
    assert response.status_code == 200
    if fmt == "oneroster":
        names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
        assert {"manifest.csv", "lineItems.csv", "results.csv"} <= set(names)
    else:
        assert "7.5" in response.content.decode()


def test_the_command_writes_the_same_file_as_the_page(client, graded, course, teacher, tmp_path):
    client.force_login(teacher)
    page = client.get(reverse("gradebook_export", args=[course.slug, "moodle"])).content.decode()
    path = tmp_path / "grades.csv"
    call_command(
        "export_grades",
        "--course",
        course.slug,
        "--format",
        "moodle",
        "--output",
        str(path),
        stderr=io.StringIO(),
    )
    assert path.read_text(encoding="utf-8") == page


def test_unknown_formats_are_not_found(client, course, teacher):
    client.force_login(teacher)
    assert client.get(reverse("gradebook_export", args=[course.slug, "excel"])).status_code == 404


def test_the_export_query_count_does_not_grow_with_the_class(course, teacher):
    quiz = make_quiz(course, [make_question("gb-many")], slug="gb-many")

    def enrol(n, tag):
        for i in range(n):
            user = UserFactory(username=f"{tag}{i}")
            EnrollmentFactory(course=course, user=user)
            take_quiz(user, quiz, {0: "b"})

    def queries():
        with CaptureQueriesContext(connection) as captured:
            book = gradebook_of(course)
            for _ in book.rows:
                pass
        return len(captured)

    enrol(3, "few")
    small = queries()
    enrol(20, "many")
    assert queries() == small

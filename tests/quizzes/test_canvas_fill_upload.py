from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courseware.models import Enrollment
from quizzes.services import override_grade
from tests.factories import (
    EnrollmentFactory,
    UserFactory,
    make_question,
    make_quiz,
    take_quiz,
)

pytestmark = pytest.mark.django_db

# As Canvas exports it (with a byte-order mark and Windows line endings, as on some systems):
# a notes column, our quiz (4455), an assignment Fuente does not know, computed columns, the
# "Points Possible" row, our student (Canvas id 901), and a Canvas student Fuente does not have.
CANVAS = (
    "\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,Notes,Test quiz (4455),"
    "Field trip (5566),Current Score,Final Score\r\n"
    "    Points Possible,,,,,,2.00,10.00,(read only),(read only)\r\n"
    '"Ruiz, Ana",901,,,Section A,"Late, wk 2",,7.00,50.00,50.00\r\n'
    '"Doe, Jan",902,,,Section A,,1.00,9.00,90.00,90.00\r\n'
)


@pytest.fixture
def quiz(course, student):
    Enrollment.objects.filter(user=student, course=course).update(canvas_user_id="901")
    quiz = make_quiz(
        course,
        [make_question("cf-q1"), make_question("cf-q2")],
        slug="cf-quiz",
        canvas_assignment_id="4455",
    )
    take_quiz(student, quiz, {0: "b"})  # 1 of 2 points
    return quiz


def upload(client, course, content: bytes | str, name="grades.csv"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(
        reverse("gradebook_canvas_fill", args=[course.slug]),
        {"canvas_file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def test_a_teacher_gets_the_canvas_file_back_with_fuentes_scores(client, course, quiz, teacher):
    client.force_login(teacher)
    response = upload(client, course, CANVAS)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{course.slug}-canvas-filled.csv"'
    )
    expected = CANVAS.replace(
        '"Ruiz, Ana",901,,,Section A,"Late, wk 2",,7.00',
        '"Ruiz, Ana",901,,,Section A,"Late, wk 2",1,7.00',
    )
    assert response.content == expected.encode("utf-8")  # every other byte as uploaded

    summary = client.get(reverse("gradebook", args=[course.slug])).content.decode()
    assert "Matched 1 student and 1 column (Test quiz): 1 score filled in" in summary
    assert "1 Canvas row not in Fuente: Doe, Jan (902)" in summary


def test_the_filled_file_carries_an_override(client, course, quiz, student, teacher):
    override_grade(quiz=quiz, student=student, points=Decimal("1.5"), reason="Appeal", by=teacher)
    client.force_login(teacher)
    body = upload(client, course, CANVAS).content.decode("utf-8")
    assert '"Ruiz, Ana",901,,,Section A,"Late, wk 2",1.5,7.00' in body


def test_the_gradebook_page_offers_the_upload_form(client, course, teacher):
    client.force_login(teacher)
    html = client.get(reverse("gradebook", args=[course.slug])).content.decode()
    assert "Fill a Canvas gradebook export" in html
    assert 'enctype="multipart/form-data"' in html
    assert reverse("gradebook_canvas_fill", args=[course.slug]) in html


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "This file is not UTF-8 text"),
        (b"PK\x03\x04\x14\x00\x06\x00", "This is not a CSV file"),  # a spreadsheet (xlsx)
        ("Name,Score\nAna,3\n".encode("latin-1"), "Not a Canvas gradebook export: no ID"),
        ("Nombre,Puntuación\nAna,3\n".encode("latin-1"), "This file is not UTF-8 text"),
        (b"", "The Canvas file is empty."),
        (CANVAS.replace("(4455)", "(9999)").encode(), "No assignment column in this file"),
        (CANVAS.replace("901", "555").encode(), "No student in this file"),
    ],
)
def test_a_file_that_cannot_be_filled_is_refused_with_a_message(
    client, course, quiz, teacher, content, message
):
    client.force_login(teacher)
    response = upload(client, course, content)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "<h1>Gradebook</h1>" in html  # the gradebook page, re-rendered with the error


def test_a_file_over_5_mb_is_refused(client, course, quiz, teacher):
    client.force_login(teacher)
    big = CANVAS + ("x" * 1000 + "\r\n") * 5300
    response = upload(client, course, big)
    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()


def test_a_post_without_a_file_is_refused(client, course, teacher):
    client.force_login(teacher)
    response = client.post(reverse("gradebook_canvas_fill", args=[course.slug]))
    assert response.status_code == 400
    assert "Choose the CSV file" in response.content.decode()


def test_only_the_courses_teachers_can_fill_a_file(client, course, quiz, student):
    url = reverse("gradebook_canvas_fill", args=[course.slug])
    client.force_login(student)
    assert upload(client, course, CANVAS).status_code == 404
    outsider = UserFactory(username="cf-other-teacher")
    EnrollmentFactory(user=outsider, role=Enrollment.Role.TEACHER)
    client.force_login(outsider)
    assert upload(client, course, CANVAS).status_code == 404
    client.logout()
    assert client.post(url).url.startswith(reverse("login"))
    assert client.get(url).status_code == 405

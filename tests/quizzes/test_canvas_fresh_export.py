"""A fresh Canvas export, imported over a Canvas gradebook by canvas-lms's rules
(tests/quizzes/canvas_importer.py), changes only what Fuente graded; the gradebook page and
export_grades show what Canvas would misread or create, and let the teacher set the ids."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.urls import reverse

from courseware.models import Course, Enrollment
from quizzes.lms import canvas
from quizzes.lms.model import Column, Grade, Gradebook, Student
from quizzes.models import Quiz
from tests.factories import EnrollmentFactory, UserFactory, make_question, make_quiz, take_quiz
from tests.quizzes.canvas_importer import CanvasGradebook, CanvasStudent

QUIZ_A = Column("quiz:a", "Quiz A", D(10), canvas_assignment_id="701")
QUIZ_B = Column("quiz:b", "Quiz B", D(10), canvas_assignment_id="702")
TALK = Column("prompt:talk", "Discussion: Talk", D(5), canvas_assignment_id="703")

ANA = Student("Ana, A", "ana", "ana@example.edu", canvas_user_id="1", sis_user_id="S1")
BEN = Student("Ben, B", "ben", "ben@example.edu", canvas_user_id="2", sis_user_id="S2")
CAL = Student("Cal, C", "cal", "cal@example.edu", canvas_user_id="3", sis_user_id="S3")
DEE = Student("Dee, D", "dee", "dee@example.edu", canvas_user_id="4", sis_user_id="S4")

FUENTE = {
    ANA: {QUIZ_A.key: Grade(D("8.5")), QUIZ_B.key: Grade(D(9)), TALK.key: Grade(D(4))},
    BEN: {QUIZ_A.key: Grade(D(7)), TALK.key: Grade(None)},  # no score on B nor the talk
    CAL: {QUIZ_B.key: Grade(D(0))},  # a real zero
    DEE: {},  # nothing at all
}


def fuente_book() -> Gradebook:
    return Gradebook("C", "c", (QUIZ_A, QUIZ_B, TALK), list(FUENTE.items()))


def canvas_book() -> CanvasGradebook:
    """Scores a teacher entered in Canvas, and an excused cell."""
    book = CanvasGradebook(
        assignments={701: "Quiz A", 702: "Quiz B", 703: "Discussion: Talk", 704: "Essay"},
        students=[CanvasStudent(int(s.canvas_user_id), s.name, s.sis_user_id) for s in FUENTE],
    )
    book.grades.update(
        {
            (1, 701): "5.0",
            (1, 704): "20.0",
            (2, 702): "6.0",  # Fuente has no score: must stay
            (2, 703): "EX",  # excused, Fuente has no score: must stay
            (3, 701): "EX",  # excused, Fuente has no score: must stay
            (3, 703): "3.0",
            (4, 701): "10.0",
            (4, 702): "",
        }
    )
    return book


def zip_texts(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def fresh_files(gradebook: Gradebook) -> dict[str, str]:
    out = io.BytesIO()
    canvas.write_zip(gradebook, out)
    return zip_texts(out.getvalue())


def test_the_checker_sees_the_reported_defect_a_blank_cell_clears_a_canvas_score():
    book = canvas_book()
    out = io.StringIO(newline="")
    canvas.write_csv(fuente_book(), out)  # one file with every student and column
    book.import_csv(out.getvalue())
    assert book.grades[(2, 702)] == ""  # Ben's Canvas score on B was cleared
    assert book.grades[(3, 701)] == ""  # Cal's excused A was un-excused and cleared


def test_a_fresh_export_imported_over_canvas_changes_only_what_fuente_graded():
    book = canvas_book()
    before = dict(book.grades)
    files = fresh_files(fuente_book())
    for name in sorted(files):
        book.import_csv(files[name])
    fuente_cells = {
        (int(s.canvas_user_id), int(c.canvas_assignment_id)): grades[c.key].score
        for s, grades in FUENTE.items()
        for c in (QUIZ_A, QUIZ_B, TALK)
        if c.key in grades and grades[c.key].score is not None
    }
    assert {k: D(v) for k, v in book.grades.items() if k in fuente_cells} == fuente_cells
    untouched = {k: v for k, v in book.grades.items() if k not in fuente_cells}
    assert untouched == {k: v for k, v in before.items() if k not in fuente_cells}
    assert book.grades[(2, 703)] == "EX" and book.grades[(3, 701)] == "EX"
    assert set(book.assignments) == {701, 702, 703, 704}  # nothing created


def test_each_file_holds_only_scored_cells_and_students_with_a_score():
    files = fresh_files(fuente_book())
    assert list(files) == ["canvas-01-of-03.csv", "canvas-02-of-03.csv", "canvas-03-of-03.csv"]
    for text in files.values():
        header, points, *students = list(csv.reader(io.StringIO(text, newline="")))
        assert header[:5] == list(canvas.STUDENT_HEADERS)
        assert points[0] == "Points Possible"
        for row in students:
            assert all(cell != "" for cell in row[5:]), text
    everyone = "".join(files.values())
    assert "Dee" not in everyone


def test_new_assignments_and_title_warnings_are_listed():
    dated = Column("quiz:d", "Week (2022)", D(5))
    computed = Column("quiz:f", "Final Grade Review", D(5), canvas_assignment_id="9")
    assert canvas.new_assignment_columns((QUIZ_A, dated, computed)) == [dated]
    assert canvas.title_warnings((QUIZ_A, dated, computed)) == [
        (dated, canvas.ID_IN_TITLE),
        (computed, canvas.COMPUTED_TITLE),
    ]


# --- Through the app -------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_quizzes(course, student, teacher):
    """The student took quiz one only; a classmate took neither."""
    Enrollment.objects.filter(user=student, course=course).update(canvas_user_id="11")
    classmate = UserFactory(username="classmate", first_name="Cy", last_name="Mate")
    EnrollmentFactory(course=course, user=classmate, canvas_user_id="12")
    one = make_quiz(course, [make_question("cv-1")], slug="cv-one", canvas_assignment_id="801")
    two = make_quiz(course, [make_question("cv-2")], slug="cv-two")
    two.title = "Review (2022)"
    two.save(update_fields=["title"])
    take_quiz(student, one, {0: "a"})
    return one, two


def test_the_canvas_download_is_import_files_that_leave_ungraded_cells_alone(
    client, course, teacher, student, two_quizzes
):
    one, _two = two_quizzes
    client.force_login(teacher)
    response = client.get(reverse("gradebook_export", args=[course.slug, "canvas"]))
    assert response["Content-Type"] == "application/zip"
    files = zip_texts(response.content)
    book = CanvasGradebook(
        assignments={801: one.title, 802: "Review (2022)"},
        students=[CanvasStudent(11, "s"), CanvasStudent(12, "Mate, Cy")],
        grades={(11, 802): "EX", (12, 801): "9.0", (12, 802): "4.0"},
    )
    for name in sorted(files):
        book.import_csv(files[name])
    assert book.grades[(12, 801)] == "9.0" and book.grades[(12, 802)] == "4.0"
    assert book.grades[(11, 802)] == "EX"
    assert (11, 801) in book.grades


def test_the_gradebook_page_lists_what_canvas_would_misread_or_create(
    client, course, teacher, two_quizzes
):
    client.force_login(teacher)
    html = client.get(reverse("gradebook", args=[course.slug])).content.decode()
    assert "“Review (2022)”: Canvas reads the number in parentheses" in html
    assert "“Review (2022)” has no Canvas assignment id" in html
    assert 'name="canvas_assignment_id"' in html and 'value="801"' in html


def test_export_grades_prints_the_canvas_notes(course, two_quizzes, tmp_path):
    err = io.StringIO()
    path = tmp_path / "canvas.zip"
    call_command(
        "export_grades",
        "--course",
        course.slug,
        "--format",
        "canvas",
        "--output",
        str(path),
        stderr=err,
    )
    assert "Review (2022)" in err.getvalue() and "no Canvas assignment id" in err.getvalue()
    assert zipfile.is_zipfile(path)


def test_a_teacher_sets_a_quizs_and_a_prompts_canvas_assignment_id(
    client, course, teacher, two_quizzes
):
    _one, two = two_quizzes
    prompt = course.prompts.order_by("slug").first()
    client.force_login(teacher)
    url = reverse("gradebook_canvas_id", args=[course.slug])
    response = client.post(url, {"column": f"quiz:{two.slug}", "canvas_assignment_id": " 4242 "})
    assert response.status_code == 302
    assert Quiz.objects.get(pk=two.pk).canvas_assignment_id == "4242"
    client.post(url, {"column": f"prompt:{prompt.slug}", "canvas_assignment_id": "5151"})
    assert Course.objects.get(pk=course.pk).canvas_prompt_assignment_ids == {prompt.slug: "5151"}
    html = client.get(reverse("gradebook", args=[course.slug])).content.decode()
    assert "Review (2022)” has no Canvas" not in html
    client.post(url, {"column": f"prompt:{prompt.slug}", "canvas_assignment_id": ""})
    assert Course.objects.get(pk=course.pk).canvas_prompt_assignment_ids == {}


@pytest.mark.parametrize("junk", ["12a", "=1+1", "-5", "1 2", "１２"])
def test_junk_ids_get_a_400_with_a_message(client, course, teacher, two_quizzes, junk):
    one, _ = two_quizzes
    client.force_login(teacher)
    response = client.post(
        reverse("gradebook_canvas_id", args=[course.slug]),
        {"column": f"quiz:{one.slug}", "canvas_assignment_id": junk},
    )
    assert response.status_code == 400
    assert "digits only" in response.content.decode()
    assert Quiz.objects.get(pk=one.pk).canvas_assignment_id == "801"


def test_an_unknown_column_gets_a_400(client, course, teacher, two_quizzes):
    client.force_login(teacher)
    response = client.post(
        reverse("gradebook_canvas_id", args=[course.slug]),
        {"column": "quiz:not-here", "canvas_assignment_id": "1"},
    )
    assert response.status_code == 400
    assert "has no column" in response.content.decode()


def test_only_the_courses_teacher_may_set_ids(client, course, student, two_quizzes):
    one, _ = two_quizzes
    url = reverse("gradebook_canvas_id", args=[course.slug])
    data = {"column": f"quiz:{one.slug}", "canvas_assignment_id": "1"}
    client.force_login(student)
    assert client.post(url, data).status_code == 404
    outsider = UserFactory(username="outsider-teacher", is_staff=True)
    EnrollmentFactory(user=outsider, role=Enrollment.Role.TEACHER)
    client.force_login(outsider)
    assert client.post(url, data).status_code == 404
    assert client.get(url).status_code == 405
    assert Quiz.objects.get(pk=one.pk).canvas_assignment_id == "801"

"""OneRoster 1.1 packages pass a checker written from the 1.1 CSV tables
(tests/quizzes/oneroster_checker.py): required fields filled, bulk packages complete, and a
student's sourcedId never changes once sent."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse

from courseware.models import Course, Enrollment
from quizzes.gradebook import export_grades
from quizzes.lms import oneroster
from quizzes.lms.model import Column, Grade, Gradebook, Roster, Student
from tests.factories import make_question, make_quiz, take_quiz
from tests.quizzes.oneroster_checker import check, read

NOW = datetime(2025, 3, 28, 17, 45, 30, 250000, tzinfo=UTC)
QUIZ = Column("quiz:q", "Quiz", D(10), due=date(2025, 3, 14), opens=date(2025, 3, 1))
TALK = Column("prompt:t", "Discussion: Talk", D(5))
ANA = Student("Núñez, Ana", "ana", "ana@example.edu", sis_user_id="S1", sourced_id="S1")
BEN = Student("Ben", "ben", "ben@example.edu")  # no names, no ids


def book(roster: Roster | None = None) -> Gradebook:
    rows = [(ANA, {QUIZ.key: Grade(D("8.5"), "ok"), TALK.key: Grade(D(4))}), (BEN, {})]
    return Gradebook("Rivers", "rivers", (QUIZ, TALK), rows, roster=roster or Roster())


def package(gradebook: Gradebook, mode: oneroster.Mode) -> bytes:
    out = io.BytesIO()
    oneroster.write_zip(gradebook, out, NOW, mode=mode)
    return out.getvalue()


@pytest.mark.parametrize("mode", ["delta", "bulk"])
def test_every_required_field_is_filled_with_the_documented_defaults(mode):
    data = package(book(), mode)
    assert check(data) == []
    (quiz, talk) = read(data)["lineItems"]
    assert (quiz["categorySourcedId"], quiz["gradingPeriodSourcedId"]) == (
        "fuente-category-rivers",
        "fuente-period-rivers",
    )
    assert (quiz["assignDate"], quiz["dueDate"]) == ("2025-03-01", "2025-03-14")
    # No dates of its own: the grading period's, by default the school year of the export.
    assert (talk["assignDate"], talk["dueDate"]) == ("2024-08-01", "2025-07-31")
    assert quiz["classSourcedId"] == "rivers"


def test_the_courses_ids_and_grading_period_are_used_everywhere():
    roster = Roster(
        class_id="sis-class-9",
        school_id="sis-school-1",
        category_id="cat-quizzes",
        grading_period_id="gp-spring",
        period_starts=date(2025, 1, 6),
        period_ends=date(2025, 5, 30),
    )
    data = package(book(roster), "bulk")
    assert check(data) == []
    files = read(data)
    assert {i["classSourcedId"] for i in files["lineItems"]} == {"sis-class-9"}
    assert {i["categorySourcedId"] for i in files["lineItems"]} == {"cat-quizzes"}
    assert {i["gradingPeriodSourcedId"] for i in files["lineItems"]} == {"gp-spring"}
    period = next(s for s in files["academicSessions"] if s["sourcedId"] == "gp-spring")
    assert (period["startDate"], period["endDate"], period["schoolYear"]) == (
        "2025-01-06",
        "2025-05-30",
        "2025",
    )
    assert files["lineItems"][1]["dueDate"] == "2025-05-30"


def test_a_bulk_package_holds_every_row_its_rows_refer_to():
    files = read(package(book(), "bulk"))
    assert set(files) == {
        *("manifest", "orgs", "academicSessions", "courses", "classes", "users"),
        *("enrollments", "categories", "lineItems", "results"),
    }
    users = {u["sourcedId"]: u for u in files["users"]}
    assert set(users) == {"S1", "ben"}
    assert (users["S1"]["givenName"], users["S1"]["familyName"]) == ("Ana", "Núñez")
    assert (users["ben"]["givenName"], users["ben"]["familyName"]) == ("ben", "Ben")
    assert {e["userSourcedId"] for e in files["enrollments"]} == {"S1", "ben"}


def test_the_checker_rejects_what_the_issue_reported():
    """Blank category and grading period (the old writer) and a bulk package with dangling ids."""
    files = read(package(book(), "delta"))
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        for name, rows in files.items():
            if name == "lineItems":
                rows = [{**r, "categorySourcedId": ""} for r in rows]
            text = io.StringIO(newline="")
            writer = csv.DictWriter(text, fieldnames=list(rows[0]) if rows else ["x"])
            writer.writeheader()
            writer.writerows(rows)
            archive.writestr(f"{name}.csv", text.getvalue())
    assert any("categorySourcedId is required" in p for p in check(broken.getvalue()))


# --- Through the app -------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(course, student):
    quiz = make_quiz(course, [make_question("or-1")], slug="or-quiz")
    take_quiz(student, quiz, {0: "b"})
    return quiz


def download(client, course, fmt: str) -> bytes:
    response = client.get(reverse("gradebook_export", args=[course.slug, fmt]))
    assert response.status_code == 200
    return response.content


def test_a_students_sourced_id_stays_the_same_after_an_sis_id_is_added(
    client, course, teacher, student, scored
):
    client.force_login(teacher)
    first = read(download(client, course, "oneroster"))["results"]
    Enrollment.objects.filter(user=student, course=course).update(sis_user_id="SIS-77")
    second = read(download(client, course, "oneroster"))["results"]
    assert [r["studentSourcedId"] for r in first] == [f"fuente-user-{student.pk}"]
    assert [r["sourcedId"] for r in second] == [r["sourcedId"] for r in first]
    enrollment = Enrollment.objects.get(user=student, course=course)
    assert enrollment.oneroster_sourced_id == f"fuente-user-{student.pk}"


def test_an_sis_id_present_at_the_first_export_is_the_sourced_id(course, student, scored):
    Enrollment.objects.filter(user=student, course=course).update(sis_user_id="SIS-5")
    out = io.BytesIO()
    export_grades(course=course, fmt="oneroster", out=out, now=NOW)
    assert {r["studentSourcedId"] for r in read(out.getvalue())["results"]} == {"SIS-5"}


def test_the_course_settings_reach_the_package_and_the_bulk_download_is_complete(
    client, course, teacher, student, scored
):
    Course.objects.filter(pk=course.pk).update(
        oneroster_class_id="CL-1",
        oneroster_category_id="CAT-1",
        oneroster_grading_period_id="GP-1",
        oneroster_school_id="SCH-1",
        grading_period_starts_on=date(2025, 1, 6),
        grading_period_ends_on=date(2025, 5, 30),
    )
    client.force_login(teacher)
    for fmt in ("oneroster", "oneroster-bulk"):
        data = download(client, course, fmt)
        assert check(data) == [], fmt
        items = read(data)["lineItems"]
        assert {
            (i["classSourcedId"], i["categorySourcedId"], i["gradingPeriodSourcedId"])
            for i in items
        } == {("CL-1", "CAT-1", "GP-1")}
    files = read(download(client, course, "oneroster-bulk"))
    assert {u["sourcedId"] for u in files["users"]} >= {
        r["studentSourcedId"] for r in files["results"]
    }
    assert [c["sourcedId"] for c in files["classes"]] == ["CL-1"]

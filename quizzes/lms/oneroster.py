"""OneRoster 1.1 CSV gradebook package (a zip of CSV files and manifest.csv).

Two modes, as the 1.1 CSV binding defines them:

* mode="delta" (the default, a grade push): lineItems.csv and results.csv only, every row with
  status "active" and dateLastModified `now`; the class, users, category and grading period
  they name are the SIS's own (set their ids on the course: `Roster`).
* mode="bulk": a complete package — orgs, academicSessions, courses, classes, users,
  enrollments, categories, lineItems, results — in which every id a row refers to is a row of
  the package (the binding: whatever a bulk file leaves out may be deleted), with status and
  dateLastModified blank, as bulk requires.

Every field the 1.1 tables mark required is filled:

* lineItem sourcedId = "<course_id>:<column key>"; result sourcedId = "<lineItem
  sourcedId>:<studentSourcedId>"; enrollment sourcedId = "<classSourcedId>:<userSourcedId>";
* classSourcedId = `Roster.class_id`, else course_id; categorySourcedId = `Roster.category_id`,
  else "fuente-category-<course_id>"; gradingPeriodSourcedId = `Roster.grading_period_id`, else
  "fuente-period-<course_id>"; the school (an org) = `Roster.school_id`, else "fuente-school";
* studentSourcedId = `Student.sourced_id` (the caller stores it once per student, so it never
  changes), else the SIS user id, else the username;
* assignDate = the column's opening date, else the grading period's start; dueDate = its due
  date, else the period's end. The period runs `Roster.period_starts`–`period_ends`, else the
  school year (August 1 to July 31) of `now`; schoolYear is the year it ends;
* scoreStatus "fully graded" (a result is written only for a score); scoreDate = the export date.

One line item per Fuente column, one result per student and column *with a score*. Dates:
dateLastModified is ISO 8601 UTC with milliseconds ("2025-03-01T12:00:00.000Z"; a naive `now`
is taken as UTC); other dates are ISO 8601 dates ("2025-03-14"). CSV: UTF-8, RFC 4180 quoting
(minimal), "\\n" line endings. A delta package streams each file straight into its zip entry; a
bulk package holds its users and enrollments (one short row per student) until the results are
written. Every text cell (ids, titles, names, comments) is made safe for spreadsheets (`cells`);
scores and points are numbers, never altered.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import BinaryIO, Literal

from . import cells
from .cells import Cell
from .model import Column, Gradebook, Student, grade_for

Mode = Literal["delta", "bulk"]

MANIFEST_HEADER = ("propertyName", "value")
LINE_ITEMS_HEADER = (
    "sourcedId",
    "status",
    "dateLastModified",
    "title",
    "description",
    "assignDate",
    "dueDate",
    "classSourcedId",
    "categorySourcedId",
    "gradingPeriodSourcedId",
    "resultValueMin",
    "resultValueMax",
)
RESULTS_HEADER = (
    "sourcedId",
    "status",
    "dateLastModified",
    "lineItemSourcedId",
    "studentSourcedId",
    "scoreStatus",
    "score",
    "scoreDate",
    "comment",
)
ORGS_HEADER = (
    "sourcedId",
    "status",
    "dateLastModified",
    "name",
    "type",
    "identifier",
    "parentSourcedId",
)
ACADEMIC_SESSIONS_HEADER = (
    "sourcedId",
    "status",
    "dateLastModified",
    "title",
    "type",
    "startDate",
    "endDate",
    "parentSourcedId",
    "schoolYear",
)
CATEGORIES_HEADER = ("sourcedId", "status", "dateLastModified", "title")
COURSES_HEADER = (
    "sourcedId",
    "status",
    "dateLastModified",
    "schoolYearSourcedId",
    "title",
    "courseCode",
    "grades",
    "orgSourcedId",
    "subjects",
    "subjectCodes",
)
CLASSES_HEADER = (
    "sourcedId",
    "status",
    "dateLastModified",
    "title",
    "grades",
    "courseSourcedId",
    "classCode",
    "classType",
    "location",
    "schoolSourcedId",
    "termSourcedIds",
    "subjects",
    "subjectCodes",
    "periods",
)
USERS_HEADER = (
    "sourcedId",
    "status",
    "dateLastModified",
    "enabledUser",
    "orgSourcedIds",
    "role",
    "username",
    "userIds",
    "givenName",
    "familyName",
    "middleName",
    "identifier",
    "email",
    "sms",
    "phone",
    "agentSourcedIds",
    "grades",
    "password",
)
ENROLLMENTS_HEADER = (
    "sourcedId",
    "status",
    "dateLastModified",
    "classSourcedId",
    "schoolSourcedId",
    "userSourcedId",
    "role",
    "primary",
    "beginDate",
    "endDate",
)
# Every data file of the 1.1 CSV binding, in the order of its table of files.
DATA_FILES = (
    "academicSessions",
    "categories",
    "classes",
    "classResources",
    "courses",
    "courseResources",
    "demographics",
    "enrollments",
    "lineItems",
    "orgs",
    "resources",
    "results",
    "users",
)
DELTA_FILES = frozenset({"lineItems", "results"})
BULK_FILES = frozenset(
    {
        "orgs",
        "academicSessions",
        "courses",
        "classes",
        "users",
        "enrollments",
        "categories",
        "lineItems",
        "results",
    }
)
SYSTEM_NAME = "Fuente"
FULLY_GRADED = "fully graded"
DEFAULT_SCHOOL = "fuente-school"
CATEGORY_TITLE = "Fuente"


@dataclass(frozen=True)
class Ids:
    """The ids and grading period a package uses: the course's, else the documented defaults."""

    class_id: str
    course_id: str
    school_id: str
    category_id: str
    period_id: str
    year_id: str
    period_starts: date
    period_ends: date

    @property
    def school_year(self) -> str:
        return str(self.period_ends.year)


def school_year_of(day: date) -> tuple[date, date]:
    """August 1 to July 31: the school year `day` falls in."""
    first = day.year if day.month >= 8 else day.year - 1
    return date(first, 8, 1), date(first + 1, 7, 31)


def ids_of(gradebook: Gradebook, now: datetime) -> Ids:
    roster, slug = gradebook.roster, gradebook.course_id
    starts, ends = school_year_of(_timestamp(now).date())
    starts = roster.period_starts or starts
    ends = roster.period_ends or ends
    return Ids(
        class_id=roster.class_id or slug,
        course_id=f"fuente-course-{slug}",
        school_id=roster.school_id or DEFAULT_SCHOOL,
        category_id=roster.category_id or f"fuente-category-{slug}",
        period_id=roster.grading_period_id or f"fuente-period-{slug}",
        year_id=f"fuente-year-{ends.year}",
        period_starts=starts,
        period_ends=ends,
    )


def line_item_id(gradebook: Gradebook, column: Column) -> str:
    return f"{gradebook.course_id}:{column.key}"


def student_id(student: Student) -> str:
    return student.sourced_id or student.sis_user_id or student.username


def _timestamp(now: datetime) -> datetime:
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def manifest_rows(mode: Mode = "delta") -> Iterator[list[Cell]]:
    written = BULK_FILES if mode == "bulk" else DELTA_FILES
    yield list(MANIFEST_HEADER)
    yield ["manifest.version", "1.0"]
    yield ["oneroster.version", "1.1"]
    for name in DATA_FILES:
        yield [f"file.{name}", mode if name in written else "absent"]
    yield ["source.systemName", SYSTEM_NAME]


def line_item_rows(
    gradebook: Gradebook, now: datetime, mode: Mode = "delta"
) -> Iterator[list[Cell]]:
    status, modified = _status_fields(now, mode)
    ids = ids_of(gradebook, now)
    yield list(LINE_ITEMS_HEADER)
    for column in gradebook.columns:
        yield [
            line_item_id(gradebook, column),
            status,
            modified,
            column.title,
            "",
            (column.opens or ids.period_starts).isoformat(),
            (column.due or ids.period_ends).isoformat(),
            ids.class_id,
            ids.category_id,
            ids.period_id,
            Decimal(0),
            column.points_possible,
        ]


def result_rows(
    gradebook: Gradebook,
    now: datetime,
    mode: Mode = "delta",
    students: list[Student] | None = None,
) -> Iterator[list[Cell]]:
    """The header, then one row per scored (student, column); walks `gradebook.rows` once,
    appending each student to `students` when given (the bulk package's users)."""
    status, modified = _status_fields(now, mode)
    score_date = _timestamp(now).date().isoformat()
    item_ids = [(column, line_item_id(gradebook, column)) for column in gradebook.columns]
    yield list(RESULTS_HEADER)
    for student, grades in gradebook.rows:
        if students is not None:
            students.append(student)
        sourced_id = student_id(student)
        for column, item_id in item_ids:
            grade = grade_for(grades, column)
            if grade.score is None:
                continue
            yield [
                f"{item_id}:{sourced_id}",
                status,
                modified,
                item_id,
                sourced_id,
                FULLY_GRADED,
                grade.score,
                score_date,
                grade.feedback,
            ]


def roster_files(
    gradebook: Gradebook, now: datetime, students: Iterable[Student]
) -> dict[str, list[list[Cell]]]:
    """The bulk package's other files (orgs to enrollments, and categories), each a list of rows.

    Long on purpose: each row is written out field by field in the order of its file's header
    in the OneRoster 1.1 CSV tables, so it can be read against the specification line by line.
    """
    ids = ids_of(gradebook, now)
    blank = ["", ""]  # status and dateLastModified: blank in a bulk file
    users, enrollments = _people_files(ids, students)
    year_start = school_year_of(ids.period_ends)[0]
    return {
        "orgs": [list(ORGS_HEADER), [ids.school_id, *blank, ids.school_id, "school", "", ""]],
        "academicSessions": [
            list(ACADEMIC_SESSIONS_HEADER),
            [
                ids.year_id,
                *blank,
                f"{year_start.year}–{ids.period_ends.year}",
                "schoolYear",
                year_start.isoformat(),
                date(year_start.year + 1, 7, 31).isoformat(),
                "",
                ids.school_year,
            ],
            [
                ids.period_id,
                *blank,
                gradebook.course_title,
                "gradingPeriod",
                ids.period_starts.isoformat(),
                ids.period_ends.isoformat(),
                ids.year_id,
                ids.school_year,
            ],
        ],
        "categories": [list(CATEGORIES_HEADER), [ids.category_id, *blank, CATEGORY_TITLE]],
        "courses": [
            list(COURSES_HEADER),
            [
                ids.course_id,
                *blank,
                ids.year_id,
                gradebook.course_title,
                "",
                "",
                ids.school_id,
                "",
                "",
            ],
        ],
        "classes": [
            list(CLASSES_HEADER),
            [
                ids.class_id,
                *blank,
                gradebook.course_title,
                "",
                ids.course_id,
                "",
                "scheduled",
                "",
                ids.school_id,
                ids.period_id,
                "",
                "",
                "",
            ],
        ],
        "users": users,
        "enrollments": enrollments,
    }


def _people_files(
    ids: Ids, students: Iterable[Student]
) -> tuple[list[list[Cell]], list[list[Cell]]]:
    """users.csv and enrollments.csv: each student once (by sourcedId), in the order given."""
    blank = ["", ""]  # status and dateLastModified: blank in a bulk file
    users: list[list[Cell]] = [list(USERS_HEADER)]
    enrollments: list[list[Cell]] = [list(ENROLLMENTS_HEADER)]
    seen: set[str] = set()
    for student in students:
        sourced_id = student_id(student)
        if sourced_id in seen:
            continue
        seen.add(sourced_id)
        family, given = _names(student)
        users.append(
            [
                sourced_id,
                *blank,
                "true",
                ids.school_id,
                "student",
                student.username,
                "",
                given,
                family,
                "",
                student.sis_user_id,
                student.email,
                "",
                "",
                "",
                "",
                "",
            ]
        )
        enrollments.append(
            [
                f"{ids.class_id}:{sourced_id}",
                *blank,
                ids.class_id,
                ids.school_id,
                sourced_id,
                "student",
                "",
                "",
                "",
            ]
        )
    return users, enrollments


def _names(student: Student) -> tuple[str, str]:
    """(familyName, givenName), both required: from the student's names, else from "Last, First"."""
    family, given = student.family_name, student.given_name
    if not (family and given):
        last, _, first = student.name.partition(", ")
        family, given = family or last or student.username, given or first or student.username
    return family, given


def _status_fields(now: datetime, mode: Mode) -> tuple[str, str]:
    if mode == "bulk":
        return "", ""
    if mode != "delta":
        raise ValueError(f"Unknown OneRoster mode {mode!r}.")
    stamp = _timestamp(now)
    return "active", stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def _write_entry(
    archive: zipfile.ZipFile, name: str, stamp: datetime, rows: Iterable[Sequence[Cell]]
) -> None:
    info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    with io.TextIOWrapper(archive.open(info, "w"), encoding="utf-8", newline="") as text:
        cells.write_csv(rows, text)


def write_zip(gradebook: Gradebook, out: BinaryIO, now: datetime, *, mode: Mode = "delta") -> None:
    """Write the package to `out` (a binary file; it need not be seekable)."""
    stamp = _timestamp(now)
    _status_fields(now, mode)  # refuse an unknown mode before writing anything
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _write_entry(archive, "manifest.csv", stamp, manifest_rows(mode))
        _write_entry(archive, "lineItems.csv", stamp, line_item_rows(gradebook, now, mode))
        students: list[Student] | None = [] if mode == "bulk" else None
        _write_entry(archive, "results.csv", stamp, result_rows(gradebook, now, mode, students))
        if students is not None:
            for name, rows in roster_files(gradebook, now, students).items():
                _write_entry(archive, f"{name}.csv", stamp, rows)

"""OneRoster 1.1 CSV gradebook package: a zip of manifest.csv, lineItems.csv and results.csv.

One line item per Fuente column, one result per student and column *with a score* (students
without one get no result row: a result needs a score). Ids:

* lineItem sourcedId  = "<course_id>:<column key>", e.g. "mexico-cartels:quiz:weapons-flow";
* result sourcedId    = "<lineItem sourcedId>:<student sourcedId>";
* studentSourcedId    = the student's SIS user id, else their username;
* classSourcedId      = `class_sourced_id` if given (the SIS's id for the class), else course_id.

Mode. The 1.1 CSV binding says a "bulk" file must leave status and dateLastModified blank and
be a complete snapshot (every referenced class and user in the same package, and whatever is
not in it may be deleted), while a "delta" file must fill both. A grade push references a class
and users the SIS already has, so the default is mode="delta": the manifest declares
file.lineItems and file.results "delta", every row has status "active" and dateLastModified
`now`. mode="bulk" writes "bulk" with those two fields blank, as the binding requires.

Fields Fuente does not know are left blank: description, assignDate, and (unless given)
categorySourcedId and gradingPeriodSourcedId — the 1.1 tables mark the last three required, so
a strict importer needs them passed in (ids from the receiving SIS). dueDate is the column's due
date; scoreDate is the export date (Fuente's grades carry no date of their own).

Dates: dateLastModified is ISO 8601 UTC with milliseconds ("2025-03-01T12:00:00.000Z"; a naive
`now` is taken as UTC); dueDate and scoreDate are ISO 8601 dates ("2025-03-14"). CSV: UTF-8,
RFC 4180 quoting (minimal), "\\n" line endings, each file streamed straight into its zip entry.
Every text cell (sourcedIds, titles, comments) is made safe for spreadsheets (`cells`); scores
and points are numbers, never altered. A sourcedId a spreadsheet would run as a formula is
written with an apostrophe, so the SIS will not match it.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
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
WRITTEN_FILES = frozenset({"lineItems", "results"})
SYSTEM_NAME = "Fuente"
FULLY_GRADED = "fully graded"


def line_item_id(gradebook: Gradebook, column: Column) -> str:
    return f"{gradebook.course_id}:{column.key}"


def student_id(student: Student) -> str:
    return student.sis_user_id or student.username


def _timestamp(now: datetime) -> datetime:
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def manifest_rows(mode: Mode = "delta") -> Iterator[list[Cell]]:
    yield list(MANIFEST_HEADER)
    yield ["manifest.version", "1.0"]
    yield ["oneroster.version", "1.1"]
    for name in DATA_FILES:
        yield [f"file.{name}", mode if name in WRITTEN_FILES else "absent"]
    yield ["source.systemName", SYSTEM_NAME]


def line_item_rows(
    gradebook: Gradebook,
    now: datetime,
    mode: Mode = "delta",
    *,
    class_sourced_id: str = "",
    category_sourced_id: str = "",
    grading_period_sourced_id: str = "",
) -> Iterator[list[Cell]]:
    status, modified = _status_fields(now, mode)
    yield list(LINE_ITEMS_HEADER)
    for column in gradebook.columns:
        yield [
            line_item_id(gradebook, column),
            status,
            modified,
            column.title,
            "",
            "",
            column.due.isoformat() if column.due else "",
            class_sourced_id or gradebook.course_id,
            category_sourced_id,
            grading_period_sourced_id,
            Decimal(0),
            column.points_possible,
        ]


def result_rows(gradebook: Gradebook, now: datetime, mode: Mode = "delta") -> Iterator[list[Cell]]:
    """The header, then one row per scored (student, column); walks `gradebook.rows` once."""
    status, modified = _status_fields(now, mode)
    score_date = _timestamp(now).date().isoformat()
    item_ids = [(column, line_item_id(gradebook, column)) for column in gradebook.columns]
    yield list(RESULTS_HEADER)
    for student, grades in gradebook.rows:
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


def write_zip(
    gradebook: Gradebook,
    out: BinaryIO,
    now: datetime,
    *,
    mode: Mode = "delta",
    class_sourced_id: str = "",
    category_sourced_id: str = "",
    grading_period_sourced_id: str = "",
) -> None:
    """Write the package to `out` (a binary file; it need not be seekable)."""
    stamp = _timestamp(now)
    _status_fields(now, mode)  # refuse an unknown mode before writing anything
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _write_entry(archive, "manifest.csv", stamp, manifest_rows(mode))
        _write_entry(
            archive,
            "lineItems.csv",
            stamp,
            line_item_rows(
                gradebook,
                now,
                mode,
                class_sourced_id=class_sourced_id,
                category_sourced_id=category_sourced_id,
                grading_period_sourced_id=grading_period_sourced_id,
            ),
        )
        _write_entry(archive, "results.csv", stamp, result_rows(gradebook, now, mode))

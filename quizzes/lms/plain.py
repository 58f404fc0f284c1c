"""A plain gradebook CSV for any other system (or a spreadsheet).

Columns: Student, Username, Email, SIS User ID, Section, one "<Title> (<points> pts)" column per
item with the score, then "Total" (sum of the student's scores) and "Total possible" (sum of the
points of the items the student has a score in). No score = blank cell, never 0; a student with
no scores has blank totals. Numbers carry no trailing zeros. Student names and sections are
guarded against spreadsheet formula injection with a leading "'". RFC 4180 quoting (csv module,
minimal), "\\n" line endings; open `out` with ``newline=""``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from decimal import Decimal
from typing import TextIO

from .model import Gradebook, format_number, grade_for, guard_formula

STUDENT_HEADERS = ("Student", "Username", "Email", "SIS User ID", "Section")
TOTAL_HEADERS = ("Total", "Total possible")


def rows(gradebook: Gradebook) -> Iterator[list[str]]:
    """The header, then one row per student, one at a time."""
    columns = gradebook.columns
    yield [
        *STUDENT_HEADERS,
        *(f"{c.title} ({format_number(c.points_possible)} pts)" for c in columns),
        *TOTAL_HEADERS,
    ]
    for student, grades in gradebook.rows:
        scores = [grade_for(grades, c).score for c in columns]
        total: Decimal | None = None
        possible: Decimal | None = None
        for column, score in zip(columns, scores, strict=True):
            if score is not None:
                total = score if total is None else total + score
                possible = (
                    column.points_possible
                    if possible is None
                    else possible + column.points_possible
                )
        yield [
            guard_formula(student.name),
            student.username,
            student.email,
            student.sis_user_id,
            guard_formula(student.section),
            *(format_number(score) for score in scores),
            format_number(total),
            format_number(possible),
        ]


def write_csv(gradebook: Gradebook, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    for row in rows(gradebook):
        writer.writerow(row)

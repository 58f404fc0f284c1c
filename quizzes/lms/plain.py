"""A plain gradebook CSV for any other system (or a spreadsheet).

Columns: Student, Username, Email, SIS User ID, Section, one "<Title> (<points> pts)" column per
item with the score, then "Total" (sum of the student's scores) and "Total possible" (sum of the
points of the items the student has a score in). No score = blank cell, never 0; a student with
no scores has blank totals. Numbers carry no trailing zeros; every text cell (names, ids,
e-mails, titles) is made safe for spreadsheets (`cells.safe_text`). RFC 4180 quoting (minimal),
"\\n" line endings; open `out` with ``newline=""``.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TextIO

from . import cells
from .cells import Cell, format_number
from .model import Gradebook, grade_for

STUDENT_HEADERS = ("Student", "Username", "Email", "SIS User ID", "Section")
TOTAL_HEADERS = ("Total", "Total possible")


def rows(gradebook: Gradebook) -> Iterator[list[Cell]]:
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
            student.name,
            student.username,
            student.email,
            student.sis_user_id,
            student.section,
            *scores,
            total,
            possible,
        ]


def write_csv(gradebook: Gradebook, out: TextIO) -> None:
    cells.write_csv(rows(gradebook), out)

"""Moodle gradebook CSV, for Moodle's "Import grades > CSV file" (gradeimport_csv).

Columns: "Email address" and "Username", then "ID number" (the SIS user id, Moodle's user
"idnumber") only when every student has one, then for each Fuente column "<Title>" (the score,
in the column's points), followed by "<Title> (feedback)" only when Fuente holds feedback for
that column (a teacher's comment on a discussion response). How to map the columns in Moodle:
docs/grade-export-moodle.md.

Why columns are left out, from Moodle's importer (grade/import/csv/classes/load_data.php and
grade/import/lib.php):

* A mapped feedback cell is stored as the student's feedback even when it is blank, so an empty
  "(feedback)" column erases every comment a teacher wrote in Moodle for that item. Quizzes
  carry no feedback in Fuente (a grade override's reason is the teacher's note for the record,
  not a message to the student), so their feedback columns would always be empty.
* Matching users by "ID number" looks each row's cell up in user.idnumber; a blank cell finds
  every user without one ("Multiple users found with idnumber of ''") and aborts the import.
  So the column is only offered when it can work for every row.

Deciding both needs every row, and the rows are a one-shot generator: each student's cells are
spooled (in memory up to a megabyte, then on disk) on the one pass, and the file is written
from the spool, so memory stays flat for any course size.

What Moodle does with the cells: a blank (or "-") score is stored as *no grade*, clearing a
grade entered in Moodle for that item; a score outside the item's min/max fails the import; a
user it cannot find aborts the whole import, so export only students enrolled in the Moodle
course. Scores are plain numbers without trailing zeros ("8.5", "10"); "." as decimal point.
Format: RFC 4180 quoting (minimal), "\\n" line endings; open `out` with ``newline=""``.

No student names are written (Moodle ignores them). Every text cell — e-mails, usernames, ID
numbers, titles, feedback — is made safe for spreadsheets (`cells.safe_text`): an identifier a
spreadsheet would run as a formula is written with an apostrophe, and Moodle will not find that
user (see `cells`).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import IO, TextIO

from . import cells
from .cells import Cell
from .model import Gradebook, grade_for

IDENTITY_HEADERS = ("Email address", "Username")
ID_NUMBER_HEADER = "ID number"
FEEDBACK_SUFFIX = " (feedback)"
SPOOL_BYTES = 1024 * 1024


def _dump(row: Sequence[Cell]) -> str:
    # One JSON line per student: numbers keep their exact value, text its exact characters.
    return json.dumps([None if c is None else [isinstance(c, Decimal), str(c)] for c in row])


def _load(line: str) -> list[Cell]:
    return [None if c is None else (Decimal(c[1]) if c[0] else c[1]) for c in json.loads(line)]


def rows(gradebook: Gradebook) -> Iterator[list[Cell]]:
    """The header, then one row per student (the rows are read once, through a spool)."""
    columns = gradebook.columns
    with tempfile.SpooledTemporaryFile(
        max_size=SPOOL_BYTES, mode="w+", encoding="utf-8", newline="\n"
    ) as spool:
        every_id, has_feedback = _spool(gradebook, spool)
        header: list[Cell] = list(IDENTITY_HEADERS)
        if every_id:
            header.append(ID_NUMBER_HEADER)
        for n, column in enumerate(columns):
            header.append(column.title)
            if has_feedback[n]:
                header.append(column.title + FEEDBACK_SUFFIX)
        yield header
        spool.seek(0)
        for line in spool:
            email, username, sis_user_id, *grades = _load(line)
            row: list[Cell] = [email, username] + ([sis_user_id] if every_id else [])
            for n in range(len(columns)):
                row.append(grades[2 * n])
                if has_feedback[n]:
                    row.append(grades[2 * n + 1])
            yield row


def _spool(gradebook: Gradebook, spool: IO[str]) -> tuple[bool, list[bool]]:
    """Every student's cells into the spool; whether all have an ID number, and which columns
    hold feedback for someone."""
    columns = gradebook.columns
    every_id = True
    students = 0
    has_feedback = [False] * len(columns)
    for student, grades in gradebook.rows:
        students += 1
        every_id = every_id and bool(student.sis_user_id.strip())
        row: list[Cell] = [student.email, student.username, student.sis_user_id]
        for n, column in enumerate(columns):
            grade = grade_for(grades, column)
            has_feedback[n] = has_feedback[n] or bool(grade.feedback.strip())
            row += [grade.score, grade.feedback]
        spool.write(_dump(row) + "\n")
    return every_id and students > 0, has_feedback


def write_csv(gradebook: Gradebook, out: TextIO) -> None:
    cells.write_csv(rows(gradebook), out)

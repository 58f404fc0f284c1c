"""Moodle gradebook CSV, for Moodle's "Import grades > CSV file" (gradeimport_csv).

Columns: "Email address", "Username", "ID number" (the SIS user id, Moodle's user "idnumber"),
then for each Fuente column "<Title>" (the score, in the column's points) and
"<Title> (feedback)". Moodle does not match columns by name: the teacher maps each one in the
import form. Import steps (Moodle 3.x/4.x):

1. In the course: Grades > Import > CSV file (Grade administration > Import > CSV file).
2. Upload the file; Encoding UTF-8, Separator Comma; Import.
3. "Identify user by": Map from "Email address", Map to "Email address" (or Map from
   "Username" to "Username", or "ID number" to "ID number").
4. "Grade item mappings": map each "<Title>" column to its grade item (or "New grade item",
   then set that item's maximum grade to the points possible: new items start out of 100), and
   each "<Title> (feedback)" column to "Feedback for <item>", or to "Ignore" to keep Moodle's
   feedback.
5. Upload grades.

What Moodle does with the cells (grade/import/csv/classes/load_data.php): a blank (or "-") score
is stored as *no grade*, clearing a grade entered in Moodle for that item; a score outside the
item's min/max fails the import; a user it cannot find aborts the whole import, so export only
students enrolled in the Moodle course. Scores are plain numbers without trailing zeros ("8.5",
"10"); "." as decimal point (Moodle also reads its locale's). Format: RFC 4180 quoting
(minimal), "\\n" line endings; open `out` with ``newline=""`` and UTF-8.

No student names are written (Moodle ignores them). Every text cell — e-mails, usernames, ID
numbers, titles, feedback — is made safe for spreadsheets (`cells.safe_text`): an identifier a
spreadsheet would run as a formula is written with an apostrophe, and Moodle will not find that
user (see `cells`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from . import cells
from .cells import Cell
from .model import Gradebook, grade_for

IDENTITY_HEADERS = ("Email address", "Username", "ID number")
FEEDBACK_SUFFIX = " (feedback)"


def rows(gradebook: Gradebook) -> Iterator[list[Cell]]:
    """The header, then one row per student, one at a time."""
    columns = gradebook.columns
    header: list[Cell] = list(IDENTITY_HEADERS)
    for column in columns:
        header += [column.title, column.title + FEEDBACK_SUFFIX]
    yield header
    for student, grades in gradebook.rows:
        row: list[Cell] = [student.email, student.username, student.sis_user_id]
        for column in columns:
            grade = grade_for(grades, column)
            row += [grade.score, grade.feedback]
        yield row


def write_csv(gradebook: Gradebook, out: TextIO) -> None:
    cells.write_csv(rows(gradebook), out)

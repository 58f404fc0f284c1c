"""A Canvas gradebook, and what importing a CSV file into it does, by canvas-lms's own rules.

Modelled on canvas-lms (instructure/canvas-lms):

* lib/gradebook_importer.rb — the header (``row_has_student_headers?``: "Student" then "ID";
  ``update_column_count``: "SIS User ID" + "SIS Login ID" add two student columns, "Section"
  must be the last one), computed columns dropped by name (NON_ASSIGNMENT_COLUMN_HEADERS,
  ``strip_non_assignment_columns``), assignments matched by the id in "Title (12345)"
  (``Assignment.title_and_id``) else by exact title else new (``parse_assignments``), a
  "Points Possible" row, rows of blanks/"Muted" skipped (``check_for_non_student_row``),
  students by ID, else SIS User ID, else SIS Login ID, else name (``process_student``), each
  cell read with the CSV ``nil`` converter (an empty field is nil) and
  ``decimal_comma_to_period``; the original grade is "EX" for an excused submission, else
  ``score.to_s`` (``parse!``); a column whose every cell is unchanged is dropped
  (``no_change_to_submission?``: equal, or both blank or "-").
* ui/features/gradebook_uploads/jquery/process_gradebook_upload.js — per cell,
  ``populateGradeDataPerSubmission``: skipped when ``original_grade === grade``; "EX" (any case)
  excuses; anything else is sent as ``posted_grade`` — a blank (null) grade clears the score.

Only what the importer does to grades is modelled (no custom columns, override scores,
pass/fail, grading periods or anonymous assignments). Scores are kept as Ruby would print them.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

NON_ASSIGNMENT = re.compile(
    "Current Score|Current Points|Current Grade|Final Score|Final Points|Final Grade"
    "|Override Score|Override Grade|Override Status"
)
TITLE_AND_ID = re.compile(r"\A(.*)\s\((\d+)\)\Z", re.DOTALL)
HIDDEN = re.compile(r"^\s*(Muted|Manual Posting.*)?\s*$", re.IGNORECASE)
EXCUSED = "EX"


@dataclass
class CanvasStudent:
    id: int
    name: str
    sis_user_id: str = ""
    sis_login_id: str = ""


@dataclass
class CanvasGradebook:
    """Assignments by id (title, points), students, and the grade of each (student, assignment)
    that has a submission: a number as text ("8.0"), "" (no score) or "EX"."""

    assignments: dict[int, str]
    students: list[CanvasStudent]
    grades: dict[tuple[int, int], str] = field(default_factory=dict)
    next_id: int = 90000

    def import_csv(self, text: str) -> None:
        """Apply a file as the importer and the upload page would, teacher confirming."""
        rows = list(csv.reader(io.StringIO(text, newline="")))
        header, body = rows[0], rows[1:]
        columns = self._columns(header)
        students: list[tuple[CanvasStudent, list[str | None]]] = []
        for row in body:
            if "Points Possible" in row[0]:
                continue
            if all(HIDDEN.match(cell) for cell in row):
                continue
            student = self._student(header, row)
            # CSV's :nil converter: an empty field is nil; the importer strips the rest.
            cells = [
                _decimal_comma_to_period(row[i].strip()) if i < len(row) and row[i] != "" else None
                for _, i in columns
            ]
            students.append((student, cells))
        for position, (assignment_id, _) in enumerate(columns):
            changes = [
                (s, cells[position], self._original(s.id, assignment_id)) for s, cells in students
            ]
            if all(_no_change(new, old) for _, new, old in changes):
                continue  # the importer drops the column
            for student, new, old in changes:
                if old == new:
                    continue  # the upload page: "no change"
                if (new or "").upper() in {"EX", "EXCUSED"}:
                    self.grades[(student.id, assignment_id)] = EXCUSED
                elif new is None or new == "":
                    self.grades[(student.id, assignment_id)] = ""  # cleared
                else:
                    self.grades[(student.id, assignment_id)] = _ruby_float(new)

    def _columns(self, header: list[str]) -> list[tuple[int, int]]:
        assert header[0].lstrip("\ufeff").startswith("Student") and "ID" in header[1]
        count = 3
        if re.match(r"SIS\s+User\s+ID", header[2]) and re.match(r"SIS\s+Login\s+ID", header[3]):
            count += 2
        elif re.match(r"SIS\s+Login\s+ID", header[2]):
            count += 1
        assert "Section" in header[count - 1], "Canvas rejects this header"
        found = []
        for index, name in enumerate(header[count:], start=count):
            if NON_ASSIGNMENT.search(name):
                continue
            match = TITLE_AND_ID.match(name)
            assignment_id = int(match.group(2)) if match else None
            if assignment_id not in self.assignments:
                title = match.group(1) if match else name
                by_title = [i for i, t in self.assignments.items() if t == name]
                if by_title:
                    assignment_id = by_title[0]
                else:  # a new assignment, created on import
                    self.next_id += 1
                    assignment_id = self.next_id
                    self.assignments[assignment_id] = title
            found.append((assignment_id, index))
        return found

    def _student(self, header: list[str], row: list[str]) -> CanvasStudent:
        def cell(name: str) -> str:
            return row[header.index(name)].strip() if name in header else ""

        for student in self.students:
            if cell("ID") and str(student.id) == cell("ID"):
                return student
        for student in self.students:
            if cell("SIS User ID") and student.sis_user_id == cell("SIS User ID"):
                return student
        for student in self.students:
            if cell("SIS Login ID") and student.sis_login_id == cell("SIS Login ID"):
                return student
        for student in self.students:
            if student.name == row[0]:
                return student
        raise AssertionError(f"Canvas would ask the teacher about the unknown student {row[0]!r}")

    def _original(self, student_id: int, assignment_id: int) -> str | None:
        return self.grades.get((student_id, assignment_id))


def _decimal_comma_to_period(value: str) -> str:
    if re.match(r"^-?[0-9.,]+%?$", value):
        *whole, last = re.split(r"[,.]", value)
        return "".join(whole) + "." + last if whole else last
    return value


def _ruby_float(value: str) -> str:
    """A posted numeric grade as the submission's score prints (Ruby's Float#to_s: "8.0")."""
    try:
        number = Decimal(value)
    except ArithmeticError:
        return value
    text = format(number.normalize(), "f")
    return text if "." in text else text + ".0"


def _no_score(value: str | None) -> bool:
    return value is None or value.strip() == "" or value == "-"


def _no_change(new: str | None, old: str | None) -> bool:
    """gradebook_importer.rb#no_change_to_value? with consider_excused."""
    if new == old or (_no_score(new) and _no_score(old)):
        return True
    if _no_score(new) or _no_score(old):
        return False
    assert new is not None and old is not None
    if new.upper() == "EX" or old.upper() == "EX":
        return False
    try:
        return round(Decimal(new), 2) == round(Decimal(old), 2)
    except ArithmeticError:
        return False

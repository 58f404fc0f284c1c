"""Canvas gradebook CSV: write a new one, or fill Fuente's scores into one exported from Canvas.

Canvas's gradebook import (Grades > Import) reads, as its importer does (lib/gradebook_importer.rb):

* row 1, the header: "Student", "ID", then "SIS User ID", "SIS Login ID" (optional, in that
  order; maybe "Integration ID", "Root Account"), then "Section" as the last student column;
  custom columns; then one column per assignment titled "Title (12345)" — matched by the id in
  the parentheses (regex ``\\A(.*)\\s\\((\\d+)\\)\\z``), or by title when there is no id, a title
  with no match creating a new assignment; then computed columns ("Current Score", "Final
  Grade", ...), which it drops by name;
* a row whose first cell contains "Points Possible" (for new assignments, their points);
* rows whose every cell is blank, "Muted" or "Manual Posting..." are skipped;
* every other row is a student, found by ID (Canvas user id), else SIS User ID, else SIS Login
  ID, else by name.

Two ways to get grades in:

1. `fill_export` (the best workflow): export the gradebook from Canvas, let Fuente fill its
   scores into that very file, import it back. Students and assignments are matched by Canvas's
   own ids and every other byte is left as Canvas wrote it.
2. `write_zip`: fresh files, one CSV per group of students Fuente has graded on the same
   columns (`parts`). Canvas's upload page sends every cell of a changed column whose text
   differs from Canvas's grade — a blank cell over a score as a blank grade, which clears it, a
   score over "EX" as a grade, which un-excuses it (canvas-lms ui/features/gradebook_uploads/
   jquery/process_gradebook_upload.js, populateGradeDataPerSubmission: ``if
   (submission.original_grade === submission.grade) return`` and otherwise ``posted_grade:
   submission.grade``). What the importer never touches is what a file leaves out: a student
   with no row, an assignment with no column (lib/gradebook_importer.rb reads only the header's
   columns and the file's rows). So a fresh file holds only cells Fuente has a score for: a
   student without a score in a column is in a file without that column, and a student with no
   score at all is in no file. Columns with a known Canvas assignment id update that
   assignment; columns without one make Canvas match a same-titled assignment or create a new
   one (`new_assignment_columns`, named by the title, with the points from the "Points
   Possible" row).

Format choices: RFC 4180 quoting (minimal), "\\n" line endings (as Canvas's own exporter
writes them; Canvas reads "\\n" and "\\r\\n" alike), UTF-8 is the caller's to choose when
opening `out` — open it with ``newline=""`` so nothing translates line endings. Blank cell = no
score (`fill_export` never writes one; `write_zip` writes none). Numbers carry no trailing
zeros ("8.5", "10").

Spreadsheet safety (`cells`): in `write_csv` every text cell — names, ids, sections, headers
made of quiz titles — is made safe for spreadsheets; scores and points are numbers, never
altered. An id a spreadsheet would run as a formula is written with an apostrophe, so Canvas
will not match it. `fill_export` writes only numbers (Fuente's scores) and copies every other
byte of the teacher's file as Canvas wrote it: that file goes back to Canvas, which matches on
those very cells, and Fuente adds nothing to it that a spreadsheet could run.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import BinaryIO, TextIO

from django.utils.translation import gettext

from . import cells
from .cells import Cell, format_number
from .model import Column, Grade, Gradebook, Student, grade_for

STUDENT_HEADERS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
POINTS_POSSIBLE = "Points Possible"

# Canvas's Assignment.title_and_id.
ASSIGNMENT_HEADER = re.compile(r"^(.*)\s\((\d+)\)$", re.DOTALL)
# Headers containing any of these are computed columns Canvas drops on import
# (GradebookImporter::NON_ASSIGNMENT_COLUMN_HEADERS; "Unposted ..." variants included).
NON_ASSIGNMENT = re.compile(
    "Current Score|Current Points|Current Grade|Final Score|Final Points|Final Grade"
    "|Override Score|Override Grade|Override Status"
)
# Rows Canvas skips: every cell blank, "Muted" or "Manual Posting..." (case-insensitive).
_HIDDEN_CELL = re.compile(r"^\s*(Muted|Manual Posting.*)?\s*$", re.IGNORECASE | re.DOTALL)
# Cells that are not scores and must not be overwritten: excused, not assigned to the student.
KEEP_CELLS = frozenset({"EX", "N/A"})


def column_header(column: Column) -> str:
    if column.canvas_assignment_id:
        return f"{column.title} ({column.canvas_assignment_id})"
    return column.title


COMPUTED_TITLE = "computed"  # Canvas drops the column: its header looks like a computed total
ID_IN_TITLE = "id-in-title"  # Canvas reads the title's trailing "(123)" as an assignment id


def title_warnings(columns: Iterable[Column]) -> list[tuple[Column, str]]:
    """Columns whose header Canvas would misread on import, each with why (COMPUTED_TITLE or
    ID_IN_TITLE); the caller words them for the teacher."""
    warnings = []
    for column in columns:
        header = column_header(column)
        if NON_ASSIGNMENT.search(header):
            warnings.append((column, COMPUTED_TITLE))
        elif not column.canvas_assignment_id and ASSIGNMENT_HEADER.match(header):
            warnings.append((column, ID_IN_TITLE))
    return warnings


def new_assignment_columns(columns: Iterable[Column]) -> list[Column]:
    """Columns with no Canvas assignment id: Canvas matches them by exact title, or creates a new
    assignment (lib/gradebook_importer.rb, parse_assignments)."""
    return [c for c in columns if not c.canvas_assignment_id]


def rows(gradebook: Gradebook) -> Iterator[list[Cell]]:
    """One file's rows (header, points possible, one per student): every cell as given, a
    missing score blank. Only for a gradebook whose students all have a score in every column
    (as each of `parts` has): a blank cell clears the grade in Canvas."""
    columns = gradebook.columns
    yield [*STUDENT_HEADERS, *(column_header(c) for c in columns)]
    yield [POINTS_POSSIBLE, "", "", "", "", *(c.points_possible for c in columns)]
    for student, grades in gradebook.rows:
        yield [
            student.name,
            student.canvas_user_id,
            student.sis_user_id,
            student.sis_login_id,
            student.section,
            *(grade_for(grades, c).score for c in columns),
        ]


def write_csv(gradebook: Gradebook, out: TextIO) -> None:
    """One file, as `rows` (callers with gaps in their grades use `write_zip`)."""
    cells.write_csv(rows(gradebook), out)


def parts(gradebook: Gradebook) -> list[Gradebook]:
    """The gradebook split so that no file has a cell Fuente has no score for: students grouped
    by the columns they have a score in (first seen first, students in their order), each group
    with those columns only. Students with no score are left out. Walks `gradebook.rows` once
    and holds one small mapping per scored student."""
    groups: dict[tuple[int, ...], list[tuple[Student, Mapping[str, Grade]]]] = {}
    for student, grades in gradebook.rows:
        scored = tuple(
            n for n, c in enumerate(gradebook.columns) if grade_for(grades, c).score is not None
        )
        if scored:
            groups.setdefault(scored, []).append((student, grades))
    return [
        Gradebook(
            course_title=gradebook.course_title,
            course_id=gradebook.course_id,
            columns=tuple(gradebook.columns[n] for n in scored),
            rows=members,
            roster=gradebook.roster,
        )
        for scored, members in groups.items()
    ]


def part_name(number: int, count: int) -> str:
    return f"canvas-{number:02d}-of-{count:02d}.csv"


# Fixed entry dates: the same grades give the same bytes (page and command alike).
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def write_zip(gradebook: Gradebook, out: BinaryIO) -> int:
    """A zip of `parts`, one Canvas import file each; returns how many. Import them one by one
    (Grades › Import): each changes only the cells it holds."""
    found = parts(gradebook)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, part in enumerate(found, start=1):
            info = zipfile.ZipInfo(part_name(number, len(found)), date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            with io.TextIOWrapper(archive.open(info, "w"), encoding="utf-8", newline="") as text:
                write_csv(part, text)
    return len(found)


# --- Filling a Canvas export -----------------------------------------------------------------


@dataclass(frozen=True)
class FillReport:
    filled: int  # cells given Fuente's score
    unchanged: int  # cells that already held Fuente's score (left byte-for-byte)
    kept: int  # "EX" (excused) or "N/A" (not assigned) cells left alone despite a Fuente score
    matched_students: int
    unmatched_canvas_rows: tuple[str, ...]  # Canvas students with no Fuente student ("Name (ID)")
    unmatched_students: tuple[Student, ...]  # Fuente students not in the Canvas file
    unmatched_columns: tuple[Column, ...]  # Fuente columns with no assignment column in the file


@dataclass
class _Record:
    """One CSV record exactly as read: its raw text and, apart, its line ending."""

    body: str
    ending: str
    delimiter: str

    def spans(self) -> list[tuple[int, int]]:
        """Where each field's raw text (quotes included) sits in `body` (RFC 4180)."""
        spans = []
        text, delimiter, i, n = self.body, self.delimiter, 0, len(self.body)
        while True:
            start = i
            if i < n and text[i] == '"':
                i += 1
                while i < n:
                    if text[i] == '"':
                        if i + 1 < n and text[i + 1] == '"':
                            i += 2
                            continue
                        i += 1
                        break
                    i += 1
            # Unquoted text (or stray text after a closing quote) runs to the next delimiter.
            next_delimiter = text.find(delimiter, i)
            end = n if next_delimiter == -1 else next_delimiter
            spans.append((start, end))
            if next_delimiter == -1:
                return spans
            i = next_delimiter + 1

    def values(self) -> list[str]:
        return [_unquote(self.body[a:b]) for a, b in self.spans()]

    def with_cells(self, new_cells: dict[int, str]) -> str:
        """The record's text with the fields at these indexes replaced (already CSV-safe)."""
        parts, last = [], 0
        for index, (a, b) in enumerate(self.spans()):
            if index in new_cells:
                parts += [self.body[last:a], new_cells[index]]
                last = b
        parts.append(self.body[last:])
        return "".join(parts) + self.ending


def _unquote(raw: str) -> str:
    if raw.startswith('"'):
        closing = raw.rfind('"')
        if closing > 0:
            return raw[1:closing].replace('""', '"') + raw[closing + 1 :]
    return raw


def _split_ending(text: str) -> tuple[str, str]:
    for ending in ("\r\n", "\n", "\r"):
        if text.endswith(ending):
            return text[: -len(ending)], ending
    return text, ""


def _records(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(body, line ending) per CSV record; a quoted field may span lines."""
    pending = ""
    for line in lines:
        pending += line
        if pending.count('"') % 2 == 0:  # every quoted field is closed
            yield _split_ending(pending)
            pending = ""
    if pending:
        yield _split_ending(pending)


def _detect_delimiter(header_body: str) -> str:
    # Canvas writes ";" for locales with a decimal comma.
    comma = _Record(header_body, "", ",").values()
    semicolon = _Record(header_body, "", ";").values()
    return ";" if len(semicolon) > len(comma) else ","


def _is_skipped_row(body: str, values: list[str]) -> bool:
    if not body.strip(" ,;"):
        return True
    if POINTS_POSSIBLE in values[0]:
        return True
    return all(_HIDDEN_CELL.match(value) for value in values)


def _as_decimal(cell: str) -> Decimal | None:
    """A cell's number as Canvas's importer reads it: the last "," or "." is the decimal point."""
    text = cell.strip()
    if not re.fullmatch(r"-?[0-9.,]+", text):
        return None
    *whole, last = re.split(r"[,.]", text)
    if whole:
        text = "".join(whole) + "." + last
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _cell(values: list[str], index: int | None) -> str:
    return values[index].strip() if index is not None and index < len(values) else ""


@dataclass
class _FuenteScores:
    """Fuente's side of `fill_export`: per student, the formatted score of each target column."""

    students: list[Student]
    scores: list[tuple[str, ...]]  # "" = no score
    by_canvas_id: dict[str, int]
    by_sis_id: dict[str, int]
    by_login_id: dict[str, int]
    matched: list[bool]

    @classmethod
    def index(cls, gradebook: Gradebook, positions: list[int]) -> _FuenteScores:
        columns = [gradebook.columns[p] for p in positions]
        found = cls([], [], {}, {}, {}, [])
        for student, grades in gradebook.rows:
            number = len(found.students)
            found.students.append(student)
            found.scores.append(tuple(format_number(grade_for(grades, c).score) for c in columns))
            found.matched.append(False)
            for key, lookup in (
                (student.canvas_user_id, found.by_canvas_id),
                (student.sis_user_id, found.by_sis_id),
                (student.sis_login_id, found.by_login_id),
            ):
                if key:
                    lookup.setdefault(key, number)
        return found

    def find(self, canvas_id: str, sis_user_id: str, sis_login_id: str) -> int | None:
        """By Canvas ID, else SIS User ID, else SIS Login ID."""
        for key, lookup in (
            (canvas_id, self.by_canvas_id),
            (sis_user_id, self.by_sis_id),
            (sis_login_id, self.by_login_id),
        ):
            if key and key in lookup:
                return lookup[key]
        return None


def _read_header(records: Iterator[tuple[str, str]]) -> tuple[str, str, str, list[str]]:
    """The header record's body and line ending, the file's delimiter, and the header's cells
    (stripped, without a byte-order mark); ValueError when it is not a Canvas gradebook's."""
    try:
        header_body, header_ending = next(records)
    except StopIteration:
        raise ValueError(gettext("The Canvas file is empty.")) from None
    delimiter = _detect_delimiter(header_body)
    header_record = _Record(header_body, header_ending, delimiter)
    header = [value.strip() for value in header_record.values()]
    header[0] = header[0].lstrip("\ufeff")
    if "ID" not in header or "Section" not in header:
        raise ValueError(
            gettext("Not a Canvas gradebook export: no ID and Section columns in the header.")
        )
    return header_body, header_ending, delimiter, header


def _targets(
    header: list[str], gradebook: Gradebook
) -> tuple[list[tuple[int, int]], tuple[Column, ...]]:
    """(Fuente column position, Canvas column index) for each gradebook column whose assignment
    id is in the header ("Title (12345)", after Section; its first such column), and the
    gradebook columns that are not."""
    assignment_index: dict[str, int] = {}
    for index in range(header.index("Section") + 1, len(header)):
        match = ASSIGNMENT_HEADER.match(header[index])
        if match and not NON_ASSIGNMENT.search(header[index]):
            assignment_index.setdefault(match.group(2), index)
    targets = [
        (position, assignment_index[c.canvas_assignment_id])
        for position, c in enumerate(gradebook.columns)
        if c.canvas_assignment_id in assignment_index
    ]
    unmatched_columns = tuple(
        c for c in gradebook.columns if c.canvas_assignment_id not in assignment_index
    )
    return targets, unmatched_columns


def _row_name(values: list[str], id_index: int, *, first_names: bool) -> str:
    """A row as the report names it: "Student (Canvas ID)", or "Last, First (Canvas ID)"."""
    name = f"{values[0]}, {_cell(values, 1)}" if first_names else values[0]
    return f"{name} ({_cell(values, id_index)})"


def _new_cells(
    values: list[str], targets: list[tuple[int, int]], scores: tuple[str, ...]
) -> tuple[dict[int, str], int, int]:
    """The cells of a matched row to fill (by column index), and how many target cells were left
    because they already held the score, or because they are "EX" or "N/A"."""
    new_cells: dict[int, str] = {}
    unchanged = kept = 0
    for (_, index), score in zip(targets, scores, strict=True):
        if not score or index >= len(values):
            continue
        current = values[index].strip()
        if current in KEEP_CELLS:
            kept += 1
        elif _as_decimal(current) == Decimal(score):
            unchanged += 1
        else:
            new_cells[index] = score
    return new_cells, unchanged, kept


def fill_export(canvas_csv: TextIO, gradebook: Gradebook, out: TextIO) -> FillReport:
    """Copy a gradebook CSV exported from Canvas to `out`, with Fuente's scores filled in.

    Open both files with ``newline=""`` (and the same encoding) so line endings and any byte-order
    mark pass through untouched: every header cell, row and cell other than the filled ones is
    written exactly as read. A cell is filled only where Fuente has a score (no score never
    clears a Canvas grade) and the cell is not "EX" or "N/A". Students are matched by Canvas ID,
    else SIS User ID, else SIS Login ID; columns by the assignment id in "Title (12345)". A
    filled cell is a number (`cells.format_number`); nothing else is written, so no cell Fuente
    adds can start a spreadsheet formula, and the teacher's own cells stay Canvas's.

    Memory: the Canvas file streams through one record at a time; Fuente's side is held as one
    small tuple of scores per student (for the matched columns only), which the lookup needs.
    """
    records = _records(canvas_csv)
    header_body, header_ending, delimiter, header = _read_header(records)
    id_index = header.index("ID")
    sis_index = header.index("SIS User ID") if "SIS User ID" in header else None
    login_index = header.index("SIS Login ID") if "SIS Login ID" in header else None
    first_names = header[0] == "LastName"

    targets, unmatched_columns = _targets(header, gradebook)

    fuente = _FuenteScores.index(gradebook, [position for position, _ in targets])
    out.write(header_body + header_ending)
    filled = unchanged = kept = matched_students = 0
    unmatched_rows: list[str] = []
    for body, ending in records:
        record = _Record(body, ending, delimiter)
        values = record.values()
        if _is_skipped_row(body, values):
            out.write(body + ending)
            continue
        number = fuente.find(
            _cell(values, id_index), _cell(values, sis_index), _cell(values, login_index)
        )
        if number is None:
            unmatched_rows.append(_row_name(values, id_index, first_names=first_names))
            out.write(body + ending)
            continue

        fuente.matched[number] = True
        matched_students += 1
        new_cells, same, keep = _new_cells(values, targets, fuente.scores[number])
        unchanged += same
        kept += keep
        filled += len(new_cells)
        out.write(record.with_cells(new_cells) if new_cells else body + ending)

    return FillReport(
        filled=filled,
        unchanged=unchanged,
        kept=kept,
        matched_students=matched_students,
        unmatched_canvas_rows=tuple(unmatched_rows),
        unmatched_students=tuple(
            s for s, seen in zip(fuente.students, fuente.matched, strict=True) if not seen
        ),
        unmatched_columns=unmatched_columns,
    )

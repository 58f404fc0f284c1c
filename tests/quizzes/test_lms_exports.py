"""Grade-export writers (quizzes.lms): golden files, Canvas's reading rules, fill-in, streaming.

Golden files live in tests/quizzes/golden/. To regenerate them after a deliberate format change,
run with FUENTE_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import re
import tracemalloc
import zipfile
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal as D
from pathlib import Path

import pytest

from quizzes.lms import canvas, cells, moodle, oneroster, plain
from quizzes.lms.cells import format_number, safe_text
from quizzes.lms.model import Column, Grade, Gradebook, Roster, Student

GOLDEN = Path(__file__).parent / "golden"
NOW = datetime(2025, 3, 28, 17, 45, 30, 250000, tzinfo=UTC)

WEAPONS = Column(
    "quiz:river-flow",
    "Weapons Flow Quiz",
    D("10"),
    canvas_assignment_id="40101",
    due=date(2025, 3, 14),
)
FRAME = Column(
    "prompt:dams-debate",
    "Insurgency Frame Discussion",
    D("5.00"),
    canvas_assignment_id="40102",
)
PLAZA = Column("quiz:plaza-system", "Plaza System Quiz", D("8.5"), due=date(2025, 3, 21))
COLUMNS = (WEAPONS, FRAME, PLAZA)

NUNEZ = Student(
    "Núñez, María José",
    "mnunez",
    "mnunez@example.edu",
    sis_user_id="S1001",
    sis_login_id="mnunez",
    canvas_user_id="5001",
    section="Section 01",
)
OKAFOR = Student(
    "Okafor, Chidi",
    "cokafor",
    "cokafor@example.edu",
    sis_user_id="S1002",
    sis_login_id="cokafor",
    canvas_user_id="5002",
    section="Section 01",
)
# No Canvas id and no SIS user id: Canvas and fill_export must fall back to the login id.
LEE = Student("Lee, Dana", "dlee", "dlee@example.edu", sis_login_id="dlee", section="Section 02")

GRADES: dict[Student, dict[str, Grade]] = {
    NUNEZ: {
        WEAPONS.key: Grade(D("8.50")),
        FRAME.key: Grade(D("4"), 'Good "frame", but cite the map.'),
        PLAZA.key: Grade(D("7.25"), "Check the 2008 plaza split."),
    },
    OKAFOR: {
        WEAPONS.key: Grade(D("10.00")),
        FRAME.key: Grade(None),  # present but unscored
        PLAZA.key: Grade(D("0")),  # a real zero, not a blank
    },
    LEE: {},  # no scores at all
}


def small_gradebook(*extra: tuple[Student, Mapping[str, Grade]]) -> Gradebook:
    return Gradebook(
        course_title="México: cárteles y Estado",
        course_id="rivers",
        columns=COLUMNS,
        rows=(row for row in [*GRADES.items(), *extra]),  # a one-shot generator, as callers pass
    )


def text_of(write, gradebook: Gradebook) -> str:
    out = io.StringIO(newline="")
    write(gradebook, out)
    return out.getvalue()


def read_golden(name: str) -> str:
    with open(GOLDEN / name, encoding="utf-8", newline="") as f:
        return f.read()


def assert_golden(name: str, actual: str) -> None:
    if os.environ.get("FUENTE_UPDATE_GOLDEN"):
        (GOLDEN / name).write_text(actual, encoding="utf-8", newline="")
    expected = read_golden(name)
    assert actual == expected, f"{name} differs from its golden file"


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


# --- Shared rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("8.50"), "8.5"),
        (D("10.00"), "10"),
        (D("10"), "10"),
        (D("1E+1"), "10"),
        (D("0.00"), "0"),
        (D("-0"), "0"),
        (D("0.125"), "0.125"),
        (D("100"), "100"),
        (None, ""),
    ],
)
def test_numbers_are_written_plainly_without_trailing_zeros(value, text):
    assert format_number(value) == text


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1 555", "'+1 555"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\r=1", "'\r'=1"),  # a carriage return splits a cell too: what follows is guarded
        ("  =1", "  '=1"),
        # A separator a spreadsheet may split the cell on, then a formula: guarded there.
        ("x;=cmd|' /C calc'!A0", "x;'=cmd|' /C calc'!A0"),
        ("a,=1+1", "a,'=1+1"),
        ("ok|=1", "ok|'=1"),
        ("a\t-1", "a\t'-1"),
        ("line\n@x", "line\n'@x"),
        ("a; +1", "a; '+1"),
        # Left as they are.
        ("Núñez, María José", "Núñez, María José"),
        ("O'Brien", "O'Brien"),
        ("maria@example.edu", "maria@example.edu"),
        ("12.50", "12.50"),
        ("2025-03-14", "2025-03-14"),
        ("Quiz 1 - Part 2", "Quiz 1 - Part 2"),
        ("", ""),
    ],
)
def test_safe_text_puts_an_apostrophe_before_every_formula_a_spreadsheet_could_see(text, safe):
    assert safe_text(text) == safe


def test_numbers_are_never_given_an_apostrophe_and_text_always_goes_through_the_rule():
    assert cells.cell_text(D("-1.50")) == "-1.5"  # a number, even a negative one
    assert cells.cell_text(None) == ""
    assert cells.cell_text("-1.50") == "'-1.50"  # the same characters as text


def test_records_quote_commas_quotes_and_line_breaks_of_either_kind():
    record = cells.record(["a,b", 'say "hi"', "cr\rhere", "lf\nhere", "plain", D("8.50"), None])
    assert record == '"a,b","say ""hi""","cr\rhere","lf\nhere",plain,8.5,\n'
    assert parse(record) == [["a,b", 'say "hi"', "cr\rhere", "lf\nhere", "plain", "8.5", ""]]
    assert cells.record([""]) == '""\n'


# --- Golden files ------------------------------------------------------------------------------


def test_canvas_csv_matches_golden():
    assert_golden("canvas_import.csv", text_of(canvas.write_csv, small_gradebook()))


def test_moodle_csv_matches_golden():
    assert_golden("moodle.csv", text_of(moodle.write_csv, small_gradebook()))


def test_plain_csv_matches_golden():
    assert_golden("plain.csv", text_of(plain.write_csv, small_gradebook()))


def read_zip(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def oneroster_zip(gradebook: Gradebook, **options) -> bytes:
    out = io.BytesIO()
    oneroster.write_zip(gradebook, out, NOW, **options)
    return out.getvalue()


def test_oneroster_zip_matches_golden():
    files = read_zip(oneroster_zip(small_gradebook()))
    assert list(files) == ["manifest.csv", "lineItems.csv", "results.csv"]
    for name, text in files.items():
        assert_golden(f"oneroster_{name}", text)


# --- Canvas: the file as Canvas's importer reads it --------------------------------------------


def test_canvas_file_follows_canvas_header_rules():
    rows = parse(text_of(canvas.write_csv, small_gradebook()))
    header, points, *students = rows
    # GradebookImporter#header?: "Student" and "ID" first; SIS User ID then SIS Login ID make
    # five student columns, so the fifth must be "Section".
    assert header[:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    titled = [re.match(r"^(.*) \((\d+)\)$", cell) for cell in header[5:]]
    assert [(m.group(1), m.group(2)) if m else None for m in titled] == [
        ("Weapons Flow Quiz", "40101"),
        ("Insurgency Frame Discussion", "40102"),
        None,  # no Canvas id: Canvas creates "Plaza System Quiz" on import
    ]
    assert header[7] == "Plaza System Quiz"
    assert points == ["Points Possible", "", "", "", "", "10", "5", "8.5"]
    assert all(len(row) == len(header) for row in rows)
    by_name = {row[0]: row for row in students}
    assert by_name["Núñez, María José"][1:] == [
        "5001",
        "S1001",
        "mnunez",
        "Section 01",
        "8.5",
        "4",
        "7.25",
    ]
    assert by_name["Okafor, Chidi"][5:] == ["10", "", "0"]  # None is blank, zero is "0"
    assert by_name["Lee, Dana"][1:] == ["", "", "dlee", "Section 02", "", "", ""]


def test_canvas_title_warnings_flag_headers_canvas_would_misread():
    columns = (
        WEAPONS,
        Column("quiz:final", "Final Grade Review", D("5")),  # dropped as a computed column
        Column("quiz:week", "Week (3)", D("5")),  # "(3)" read as assignment id 3
        Column("quiz:week-known", "Week (3)", D("5"), canvas_assignment_id="40199"),
    )
    assert canvas.title_warnings(columns) == [
        (columns[1], canvas.COMPUTED_TITLE),
        (columns[2], canvas.ID_IN_TITLE),
    ]


# --- Canvas: filling an export from Canvas -----------------------------------------------------


def fill(canvas_text: str, gradebook: Gradebook) -> tuple[str, canvas.FillReport]:
    out = io.StringIO(newline="")
    report = canvas.fill_export(io.StringIO(canvas_text, newline=""), gradebook, out)
    return out.getvalue(), report


def canvas_export() -> str:
    return read_golden("canvas_export.csv")


def test_fill_export_matches_golden_and_reports():
    filled, report = fill(canvas_export(), small_gradebook())
    assert_golden("canvas_export_filled.csv", filled)
    assert report.filled == 2  # Núñez: quiz 8.00 -> 8.5, discussion blank -> 4
    assert report.unchanged == 1  # Okafor's quiz already 10.00
    assert report.kept == 0
    assert report.matched_students == 3  # Lee matched by SIS Login ID alone
    assert report.unmatched_canvas_rows == ("Ramírez, Luis (5004)", "Student, Test (5999)")
    assert report.unmatched_students == ()
    assert report.unmatched_columns == (PLAZA,)  # no Canvas id


def test_fill_export_changes_only_the_filled_cells():
    original = canvas_export()
    filled, _ = fill(original, small_gradebook())
    before, after = parse(original), parse(filled)
    assert len(before) == len(after)
    changed = {
        (r, c): (before[r][c], after[r][c])
        for r in range(len(before))
        for c in range(max(len(before[r]), len(after[r])))
        if before[r][c] != after[r][c]
    }
    nunez = next(r for r, row in enumerate(before) if row[1] == "5001")
    assert changed == {(nunez, 6): ("8.00", "8.5"), (nunez, 7): ("", "4")}
    # Byte-for-byte: every other line is identical, the header included.
    old_lines, new_lines = original.splitlines(True), filled.splitlines(True)
    assert [i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b] == [
        nunez
    ]
    assert new_lines[nunez] == (
        '"Núñez, María José",5001,S1001,mnunez,Section 01,"Extension, wk 3",8.5,4,12.00,'
        "20.00,20.00,66.67,66.67,57.14,57.14,20.00,20.00,66.67,66.67,57.14,57.14\n"
    )


def test_fill_export_keeps_crlf_and_byte_order_mark():
    def windows(text: str) -> str:
        return "\ufeff" + text.replace("\n", "\r\n")

    filled, report = fill(windows(canvas_export()), small_gradebook())
    assert filled == windows(read_golden("canvas_export_filled.csv"))
    assert report.filled == 2


def test_fill_export_reads_semicolons_and_decimal_commas():
    export = (
        "Student;ID;SIS User ID;SIS Login ID;Section;Weapons Flow Quiz (40101);"
        "Insurgency Frame Discussion (40102);Current Score\n"
        "    Points Possible;;;;;10,00;5,00;(read only)\n"
        "Okafor, Chidi;5002;S1002;cokafor;Section 01;10,00;;100,00\n"
        "Núñez, María José;5001;S1001;mnunez;Section 01;8,00;2,50;80,00\n"
    )
    filled, report = fill(export, small_gradebook())
    assert filled.splitlines()[2] == "Okafor, Chidi;5002;S1002;cokafor;Section 01;10,00;;100,00"
    assert filled.splitlines()[3] == "Núñez, María José;5001;S1001;mnunez;Section 01;8.5;4;80,00"
    assert (report.filled, report.unchanged) == (2, 1)


def test_fill_export_leaves_excused_unassigned_and_unscored_cells():
    export = (
        "Student,ID,SIS User ID,SIS Login ID,Section,Weapons Flow Quiz (40101),"
        "Insurgency Frame Discussion (40102),Plaza System Quiz (40103)\n"
        "Points Possible,,,,,10.00,5.00,8.50\n"
        '"Núñez, María José",5001,S1001,mnunez,Section 01,EX,N/A,"a note\nover two lines"\n'
        '"Okafor, Chidi",5002,S1002,cokafor,Section 01,,3.00,\n'
    )
    ghost = Student("Ghost, Ana", "aghost", "aghost@example.edu", canvas_user_id="5077")
    filled, report = fill(export, small_gradebook((ghost, {WEAPONS.key: Grade(D("9"))})))
    lines = filled.splitlines(True)
    assert lines[:4] == export.splitlines(True)[:4]  # Núñez: EX and N/A kept, quoted note intact
    # Okafor: the quiz filled; no Fuente score for the discussion, so Canvas's 3.00 stays.
    assert lines[4] == '"Okafor, Chidi",5002,S1002,cokafor,Section 01,10,3.00,\n'
    assert report.kept == 2
    assert report.filled == 1
    assert report.unmatched_students == (LEE, ghost)
    assert report.unmatched_columns == (PLAZA,)  # its header id 40103 is not Fuente's (none)


def test_fill_export_refuses_a_file_that_is_not_a_canvas_export():
    with pytest.raises(ValueError, match="Not a Canvas gradebook export"):
        fill("Name,Score\nDana,3\n", small_gradebook())
    with pytest.raises(ValueError, match="empty"):
        fill("", small_gradebook())


def test_fill_export_record_reader_agrees_with_the_csv_module():
    original = canvas_export()
    records = list(canvas._records(io.StringIO(original, newline="")))
    values = [canvas._Record(body, ending, ",").values() for body, ending in records]
    assert values == parse(original)


# --- Moodle and plain --------------------------------------------------------------------------


def test_moodle_columns_scores_and_feedback():
    header, *rows = parse(text_of(moodle.write_csv, small_gradebook()))
    # Lee has no SIS id, so no "ID number" column; the weapons quiz has no feedback, so no
    # "(feedback)" column that would erase Moodle's.
    assert header == [
        "Email address",
        "Username",
        "Weapons Flow Quiz",
        "Insurgency Frame Discussion",
        "Insurgency Frame Discussion (feedback)",
        "Plaza System Quiz",
        "Plaza System Quiz (feedback)",
    ]
    assert rows[0] == [
        "mnunez@example.edu",
        "mnunez",
        "8.5",
        "4",
        'Good "frame", but cite the map.',
        "7.25",
        "Check the 2008 plaza split.",
    ]
    assert rows[1][2:] == ["10", "", "", "0", ""]
    assert rows[2] == ["dlee@example.edu", "dlee", "", "", "", "", ""]


def test_moodle_offers_the_id_number_only_when_every_student_has_one():
    with_ids = Gradebook("C", "c", (WEAPONS,), [(NUNEZ, {}), (OKAFOR, {})])
    header, *rows = parse(text_of(moodle.write_csv, with_ids))
    assert header == ["Email address", "Username", "ID number", "Weapons Flow Quiz"]
    assert [row[2] for row in rows] == ["S1001", "S1002"]
    blank_id = Student("Roe, Sam", "sroe", "sroe@example.edu", sis_user_id="  ")
    mixed = Gradebook("C", "c", (WEAPONS,), [(NUNEZ, {}), (blank_id, {})])
    assert "ID number" not in parse(text_of(moodle.write_csv, mixed))[0]


def moodle_import(
    text: str, *, by: str, users: list[Student], feedback: dict[tuple[str, str], str]
) -> dict[tuple[str, str], str]:
    """Moodle's CSV grade import (grade/import/csv/classes/load_data.php), every column mapped
    as docs/grade-export-moodle.md says: each score to its item, each "(feedback)" column to its
    item's feedback. Returns the feedback per (username, item) after the import."""
    field = {"Email address": "email", "Username": "username", "ID number": "sis_user_id"}[by]
    header, *rows = parse(text)
    after = dict(feedback)
    for row in rows:
        value = row[header.index(by)]
        found = [user for user in users if getattr(user, field) == value]
        # check_user_exists: none or several (a blank ID number matches everyone without one).
        assert len(found) == 1, f"Moodle aborts: {len(found)} users with {by} {value!r}"
        for title, cell in zip(header, row, strict=True):
            if title.endswith(moodle.FEEDBACK_SUFFIX):
                # A mapped feedback cell is stored even when blank: it replaces Moodle's.
                after[(found[0].username, title.removesuffix(moodle.FEEDBACK_SUFFIX))] = cell
    return after


def test_moodle_import_keeps_feedback_a_teacher_wrote_in_moodle_for_quizzes():
    written_in_moodle = {("cokafor", "Weapons Flow Quiz"): "See me after class."}
    for by in ("Email address", "Username"):
        after = moodle_import(
            text_of(moodle.write_csv, small_gradebook()),
            by=by,
            users=list(GRADES),
            feedback=written_in_moodle,
        )
        assert after[("cokafor", "Weapons Flow Quiz")] == "See me after class."
        assert after[("mnunez", "Insurgency Frame Discussion")] == 'Good "frame", but cite the map.'


def test_moodle_never_offers_an_id_number_column_moodle_cannot_match():
    text = text_of(moodle.write_csv, small_gradebook())
    header = parse(text)[0]
    # Lee has no ID number: mapping by it would abort Moodle's import, so it is not offered.
    assert "ID number" not in header
    ids = Gradebook("C", "c", COLUMNS, [(NUNEZ, GRADES[NUNEZ]), (OKAFOR, GRADES[OKAFOR])])
    moodle_import(text_of(moodle.write_csv, ids), by="ID number", users=list(GRADES), feedback={})


def test_plain_totals_count_only_scored_columns():
    header, *rows = parse(text_of(plain.write_csv, small_gradebook()))
    assert header[5:] == [
        "Weapons Flow Quiz (10 pts)",
        "Insurgency Frame Discussion (5 pts)",
        "Plaza System Quiz (8.5 pts)",
        "Total",
        "Total possible",
    ]
    assert rows[0][5:] == ["8.5", "4", "7.25", "19.75", "23.5"]
    assert rows[1][5:] == ["10", "", "0", "10", "18.5"]
    assert rows[2][5:] == ["", "", "", "", ""]


# --- OneRoster ---------------------------------------------------------------------------------


def csv_dicts(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_oneroster_headers_and_consistent_ids():
    files = read_zip(oneroster_zip(small_gradebook()))
    assert files["manifest.csv"].splitlines()[0] == "propertyName,value"
    assert files["lineItems.csv"].splitlines()[0] == (
        "sourcedId,status,dateLastModified,title,description,assignDate,dueDate,classSourcedId,"
        "categorySourcedId,gradingPeriodSourcedId,resultValueMin,resultValueMax"
    )
    assert files["results.csv"].splitlines()[0] == (
        "sourcedId,status,dateLastModified,lineItemSourcedId,studentSourcedId,scoreStatus,score,"
        "scoreDate,comment"
    )
    manifest = dict(parse(files["manifest.csv"])[1:])
    assert manifest["manifest.version"] == "1.0"
    assert manifest["oneroster.version"] == "1.1"
    assert manifest["source.systemName"] == "Fuente"
    declared = {k.removeprefix("file."): v for k, v in manifest.items() if k.startswith("file.")}
    assert len(declared) == 13
    assert {k for k, v in declared.items() if v != "absent"} == {"lineItems", "results"}
    assert {f"{k}.csv" for k, v in declared.items() if v != "absent"} | {"manifest.csv"} == set(
        files
    )

    items = csv_dicts(files["lineItems.csv"])
    results = csv_dicts(files["results.csv"])
    item_ids = [item["sourcedId"] for item in items]
    assert item_ids == [
        "rivers:quiz:river-flow",
        "rivers:prompt:dams-debate",
        "rivers:quiz:plaza-system",
    ]
    assert {item["classSourcedId"] for item in items} == {"rivers"}
    assert [item["resultValueMax"] for item in items] == ["10", "5", "8.5"]
    assert [item["dueDate"] for item in items] == ["2025-03-14", "2025-07-31", "2025-03-21"]
    assert {r["lineItemSourcedId"] for r in results} <= set(item_ids)
    assert len({r["sourcedId"] for r in results}) == len(results)
    for r in results:
        assert r["sourcedId"] == f"{r['lineItemSourcedId']}:{r['studentSourcedId']}"
    # Only scored cells: Núñez 3, Okafor 2 (the unscored discussion and Lee are skipped).
    assert [(r["studentSourcedId"], r["score"]) for r in results] == [
        ("S1001", "8.5"),
        ("S1001", "4"),
        ("S1001", "7.25"),
        ("S1002", "10"),
        ("S1002", "0"),
    ]
    for row in [*items, *results]:
        assert row["status"] == "active"
        assert row["dateLastModified"] == "2025-03-28T17:45:30.250Z"
    assert {r["scoreStatus"] for r in results} == {"fully graded"}
    assert {r["scoreDate"] for r in results} == {"2025-03-28"}


def test_oneroster_falls_back_to_username_and_converts_time_to_utc():
    solo = Student("Lee, Dana", "dlee", "dlee@example.edu")
    gradebook = Gradebook("C", "c1", (WEAPONS,), [(solo, {WEAPONS.key: Grade(D("6"), "ok")})])
    out = io.BytesIO()
    mexico = timezone(timedelta(hours=-6))
    oneroster.write_zip(gradebook, out, datetime(2025, 3, 28, 11, 45, 30, 250000, tzinfo=mexico))
    (result,) = csv_dicts(read_zip(out.getvalue())["results.csv"])
    assert result["studentSourcedId"] == "dlee"
    assert result["dateLastModified"] == "2025-03-28T17:45:30.250Z"
    assert result["comment"] == "ok"


def test_oneroster_bulk_mode_leaves_status_and_date_blank():
    gradebook = small_gradebook()
    roster = Roster(
        class_id="sis-class-9", category_id="cat-quizzes", grading_period_id="gp-2025-spring"
    )
    files = read_zip(oneroster_zip(dataclasses.replace(gradebook, roster=roster), mode="bulk"))
    manifest = dict(parse(files["manifest.csv"])[1:])
    assert (manifest["file.lineItems"], manifest["file.results"]) == ("bulk", "bulk")
    items, results = csv_dicts(files["lineItems.csv"]), csv_dicts(files["results.csv"])
    assert {(r["status"], r["dateLastModified"]) for r in [*items, *results]} == {("", "")}
    assert {
        (i["classSourcedId"], i["categorySourcedId"], i["gradingPeriodSourcedId"]) for i in items
    } == {("sis-class-9", "cat-quizzes", "gp-2025-spring")}


def test_oneroster_writes_to_a_stream_that_cannot_seek():
    sink = BinarySink()
    oneroster.write_zip(small_gradebook(), sink, NOW)
    assert read_zip(bytes(sink.data)) == read_zip(oneroster_zip(small_gradebook()))


def test_oneroster_refuses_an_unknown_mode():
    with pytest.raises(ValueError, match="Unknown OneRoster mode"):
        oneroster.write_zip(small_gradebook(), io.BytesIO(), NOW, mode="full")  # type: ignore[arg-type]


# --- Streaming ---------------------------------------------------------------------------------


class TextSink(io.TextIOBase):
    """Counts what is written and keeps nothing."""

    def __init__(self) -> None:
        self.chars = 0
        self.lines = 0

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        self.chars += len(s)
        self.lines += s.count("\n")
        return len(s)


class BinarySink(io.RawIOBase):
    """A write-only, non-seekable byte stream; keeps the bytes only if asked to."""

    def __init__(self, keep: bool = True) -> None:
        self.data = bytearray()
        self.size = 0
        self.keep = keep

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:  # type: ignore[override]
        self.size += len(b)
        if self.keep:
            self.data += b
        return len(b)


class OnceOnly:
    """2,000 students × 20 columns, made one at a time; iterating twice is an error."""

    STUDENTS, COLUMNS = 2000, 20

    def __init__(self, columns: tuple[Column, ...], progress=None) -> None:
        self.columns = columns
        self.used = False
        self.progress = progress  # called with the index of each student about to be yielded

    def __iter__(self) -> Iterator[tuple[Student, dict[str, Grade]]]:
        if self.used:
            raise AssertionError("the gradebook rows were iterated twice")
        self.used = True
        for i in range(self.STUDENTS):
            if self.progress:
                self.progress(i)
            student = Student(
                f"Student {i:04d}, Test",
                f"user{i:04d}",
                f"user{i:04d}@example.edu",
                sis_user_id=f"S{i:05d}",
                canvas_user_id=str(10000 + i),
                section="Section 01",
            )
            grades = {
                c.key: Grade(D(i % 11) if (i + n) % 7 else None, "fine" if n % 5 == 0 else "")
                for n, c in enumerate(self.columns)
            }
            yield student, grades


def big_columns() -> tuple[Column, ...]:
    return tuple(
        Column(f"quiz:q{n:02d}", f"Quiz {n:02d}", D(10), canvas_assignment_id=str(40000 + n))
        for n in range(OnceOnly.COLUMNS)
    )


def peak_bytes(action) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    ("writer", "rows_before_students"),
    [(canvas.write_csv, 2), (plain.write_csv, 1)],
    ids=["canvas", "plain"],
)
def test_text_writers_stream_one_row_at_a_time(writer, rows_before_students):
    columns = big_columns()
    sink = TextSink()

    def check(i: int) -> None:
        # Everything before student i is already written when the writer asks for student i.
        assert sink.lines == rows_before_students + i

    rows = OnceOnly(columns, progress=check)
    gradebook = Gradebook("Big", "big", columns, rows)
    peak = peak_bytes(lambda: writer(gradebook, sink))
    assert sink.lines == rows_before_students + OnceOnly.STUDENTS
    assert peak < 5 * 1024 * 1024, f"peak {peak:,} bytes"


def test_moodle_reads_the_rows_once_and_spools_them_in_flat_memory():
    # Moodle's header depends on every row (ID numbers, feedback), so the rows are spooled.
    columns = big_columns()
    sink = TextSink()
    gradebook = Gradebook("Big", "big", columns, OnceOnly(columns))
    peak = peak_bytes(lambda: moodle.write_csv(gradebook, sink))
    assert sink.lines == 1 + OnceOnly.STUDENTS
    assert peak < 5 * 1024 * 1024, f"peak {peak:,} bytes"


def test_oneroster_streams_into_the_zip():
    columns = big_columns()
    gradebook = Gradebook("Big", "big", columns, OnceOnly(columns))
    sink = BinarySink(keep=False)
    peak = peak_bytes(lambda: oneroster.write_zip(gradebook, sink, NOW))
    assert sink.size > 0
    assert peak < 5 * 1024 * 1024, f"peak {peak:,} bytes"


def test_once_only_rows_really_refuse_a_second_pass():
    rows = OnceOnly(big_columns())
    next(iter(rows))
    with pytest.raises(AssertionError, match="twice"):
        next(iter(rows))


# --- Formula injection -------------------------------------------------------------------------


def test_every_text_cell_is_safe_ids_and_titles_included_and_scores_are_numbers():
    evil = Student(
        '=HYPERLINK("http://evil.example","Grades")',
        "-user",
        "+1@example.edu",
        sis_user_id="@S9",
        sis_login_id="=login",
        canvas_user_id="5009;=1",
        section="+Section",
    )
    titled = Column("quiz:minus", "-5 to 5 Quiz", D(10), canvas_assignment_id="40120")

    def gradebook() -> Gradebook:
        return Gradebook("C", "-c1", (titled,), [(evil, {titled.key: Grade(D(3), "=1+1")})])

    c_header, c_points, c_row = parse(text_of(canvas.write_csv, gradebook()))
    assert c_row == [
        '\'=HYPERLINK("http://evil.example","Grades")',
        "5009;'=1",
        "'@S9",
        "'=login",
        "'+Section",
        "3",
    ]
    assert c_header[5] == "'-5 to 5 Quiz (40120)"
    assert c_points[5] == "10"

    _, p_row = parse(text_of(plain.write_csv, gradebook()))
    assert p_row == [
        '\'=HYPERLINK("http://evil.example","Grades")',
        "'-user",
        "'+1@example.edu",
        "'@S9",
        "'+Section",
        "3",
        "3",
        "10",
    ]

    m_header, m_row = parse(text_of(moodle.write_csv, gradebook()))
    assert m_header[3:] == ["'-5 to 5 Quiz", "'-5 to 5 Quiz (feedback)"]
    assert m_row == ["'+1@example.edu", "'-user", "'@S9", "3", "'=1+1"]

    files = read_zip(oneroster_zip(gradebook()))
    items = csv_dicts(files["lineItems.csv"])
    results = csv_dicts(files["results.csv"])
    assert (items[0]["sourcedId"], items[0]["title"]) == ("'-c1:quiz:minus", "'-5 to 5 Quiz")
    assert (items[0]["classSourcedId"], items[0]["resultValueMax"]) == ("'-c1", "10")
    assert results[0]["lineItemSourcedId"] == items[0]["sourcedId"]  # still consistent
    assert (results[0]["studentSourcedId"], results[0]["score"]) == ("'@S9", "3")
    assert results[0]["comment"] == "'=1+1"

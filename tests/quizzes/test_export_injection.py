"""Every file a teacher downloads is safe to open: no spreadsheet formula in any grade export,
and question texts that reach Moodle exactly as written (issue 10, item 6).

A corpus of formula-injection payloads (and harmless values that must stay as they are) goes into
every field an export carries — usernames, names, e-mails, SIS ids, SIS login ids, Canvas ids,
sections, override reasons, feedback, quiz titles — and out through the paths teachers use: the
gradebook's downloads, the export_grades command and the Canvas fill. No cell may start a formula
(at its start, or after a separator a spreadsheet may split on), and the data must all be there:
taking the apostrophes out gives back exactly what was stored.
"""

from __future__ import annotations

import csv
import html
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from courseware.models import Enrollment, Post, Prompt
from quizzes.exchange.export import export_questions
from quizzes.models import Question
from quizzes.services import override_grade
from tests.factories import EnrollmentFactory, UserFactory, make_question, make_quiz
from tests.quizzes import gift_parser

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    "x;=cmd|' /C calc'!A0",
    "a,=1+1",
    '=HYPERLINK("http://x")',
    "ok|=1",
]
HARMLESS = ["O'Brien", "student1", "maria@example.edu", "12.50"]
CORPUS = PAYLOADS + HARMLESS

# A formula starts at the start of a cell, or after a character a spreadsheet may split a cell
# on (its list separator, a tab, a line break, a pipe), spaces allowed in between.
TRIGGER = "[=+\\-@\t\r]"
SEPARATOR = "[,;\t\r\n|]"
UNSAFE = re.compile(f"(?:\\A|{SEPARATOR}) *{TRIGGER}")
APOSTROPHE = re.compile(f"(?:\\A|(?<={SEPARATOR}))( *)'(?={TRIGGER})")
GRADE_FORMATS = ("canvas", "moodle", "csv", "oneroster")


def restored(cell: str) -> str:
    """A cell with the apostrophes that neutralise formulas taken out again."""
    return APOSTROPHE.sub(r"\1", cell)


def email_of(value: str) -> str:
    return value if "@" in value else f"{value}@example.edu"


@pytest.fixture
def book(course, teacher):
    """A student per corpus value with it in every field, a quiz titled with each value (each
    student has an override with the value as its reason), and a scored discussion response
    with the value as the teacher's comment."""
    quizzes = []
    question = make_question("injection-q")
    for number, value in enumerate(CORPUS):
        quiz = make_quiz(
            course, [question], slug=f"injection-{number}", canvas_assignment_id=f"{7000 + number}"
        )
        quiz.title = value
        quiz.save(update_fields=["title"])
        quizzes.append(quiz)
    prompt = Prompt.objects.get(slug="dams-debate")
    for number, value in enumerate(CORPUS):
        user = UserFactory(username=value, first_name=value, last_name=value, email=email_of(value))
        EnrollmentFactory(
            course=course,
            user=user,
            role=Enrollment.Role.STUDENT,
            sis_user_id=value,
            sis_login_id=value,
            canvas_user_id=value,
            section=value,
        )
        override_grade(
            quiz=quizzes[number], student=user, points=Decimal(1), reason=value, by=teacher
        )
        Post.objects.create(
            prompt=prompt,
            course=course,
            author=user,
            body="My view.",
            score=Decimal("2.5"),
            teacher_comment=value,
            scored_by=teacher,
        )
    return quizzes, prompt


def csv_files(fmt: str, data: bytes) -> dict[str, list[list[str]]]:
    """Each CSV file of a download, parsed by the csv module."""
    if fmt == "oneroster":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            texts = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    elif fmt == "canvas":  # a zip of import files: their rows, one after another
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            texts = {fmt: "".join(archive.read(n).decode("utf-8") for n in archive.namelist())}
    else:
        texts = {fmt: data.decode("utf-8")}
    return {name: list(csv.reader(io.StringIO(text, newline=""))) for name, text in texts.items()}


def download(client, course, fmt: str) -> bytes:
    response = client.get(reverse("gradebook_export", args=[course.slug, fmt]))
    assert response.status_code == 200
    return response.content


def unsafe_cells(files: dict[str, list[list[str]]]) -> list[tuple[str, str]]:
    return [
        (name, cell)
        for name, rows in files.items()
        for row in rows
        for cell in row
        if UNSAFE.search(cell)
    ]


def expected_texts(fmt: str) -> dict[str, list[str]]:
    """Per file, the texts Fuente stored that the file must carry (each in some cell)."""
    names = [f"{value}, {value}" for value in CORPUS]
    titles = [f"{value} ({7000 + number})" for number, value in enumerate(CORPUS)]
    if fmt == "canvas":
        return {"canvas": [*CORPUS, *names, *titles]}  # ids, sections; names; headers
    if fmt == "moodle":
        emails = [email_of(value) for value in CORPUS]
        # Quizzes carry no feedback, so Moodle's file has no "(feedback)" column for them.
        return {"moodle": [*CORPUS, *emails]}  # usernames, ids, feedback
    if fmt == "csv":
        emails = [email_of(value) for value in CORPUS]
        headers = [f"{value} (1 pts)" for value in CORPUS]
        return {"csv": [*CORPUS, *names, *emails, *headers]}
    return {
        "lineItems.csv": list(CORPUS),  # titles
        "results.csv": list(CORPUS),  # student sourcedIds (SIS ids) and comments (feedback)
    }


def assert_safe_and_complete(fmt: str, files: dict[str, list[list[str]]]) -> None:
    unsafe = unsafe_cells(files)
    assert unsafe == [], f"{len(unsafe)} unsafe cells in the {fmt} export: {unsafe[:8]}"
    for name, texts in expected_texts(fmt).items():
        cells = [cell for row in files[name] for cell in row]
        back = {restored(cell) for cell in cells}
        missing = [text for text in texts if text not in back]
        assert missing == [], f"{name}: lost {missing}"
        for text in texts:
            if not UNSAFE.search(text):
                assert text in cells, f"{name}: {text!r} was changed"  # harmless: untouched
            elif not UNSAFE.search(text[1:]) and text[:1] != " ":
                assert "'" + text in cells, f"{name}: {text!r} is not just given an apostrophe"


@pytest.mark.parametrize("fmt", GRADE_FORMATS)
def test_no_cell_of_a_gradebook_download_starts_a_formula_and_nothing_is_lost(
    client, course, teacher, book, fmt
):
    client.force_login(teacher)
    assert_safe_and_complete(fmt, csv_files(fmt, download(client, course, fmt)))


@pytest.mark.parametrize("fmt", GRADE_FORMATS)
def test_the_export_grades_command_writes_the_same_safe_files(
    client, course, teacher, book, fmt, tmp_path
):
    path = tmp_path / f"grades.{fmt}"
    call_command(
        "export_grades",
        "--course",
        course.slug,
        "--format",
        fmt,
        "--output",
        str(path),
        stderr=io.StringIO(),
    )
    files = csv_files(fmt, path.read_bytes())
    assert_safe_and_complete(fmt, files)
    if fmt != "oneroster":  # a zip carries its own timestamps
        client.force_login(teacher)
        assert path.read_bytes() == download(client, course, fmt)


def test_scores_and_points_are_numbers_never_given_an_apostrophe(client, course, teacher, book):
    _, prompt = book
    client.force_login(teacher)
    rows = csv_files("canvas", download(client, course, "canvas"))["canvas"]
    parts = [rows[i : i + 3] for i in range(0, len(rows), 3)]  # each file: one student here
    assert all(points[0] == "Points Possible" for _, points, _ in parts)
    assert all(re.fullmatch(r"[0-9.]*", cell) for _, points, _ in parts for cell in points[5:])
    header, _, row = next(p for p in parts if restored(p[2][1]) == "=1+1")
    assert row[[restored(cell) for cell in header].index("=1+1 (7000)")] == "1"
    header, *students = csv_files("csv", download(client, course, "csv"))["csv"]
    possible = f"{1 + prompt.points:f}".rstrip("0").rstrip(".")
    # "12.50" as a username is text, left as it is; the totals beside it are numbers.
    assert [row[-2:] for row in students if row[1] == "12.50"] == [["3.5", possible]]


# --- The Canvas fill ---------------------------------------------------------------------------


def canvas_file(rows: list[list[str]]) -> str:
    """A CSV file as Canvas writes one (a field with a comma, quote or line break is quoted)."""

    def field(text: str) -> str:
        return '"' + text.replace('"', '""') + '"' if re.search('[,"\r\n]', text) else text

    return "".join(",".join(field(cell) for cell in row) + "\n" for row in rows)


def test_the_canvas_fill_writes_only_numbers_and_copies_the_teachers_cells_byte_for_byte(
    client, course, teacher, book
):
    """Fuente writes scores (numbers) into the teacher's own Canvas file; every other cell is
    Canvas's and goes back to Canvas as it came, payloads included (Canvas matches on them)."""
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    header += ["=1+1 (7000)", *(f"Quiz {n} ({7000 + n})" for n in range(1, len(CORPUS)))]
    points = ["Points Possible", "", "", "", "", *["1.00"] * len(CORPUS)]
    students = [
        [f"{value}, {value}", value, value, value, value, *[""] * len(CORPUS)] for value in CORPUS
    ]
    uploaded = canvas_file([header, points, *students])
    client.force_login(teacher)
    response = client.post(
        reverse("gradebook_canvas_fill", args=[course.slug]),
        {"canvas_file": SimpleUploadedFile("g.csv", uploaded.encode(), content_type="text/csv")},
    )
    assert response.status_code == 200
    filled = list(csv.reader(io.StringIO(response.content.decode(), newline="")))
    expected = [header, points, *students]
    written = [
        (r, c, new)
        for r, (before, after) in enumerate(zip(expected, filled, strict=True))
        for c, (old, new) in enumerate(zip(before, after, strict=True))
        if old != new
    ]
    # Students are matched by the Canvas ID as Canvas wrote it: "=1+1" gets its quiz's score.
    assert (2, 5, "1") in written
    assert all(re.fullmatch(r"[0-9]+(\.[0-9]+)?", new) for _, _, new in written)
    for r, c, new in written:
        expected[r][c] = new
    assert response.content.decode() == canvas_file(expected)  # the rest byte for byte


# --- Moodle XML and GIFT ----------------------------------------------------------------------

# Each of XML's and GIFT's special characters, and sequences that end a CDATA section or look
# like GIFT syntax.
TRICKY = [
    "1 < 2 & 3 > 2",
    "]]> ends CDATA <![CDATA[",
    "{braces}",
    "~tilde = equals",
    "#hash: colon",
    "back\\slash \\n \\: \\#",
    "&amp; is not &",
    "=1+1",
]
BASE = "https://fuente.example.edu"


@pytest.fixture
def tricky_questions(course):
    short = make_question("tricky-short", "short", {"accepted": TRICKY})
    matching = make_question(
        "tricky-matching",
        "matching",
        {
            "pairs": [
                {"id": f"p{n}", "left": f"Left {text}", "right": f"Right {text}"}
                for n, text in enumerate(TRICKY)
            ],
            "distractors": [{"id": "x", "text": "Neither {~=#:} <&>"}],
        },
    )
    ordering = make_question(
        "tricky-ordering",
        "ordering",
        {"items": [{"id": f"i{n}", "text": text} for n, text in enumerate(TRICKY)]},
    )
    return [short, matching, ordering]


def exported(fmt: str, questions: list[Question], course) -> str:
    out = io.StringIO()
    export_questions(
        course=course,
        questions=Question.objects.filter(pk__in=[q.pk for q in questions]).order_by("key"),
        fmt=fmt,
        out=out,
        base_url=BASE,
    )
    return out.getvalue()


def test_short_answers_matching_pairs_and_ordering_items_round_trip_through_moodle_xml(
    course, tricky_questions
):
    root = ET.fromstring(exported("moodle", tricky_questions, course).encode("utf-8"))
    nodes = {node.findtext("name/text"): node for node in root.findall("question")}
    short = nodes["tricky-short"]
    # Moodle stores short answers as plain text.
    assert [a.findtext("text") for a in short.findall("answer")] == TRICKY
    matching = nodes["tricky-matching"]
    pairs = [
        (html.unescape(s.findtext("text")), s.findtext("answer/text"))
        for s in matching.findall("subquestion")
    ]
    # The left side is HTML (escaped plain text); the right side plain text, as Moodle stores it.
    assert pairs == [(f"Left {t}", f"Right {t}") for t in TRICKY] + [("", "Neither {~=#:} <&>")]
    ordering = nodes["tricky-ordering"]
    assert [html.unescape(a.findtext("text")) for a in ordering.findall("answer")] == TRICKY


def test_short_answers_and_matching_pairs_round_trip_through_gift(course, tricky_questions):
    text = exported("gift", tricky_questions, course)
    parsed = {
        item.name: item
        for item in gift_parser.parse(text)
        if isinstance(item, gift_parser.Question)
    }
    assert "tricky-ordering" not in parsed  # GIFT has no ordering question
    short = parsed["tricky-short"]
    assert short.kind == "shortanswer"
    assert [a.text for a in short.answers] == TRICKY
    matching = parsed["tricky-matching"]
    assert matching.kind == "match"
    assert [(html.unescape(left), right) for left, right in matching.pairs] == [
        (f"Left {t}", f"Right {t}") for t in TRICKY
    ] + [("", "Neither {~=#:} <&>")]


def test_what_gift_cannot_escape_in_a_plain_text_leaves_the_question_out_with_a_reason(course):
    """Short answers and matching answers are plain text in Moodle: a leading "[html]" (read as
    a format) and Moodle's own placeholders ("&&058;", read as ":") cannot be escaped in GIFT, so
    such a question is left out of GIFT, never changed; Moodle XML carries it exactly."""
    short = make_question("format-short", "short", {"accepted": ["[html]<b>", "plain"]})
    matching = make_question(
        "placeholder-matching",
        "matching",
        {
            "pairs": [
                {"id": "a", "left": "A", "right": "AT&&058;T"},
                {"id": "b", "left": "B", "right": "two"},
            ],
            "distractors": [{"id": "x", "text": "three"}],
        },
    )
    questions = Question.objects.filter(pk__in=[short.pk, matching.pk]).order_by("key")
    out = io.StringIO()
    result = export_questions(
        course=course, questions=questions, fmt="gift", out=out, base_url=BASE
    )
    reasons = {s.key: s.reason for s in result.skipped}
    assert sorted(reasons) == ["format-short", "placeholder-matching"]
    assert "starts with '[html]'" in reasons["format-short"]
    assert "'&&058;'" in reasons["placeholder-matching"]
    parsed = gift_parser.parse(out.getvalue())
    assert not [item for item in parsed if isinstance(item, gift_parser.Question)]

    root = ET.fromstring(exported("moodle", [short, matching], course).encode("utf-8"))
    nodes = {node.findtext("name/text"): node for node in root.findall("question")}
    assert [a.findtext("text") for a in nodes["format-short"].findall("answer")] == [
        "[html]<b>",
        "plain",
    ]
    rights = [
        s.findtext("answer/text") for s in nodes["placeholder-matching"].findall("subquestion")
    ]
    assert rights == ["AT&&058;T", "two", "three"]

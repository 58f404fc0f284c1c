"""Question export (quizzes.exchange): Moodle XML and GIFT, golden files, the structure Moodle's
importers read, a GIFT round trip through tests/quizzes/gift_parser.py (written after Moodle's
own GIFT importer), and the export_questions command.

Golden files live in tests/quizzes/golden/. To regenerate them after a deliberate change (to a
writer, or to the pack's golden-set questions), run with FUENTE_UPDATE_GOLDEN=1 and review the
diff.
"""

from __future__ import annotations

import html
import io
import os
import re
import xml.etree.ElementTree as ET
from decimal import Decimal as D
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.urls import resolve, reverse

from courseware.models import Course
from quizzes.exchange import gift, moodle_xml
from quizzes.exchange.export import bank_questions, export_questions, exportable
from quizzes.exchange.model import Citation, ExportQuestion, check_base_url
from quizzes.exchange.render import general_feedback, html_block
from quizzes.models import Question, Quiz
from tests.factories import CourseFactory, make_question, make_quiz
from tests.quizzes import gift_parser, moodle_xml_checker

GOLDEN = Path(__file__).parent / "golden"
BASE = "https://fuente.example.edu"
# One fixture pack question of each kind: a multiple response with 3 of 4 correct (thirds), a
# numeric answer with a tolerance, a matching question with a distractor.
GOLDEN_KEYS = (
    "flow-longest",  # single
    "flow-dam-effects",  # multiple
    "flow-amazon-water",  # true_false
    "flow-sinking-rate",  # numeric
    "flow-silt-trap",  # short
    "flow-dam-dates",  # ordering
    "flow-who-said",  # matching
)
CITATION = Citation(
    "How US guns reach Mexico's cartels", "2026-03-03", "two military-run stores", f"{BASE}/c/1/"
)
SPECIAL = "a ~ b = c # d { e } f : g \\ h"


def export(questions: list[ExportQuestion], writer=gift.write, **options) -> tuple[str, list[str]]:
    out = io.StringIO()
    skipped = writer(questions, out, **options)
    return out.getvalue(), [s.key for s in skipped]


def question(kind: str, data: dict, **fields) -> ExportQuestion:
    fields = {
        "key": f"q-{kind}",
        "stem": f"Stem of the {kind} question?",
        "explanation": "Because the source says so.",
        "citations": (CITATION,),
        **fields,
    }
    return ExportQuestion(kind=kind, data=data, **fields)


def plain_text(html_text: str) -> str:
    """Fuente's plain text back from the writers' HTML (paragraphs and <br>s)."""
    paragraphs = re.findall(r"<p>(.*?)</p>", html_text, re.DOTALL) or [html_text]
    return "\n\n".join(html.unescape(p.replace("<br>", "\n")) for p in paragraphs)


def parse_gift(text: str) -> dict[str, gift_parser.Question]:
    items = gift_parser.parse(text)
    return {item.name: item for item in items if isinstance(item, gift_parser.Question)}


def parse_xml(text: str) -> dict[str, ET.Element]:
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "quiz"
    return {
        node.findtext("name/text"): node
        for node in root.findall("question")
        if node.get("type") != "category"
    }


def fractions(node: ET.Element) -> list[D]:
    return [D(answer.get("fraction")) for answer in node.findall("answer")]


def assert_golden(name: str, actual: str) -> None:
    if os.environ.get("FUENTE_UPDATE_GOLDEN"):
        (GOLDEN / name).write_text(actual, encoding="utf-8", newline="")
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from its golden file"


CHOICES = [
    {"id": "a", "text": "Two", "correct": True, "feedback": "Right: dams trap the silt."},
    {"id": "b", "text": "One", "correct": False, "feedback": ""},
    {"id": "c", "text": "Three", "correct": False},
]
EVERY_KIND = [
    question("single", {"choices": CHOICES}),
    question(
        "multiple",
        {"choices": [{**c, "correct": c["id"] != "c"} for c in CHOICES]},
    ),
    question("true_false", {"answer": False, "feedback_true": "No.", "feedback_false": "Yes."}),
    question("numeric", {"answer": 137000, "tolerance": 0, "unit": "rounds"}),
    question("short", {"accepted": ["CJNG", "Jalisco New Generation Cartel"]}),
    question(
        "ordering",
        {"items": [{"id": "a", "text": "First"}, {"id": "b", "text": "Second"}]},
    ),
    question(
        "matching",
        {
            "pairs": [
                {"id": "a", "left": "Al Jazeera", "right": "two stores"},
                {"id": "b", "left": "New Lines", "right": "one store"},
            ],
            "distractors": [{"id": "x", "text": "three stores"}],
        },
    ),
]


# --- Pure: what both formats share --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One line", "<p>One line</p>"),
        ("Line one\nline two", "<p>Line one<br>line two</p>"),
        ("First.\n\n  Second.\r\n\r\nThird.", "<p>First.</p><p>Second.</p><p>Third.</p>"),
        ("<b>bold</b> & co", "<p>&lt;b&gt;bold&lt;/b&gt; &amp; co</p>"),
        ("bell\x07 and nul\x00", "<p>bell and nul</p>"),
        ("  ", ""),
    ],
)
def test_plain_text_becomes_escaped_html_paragraphs(text, expected):
    assert html_block(text) == expected


@pytest.mark.parametrize(
    "url",
    [
        "",
        "fuente.example.edu",
        "/courses/",
        "ftp://x.edu",
        "https://",
        "https://x.edu/?",
        "x.edu/#",
    ],
)
def test_a_base_url_that_is_not_an_absolute_http_address_is_refused(url):
    with pytest.raises(ValueError, match="absolute address"):
        check_base_url(url)


def test_a_base_url_loses_its_trailing_slash():
    assert check_base_url(" https://fuente.example.edu/ ") == BASE
    assert check_base_url("http://school.edu/fuente/") == "http://school.edu/fuente"


def test_general_feedback_has_the_explanation_then_each_quote_and_its_link():
    feedback = general_feedback(question("single", {"choices": CHOICES}))
    assert feedback == (
        "<p>Because the source says so.</p>"
        "<blockquote><p>“two military-run stores”</p></blockquote>"
        f'<p><a href="{BASE}/c/1/">How US guns reach Mexico\'s cartels (2026-03-03)'
        " — open at these words</a></p>"
    )


# --- Pure: Moodle XML ---------------------------------------------------------------------------


def test_every_kind_is_written_as_moodle_xml_that_parses():
    text, skipped = export(EVERY_KIND, moodle_xml.write, category=["Course", "A/B quiz"])
    assert skipped == []
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
    root = ET.fromstring(text.encode("utf-8"))
    category, *questions = root.findall("question")
    assert category.get("type") == "category"
    assert category.findtext("category/text") == "$course$/top/Course/A//B quiz"
    assert [q.get("type") for q in questions] == [
        "multichoice",
        "multichoice",
        "truefalse",
        "numerical",
        "shortanswer",
        "ordering",
        "matching",
    ]
    for node, source in zip(questions, EVERY_KIND, strict=True):
        assert node.findtext("name/text") == source.key
        assert node.findtext("idnumber") == source.key
        assert node.find("questiontext").get("format") == "html"
        assert plain_text(node.findtext("questiontext/text")) == source.stem
        assert node.findtext("generalfeedback/text") == general_feedback(source)
        assert node.findtext("defaultgrade") == "1"


def test_every_kind_passes_moodles_importer_with_its_id_number():
    text, _ = export(EVERY_KIND, moodle_xml.write, category=["Course"])
    imported = moodle_xml_checker.check(text)
    assert [q.idnumber for q in imported] == [q.key for q in EVERY_KIND]
    assert {q.category for q in imported} == {"$course$/top/Course"}


def test_ordering_has_shownumcorrect_without_which_moodle_stops_the_import():
    # qtype_ordering::import_from_xml invents hints with no hintformat when it is missing,
    # and Moodle 4.4+ fails at that question: "Error writing to database".
    ordering = next(q for q in EVERY_KIND if q.kind == "ordering")
    text, _ = export([ordering], moodle_xml.write)
    node = ET.fromstring(text.encode("utf-8")).find("question")
    assert node.findtext("shownumcorrect") == "1"
    assert node.find("hint") is None
    (imported,) = moodle_xml_checker.check(text)
    assert imported.options["selecttype"] == "ALL"
    without = re.sub(r"\s*<shownumcorrect>1</shownumcorrect>", "", text)
    with pytest.raises(moodle_xml_checker.MoodleRefuses, match="hintformat"):
        moodle_xml_checker.read(without)


def test_multichoice_and_matching_carry_combined_feedback_as_moodles_export_does():
    text, _ = export(EVERY_KIND, moodle_xml.write)
    for node in ET.fromstring(text.encode("utf-8")).findall("question"):
        kind = node.get("type")
        if kind in ("multichoice", "matching", "ordering"):
            for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
                assert node.find(tag).get("format") == "html", (kind, tag)
        if kind == "matching" or (kind == "multichoice" and node.findtext("single") == "false"):
            assert node.find("shownumcorrect") is not None
        assert node.findtext("penalty") == ("1" if kind == "truefalse" else "0.3333333")


def test_a_key_too_long_for_moodle_gets_a_shortened_stable_id_number():
    long_key = "k" * 110
    other = "k" * 109 + "x"
    first, second = (question("single", EVERY_KIND[0].data, key=key) for key in (long_key, other))
    text, skipped = export([first, second], moodle_xml.write)
    assert skipped == []
    ids = [q.idnumber for q in moodle_xml_checker.check(text)]
    assert all(len(i) == 100 for i in ids) and ids[0] != ids[1]
    assert ids[0] == moodle_xml.idnumber(long_key) and ids[0].startswith("k" * 91)


def test_reimporting_the_same_file_keeps_the_id_numbers_on_the_first_copies_only():
    # Moodle's importprocess drops an ID number already used in the category and imports the
    # question anyway: the copies come in without one (the category's description says so).
    text, _ = export(EVERY_KIND, moodle_xml.write, category=["Course"])
    first = moodle_xml_checker.check(text)
    bank = {"$course$/top/Course": {q.idnumber for q in first if q.idnumber}}
    again = moodle_xml_checker.read(text, existing=bank)
    assert [q.idnumber for q in again] == [None] * len(EVERY_KIND)
    with pytest.raises(moodle_xml_checker.MoodleRefuses, match="taken"):
        moodle_xml_checker.check(text, existing=bank)
    category = ET.fromstring(text.encode("utf-8")).find("question")
    assert "ID number" in category.findtext("info/text")


def test_gift_gives_each_question_its_id_number_and_tags_as_moodle_reads_them():
    tagged = question("single", EVERY_KIND[0].data, tags=("rivers", "a]b", "<b>", "two  words"))
    text, _ = export([tagged])
    assert "// [id:q-single] [tag:rivers] [tag:a\\]b] [tag:two words]\n::q-single::" in text
    assert parse_gift(text)["q-single"].text


@pytest.mark.parametrize("correct", range(1, 11))
def test_proportional_fractions_are_one_over_the_correct_count_either_way(correct):
    choices = [{"id": str(i), "text": f"Choice {i}", "correct": i < correct} for i in range(12)]
    data = {"choices": choices}
    text, _ = export(
        [question("multiple", data)], moodle_xml.write, multiple_scoring="proportional"
    )
    values = fractions(parse_xml(text)["q-multiple"])
    share = D(100) / correct
    # Moodle matches each fraction (/100) to its list of grades within 0.00001.
    assert all(abs(v - share) < D("0.001") for v in values[:correct])
    assert all(abs(v + share) < D("0.001") for v in values[correct:])
    assert abs(sum(values[:correct]) - 100) < D("0.0001")
    moodle_xml_checker.check(text)


@pytest.mark.parametrize(
    ("correct", "wrong"), [(r, w) for r in range(1, 11) for w in (1, 3, 7, 10)]
)
def test_right_minus_wrong_gives_each_right_choice_1_over_r_and_each_wrong_one_minus_1_over_w(
    correct, wrong
):
    choices = [
        {"id": str(i), "text": f"Choice {i}", "correct": i < correct}
        for i in range(correct + wrong)
    ]
    for options in ({}, {"multiple_scoring": "right_minus_wrong"}):
        text, _ = export([question("multiple", {"choices": choices})], moodle_xml.write, **options)
        values = fractions(parse_xml(text)["q-multiple"])
        assert all(abs(v - D(100) / correct) < D("0.001") for v in values[:correct])
        assert all(abs(v + D(100) / wrong) < D("0.001") for v in values[correct:])
        # Ticking every box adds up to 0 in Moodle too.
        assert abs(sum(values)) < D("0.001")
        moodle_xml_checker.check(text)


def test_more_wrong_choices_than_moodle_has_shares_for_skips_the_question_with_a_reason():
    choices = [{"id": str(i), "text": f"Choice {i}", "correct": i < 2} for i in range(13)]
    multiple = question("multiple", {"choices": choices})
    for writer in (moodle_xml.write, gift.write):
        text, skipped = export([multiple], writer)
        assert skipped == ["q-multiple"]
        assert "it has 11 incorrect choices" in text
        assert export([multiple], writer, multiple_scoring="proportional")[1] == []


def test_single_choice_gives_the_key_100_and_the_others_nothing_with_their_feedback():
    node = parse_xml(export(EVERY_KIND[:1], moodle_xml.write)[0])["q-single"]
    assert node.findtext("single") == "true"
    assert fractions(node) == [100, 0, 0]
    assert [a.findtext("text") for a in node.findall("answer")] == ["Two", "One", "Three"]
    # Empty feedback is left out rather than written empty.
    assert [a.findtext("feedback/text") for a in node.findall("answer")] == [
        "<p>Right: dams trap the silt.</p>",
        None,
        None,
    ]


def test_true_false_marks_the_right_answer_and_keeps_each_answers_feedback():
    node = parse_xml(export([EVERY_KIND[2]], moodle_xml.write)[0])["q-true_false"]
    answers = {a.findtext("text"): a for a in node.findall("answer")}
    assert answers["false"].get("fraction") == "100"
    assert answers["true"].get("fraction") == "0"
    assert answers["true"].findtext("feedback/text") == "<p>No.</p>"
    assert answers["false"].findtext("feedback/text") == "<p>Yes.</p>"


@pytest.mark.parametrize(
    ("data", "answer", "tolerance"),
    [
        ({"answer": 127.1, "tolerance": 0.05}, "127.1", "0.05"),
        ({"answer": 137000}, "137000", "0"),
        ({"min": 200000, "max": 500000}, "350000", "150000"),
        ({"min": -0.5, "max": 0.25}, "-0.125", "0.375"),
        ({"answer": 1e-7, "tolerance": 0}, "0.0000001", "0"),
    ],
)
def test_numeric_answers_are_a_value_and_an_absolute_tolerance(data, answer, tolerance):
    node = parse_xml(export([question("numeric", data)], moodle_xml.write)[0])["q-numeric"]
    (written,) = node.findall("answer")
    assert (written.get("fraction"), written.findtext("text")) == ("100", answer)
    assert written.findtext("tolerance") == tolerance
    assert node.find("units") is None
    assert node.findtext("showunits") == "3"


def test_a_numeric_unit_is_optional_for_students():
    node = parse_xml(export([EVERY_KIND[3]], moodle_xml.write)[0])["q-numeric"]
    assert node.findtext("units/unit/unit_name") == "rounds"
    assert node.findtext("units/unit/multiplier") == "1"
    assert (node.findtext("unitgradingtype"), node.findtext("showunits")) == ("0", "0")


def test_short_answers_are_case_insensitive_and_a_star_is_literal():
    data = {"accepted": ["CJNG", "A*B"]}
    node = parse_xml(export([question("short", data)], moodle_xml.write)[0])["q-short"]
    assert node.findtext("usecase") == "0"
    assert [(a.get("fraction"), a.findtext("text")) for a in node.findall("answer")] == [
        ("100", "CJNG"),
        ("100", "A\\*B"),
    ]


def test_matching_has_a_subquestion_per_pair_and_an_empty_one_per_distractor():
    node = parse_xml(export([EVERY_KIND[6]], moodle_xml.write)[0])["q-matching"]
    assert [
        (s.findtext("text"), s.findtext("answer/text")) for s in node.findall("subquestion")
    ] == [
        ("Al Jazeera", "two stores"),
        ("New Lines", "one store"),
        ("", "three stores"),
    ]


def test_ordering_lists_the_items_in_the_right_order_graded_by_pairs():
    node = parse_xml(export([EVERY_KIND[5]], moodle_xml.write)[0])["q-ordering"]
    assert [(a.get("fraction"), a.findtext("text")) for a in node.findall("answer")] == [
        ("1", "First"),
        ("2", "Second"),
    ]
    assert node.findtext("gradingtype") == "RELATIVE_ALL_PREVIOUS_AND_NEXT"
    assert (node.findtext("selecttype"), node.findtext("selectcount")) == ("ALL", "2")


def test_markup_and_control_characters_in_texts_stay_text_in_moodle_xml():
    tricky = question(
        "single",
        {"choices": [{**CHOICES[0], "text": "<script>x</script> & ]]>"}, *CHOICES[1:]]},
        stem="Is 1 < 2 && 3 > 2?\x00\x1b -- <!-- no -->",
    )
    node = parse_xml(export([tricky], moodle_xml.write)[0])["q-single"]
    assert node.findtext("questiontext/text") == (
        "<p>Is 1 &lt; 2 &amp;&amp; 3 &gt; 2? -- &lt;!-- no --&gt;</p>"
    )
    assert node.findtext("answer/text") == "&lt;script&gt;x&lt;/script&gt; &amp; ]]&gt;"


@pytest.mark.parametrize("writer", [moodle_xml.write, gift.write])
def test_questions_no_moodle_type_can_hold_are_skipped_with_a_reason(writer):
    eleven = [{"id": str(i), "text": f"C{i}", "correct": i < 11} for i in range(12)]
    two_pairs = {
        "pairs": [{"id": "a", "left": "A", "right": "1"}, {"id": "b", "left": "B", "right": "2"}]
    }
    bad = question("single", {"choices": [{"id": "a", "text": "A", "correct": True}]}, key="bad")
    text, skipped = export(
        [
            question("multiple", {"choices": eleven}, key="eleven"),
            question("matching", two_pairs, key="two-pairs"),
            bad,
            EVERY_KIND[0],
        ],
        writer,
    )
    assert skipped == ["eleven", "two-pairs", "bad"]
    assert "q-single" in text
    assert "Not exported: eleven: it has 11 correct choices" in text
    assert "needs at least 3 answers to choose from and this one has 2; add a distractor" in text
    assert "at least 2 choices" in text


# --- Pure: GIFT ---------------------------------------------------------------------------------


def test_gift_escapes_its_special_characters_everywhere_and_reads_back_the_same():
    special = question(
        "single",
        {
            "choices": [
                {"id": "a", "text": f"Right {SPECIAL}", "correct": True, "feedback": SPECIAL},
                {"id": "b", "text": "::not a title:: {=not an answer}", "correct": False},
                {"id": "c", "text": "####not feedback", "correct": False},
            ]
        },
        key="special-chars",
        stem=f"Which is {SPECIAL}?\nA second line with \\n and //not a comment",
        explanation=f"Explained: {SPECIAL}",
    )
    text, skipped = export([special])
    assert skipped == []
    head = text.split("{\n", 1)[0]
    assert "a \\~ b \\= c \\# d \\{ e \\} f \\: g \\\\ h" in head
    assert "<br>A second line with \\\\n and //not a comment" in head
    parsed = parse_gift(text)["special-chars"]
    assert (parsed.kind, parsed.single, parsed.text_format) == ("multichoice", True, "html")
    assert plain_text(parsed.text) == special.stem
    assert [(plain_text(a.text), a.weight, plain_text(a.feedback)) for a in parsed.answers] == [
        (f"Right {SPECIAL}", 100, SPECIAL),
        ("::not a title:: {=not an answer}", 0, ""),
        ("####not feedback", 0, ""),
    ]
    assert parsed.general_feedback == general_feedback(special)


def test_gift_reads_answers_that_look_like_gift_syntax_as_text():
    tricky = [
        question(
            "single",
            {
                "choices": [
                    {"id": "a", "text": "%50% of them", "correct": True},
                    {"id": "b", "text": "[markdown] *no*", "correct": False},
                ]
            },
        ),
        question("short", {"accepted": ["%25%off", "A*B", "x=y: {z}#1", "TRUE"]}),
        question(
            "matching",
            {
                "pairs": [
                    {"id": "a", "left": "A -> B", "right": "goes -> there = here"},
                    {"id": "b", "left": "[html]", "right": "#2 ~ {}"},
                    {"id": "c", "left": "C", "right": "T"},
                ]
            },
        ),
    ]
    parsed = parse_gift(export(tricky)[0])
    single = parsed["q-single"]
    assert [(plain_text(a.text), a.weight) for a in single.answers] == [
        ("%50% of them", 100),
        ("[markdown] *no*", 0),
    ]
    short = parsed["q-short"]
    assert short.kind == "shortanswer"
    # Moodle's short answers read "\*" as a literal asterisk.
    assert [(a.text, a.weight) for a in short.answers] == [
        ("%25%off", 100),
        ("A\\*B", 100),
        ("x=y: {z}#1", 100),
        ("TRUE", 100),
    ]
    matching = parsed["q-matching"]
    assert [(plain_text(left), right) for left, right in matching.pairs] == [
        ("A -> B", "goes -> there = here"),
        ("[html]", "#2 ~ {}"),
        ("C", "T"),
    ]


def test_every_gift_kind_reads_back_with_its_answers_and_feedback():
    text, skipped = export(EVERY_KIND, category=["Course: one", "Quiz/1"])
    assert skipped == ["q-ordering"]
    assert "\n$CATEGORY: $course$/top/Course: one/Quiz//1\n" in text
    assert "// Not exported: q-ordering: GIFT has no ordering question" in text
    parsed = parse_gift(text)
    assert list(parsed) == [q.key for q in EVERY_KIND if q.kind != "ordering"]
    for source in EVERY_KIND:
        if source.kind == "ordering":
            continue
        item = parsed[source.key]
        assert plain_text(item.text) == source.stem
        assert item.general_feedback == general_feedback(source)
    single, multiple = parsed["q-single"], parsed["q-multiple"]
    assert single.single and [a.weight for a in single.answers] == [100, 0, 0]
    assert not multiple.single
    assert [a.weight for a in multiple.answers] == [50, 50, -100]  # right minus wrong
    assert parsed["q-true_false"].truth is False
    assert (parsed["q-true_false"].feedback_true, parsed["q-true_false"].feedback_false) == (
        "<p>No.</p>",
        "<p>Yes.</p>",
    )
    assert parsed["q-numeric"].numbers == [(D(137000), D(0))]
    assert [a.text for a in parsed["q-short"].answers] == ["CJNG", "Jalisco New Generation Cartel"]
    assert parsed["q-matching"].pairs == [
        ("Al Jazeera", "two stores"),
        ("New Lines", "one store"),
        ("", "three stores"),
    ]


@pytest.mark.parametrize(
    ("data", "numbers", "ranges"),
    [
        ({"min": 200000, "max": 500000}, [(D(350000), D(150000))], [(D(200000), D(500000))]),
        ({"min": -5, "max": -1}, [(D(-3), D(2))], [(D(-5), D(-1))]),
        ({"answer": 127.1, "tolerance": 0.05}, [(D("127.1"), D("0.05"))], []),
        ({"answer": -2.5}, [(D("-2.5"), D(0))], []),
    ],
)
def test_gift_numeric_answers_keep_their_value_and_tolerance_or_range(data, numbers, ranges):
    parsed = parse_gift(export([question("numeric", data)])[0])["q-numeric"]
    assert parsed.kind == "numerical"
    assert (parsed.numbers, parsed.ranges) == (numbers, ranges)


@pytest.mark.parametrize(
    ("answer", "feedback", "expected"),
    [
        (True, {}, "{TRUE####"),
        (True, {"feedback_true": "Right."}, "{TRUE##<p>Right.</p>####"),
        (False, {"feedback_true": "Wrong."}, "{FALSE#<p>Wrong.</p>####"),
        (False, {"feedback_true": "W", "feedback_false": "R"}, "{FALSE#<p>W</p>#<p>R</p>####"),
    ],
)
def test_gift_true_false_puts_the_wrong_answers_feedback_first(answer, feedback, expected):
    source = question("true_false", {"answer": answer, **feedback})
    text = export([source])[0]
    assert expected in text
    parsed = parse_gift(text)["q-true_false"]
    assert parsed.truth is answer
    assert parsed.feedback_true == html_block(feedback.get("feedback_true", ""))
    assert parsed.feedback_false == html_block(feedback.get("feedback_false", ""))


def test_gift_skips_a_short_answer_with_an_arrow_it_cannot_escape():
    text, skipped = export([question("short", {"accepted": ["A->B"]})])
    assert skipped == ["q-short"]
    assert 'contains "->", which GIFT reads as a matching pair' in text


# --- The pack's questions: golden files --------------------------------------------------------


def golden_export(course: Course, fmt: str) -> tuple[str, list[str]]:
    out = io.StringIO()
    result = export_questions(
        questions=bank_questions(status=None).filter(key__in=GOLDEN_KEYS),
        fmt=fmt,
        out=out,
        base_url=BASE,
        course=course,
    )
    return out.getvalue(), [s.key for s in result.skipped]


def test_the_golden_set_covers_every_kind(course):
    kinds = Question.objects.filter(key__in=GOLDEN_KEYS).values_list("kind", flat=True)
    assert sorted(kinds) == sorted(Question.Kind.values)


def test_moodle_xml_of_the_golden_set_matches_its_golden_file(course):
    text, skipped = golden_export(course, "moodle")
    assert skipped == []
    assert_golden("questions.xml", text)


def test_gift_of_the_golden_set_matches_its_golden_file(course):
    text, skipped = golden_export(course, "gift")
    assert skipped == ["flow-dam-dates"]
    assert_golden("questions.gift", text)


def test_moodle_xml_of_real_questions_has_what_moodle_reads_for_each_type(course):
    nodes = parse_xml(golden_export(course, "moodle")[0])
    assert sorted(nodes) == sorted(GOLDEN_KEYS)
    single = nodes["flow-longest"]
    assert (single.get("type"), single.findtext("single")) == ("multichoice", "true")
    assert sorted(fractions(single)) == [0, 0, 0, 100]
    multiple = nodes["flow-dam-effects"]
    assert (multiple.get("type"), multiple.findtext("single")) == ("multichoice", "false")
    # 3 of 4 choices right, right_minus_wrong: each right pick a third, the wrong one all.
    assert fractions(multiple) == [D("33.33333")] * 3 + [D("-100")]
    true_false = nodes["flow-amazon-water"]
    assert sorted(a.findtext("text") for a in true_false.findall("answer")) == ["false", "true"]
    assert sorted(fractions(true_false)) == [0, 100]
    numeric = nodes["flow-sinking-rate"]
    assert numeric.findtext("answer/text") == "2"
    assert numeric.findtext("answer/tolerance") == "0.5"
    assert numeric.findtext("units/unit/unit_name") == "centimetres a year"
    short = nodes["flow-silt-trap"]
    assert short.findtext("usecase") == "0"
    assert set(fractions(short)) == {100}
    ordering = nodes["flow-dam-dates"]
    items = Question.objects.get(key="flow-dam-dates").current_version().data["items"]
    assert [a.findtext("text") for a in ordering.findall("answer")] == [
        html.escape(i["text"], quote=False) for i in items
    ]
    matching = nodes["flow-who-said"]
    subquestions = matching.findall("subquestion")
    assert sum(1 for s in subquestions if not s.findtext("text")) == 1  # its distractor


def test_general_feedback_cites_the_quoted_words_with_a_link_that_opens_them(
    client, course, student
):
    nodes = parse_xml(golden_export(course, "moodle")[0])
    client.force_login(student)
    for key, node in nodes.items():
        feedback = node.findtext("generalfeedback/text")
        version = Question.objects.get(key=key).current_version()
        assert feedback.startswith(html_block(version.explanation))
        citations = list(version.citations.select_related("source"))
        links = re.findall(r'<a href="([^"]+)">', feedback)
        assert len(links) == len(citations) >= 1
        for citation, link in zip(citations, links, strict=True):
            assert f"<p>“{html.escape(citation.exact, quote=False)}”</p>" in feedback
            assert link == BASE + reverse(
                "cite", args=[course.slug, citation.source.slug, citation.start, citation.end]
            )
            path = urlsplit(link).path
            assert resolve(path).url_name == "cite"
            opened = client.get(path)
            assert opened.status_code == 302
            assert f"hl={citation.source.slug}:{citation.start}-{citation.end}" in opened.url


def test_the_whole_bank_passes_moodles_importer_with_one_id_number_per_question(course):
    out = io.StringIO()
    questions = bank_questions(status=None)
    result = export_questions(
        questions=questions, fmt="moodle", out=out, base_url=BASE, course=course
    )
    imported = moodle_xml_checker.check(out.getvalue())
    assert len(imported) == result.written == questions.count()
    assert sorted(q.idnumber for q in imported) == sorted(questions.values_list("key", flat=True))
    assert {q.qtype for q in imported} == {
        "multichoice",
        "truefalse",
        "numerical",
        "shortanswer",
        "matching",
        "ordering",
    }


def test_every_published_question_round_trips_through_gift(course):
    questions = bank_questions()
    found, missing = exportable(questions, base_url=BASE, course=course)
    assert missing == [] and len(found) == questions.count()
    text, skipped = export(found)
    kinds = {q.key: q.kind for q in found}
    assert skipped == [key for key, kind in kinds.items() if kind == "ordering"]
    parsed = parse_gift(text)
    assert sorted(parsed) == sorted(key for key in kinds if key not in skipped)
    for source in found:
        if source.kind == "ordering":
            continue
        item, data = parsed[source.key], source.data
        assert plain_text(item.text) == source.stem.strip(), source.key
        assert item.general_feedback == general_feedback(source), source.key
        assert source.citations and all(c.link in item.general_feedback for c in source.citations)
        if source.kind in ("single", "multiple"):
            assert item.kind == "multichoice" and item.single is (source.kind == "single")
            choices = data["choices"]
            assert [plain_text(a.text) for a in item.answers] == [c["text"] for c in choices]
            assert [plain_text(a.feedback) if a.feedback else "" for a in item.answers] == [
                c.get("feedback", "").strip() for c in choices
            ], source.key
            if source.kind == "single":
                weights = [D(100) if c["correct"] else D(0) for c in choices]
            else:
                right = sum(c["correct"] for c in choices)
                wrong = len(choices) - right
                weights = [D(100) / right if c["correct"] else -D(100) / wrong for c in choices]
            for answer, weight in zip(item.answers, weights, strict=True):
                assert abs(answer.weight - weight) < D("0.001"), source.key
            assert abs(sum(a.weight for a in item.answers if a.weight > 0) - 100) < D("0.0001")
        elif source.kind == "true_false":
            assert item.kind == "truefalse" and item.truth is data["answer"]
            assert plain_text(item.feedback_true) == data.get("feedback_true", "").strip()
            assert plain_text(item.feedback_false) == data.get("feedback_false", "").strip()
        elif source.kind == "numeric":
            assert item.kind == "numerical"
            if "answer" in data:
                value, tolerance = D(repr(data["answer"])), D(repr(data.get("tolerance", 0)))
            else:  # {#min..max} reads back as its midpoint and half its width
                low, high = D(repr(data["min"])), D(repr(data["max"]))
                value, tolerance = (low + high) / 2, (high - low) / 2
            assert item.numbers == [(value, tolerance)], source.key
        elif source.kind == "short":
            assert item.kind == "shortanswer"
            assert [(a.text, a.weight) for a in item.answers] == [
                (t, 100) for t in data["accepted"]
            ]
        else:
            assert item.kind == "match"
            expected = [(p["left"], p["right"]) for p in data["pairs"]]
            expected += [("", d["text"]) for d in data.get("distractors", [])]
            assert [(plain_text(left), right) for left, right in item.pairs] == expected


def test_the_whole_bank_is_one_moodle_xml_document_in_three_queries(
    course, django_assert_num_queries
):
    out = io.StringIO()
    with django_assert_num_queries(3):
        result = export_questions(
            questions=bank_questions(), fmt="moodle", out=out, base_url=BASE, course=course
        )
    keys = sorted(bank_questions().values_list("key", flat=True))
    assert (result.written, result.skipped, result.notes) == (len(keys), [], [])
    assert sorted(parse_xml(out.getvalue())) == keys


def test_a_quiz_exports_in_slot_order_with_its_points_and_reading(
    course, django_assert_num_queries
):
    quiz = Quiz.objects.select_related("reading").get(course=course, slug="river-flow")
    slot = quiz.slots.order_by("position")[2]
    slot.points = D("2.5")
    slot.save(update_fields=["points"])
    out = io.StringIO()
    with django_assert_num_queries(4):  # its pools (none), slots, versions, citations
        result = export_questions(
            questions=bank_questions(),
            fmt="moodle",
            out=out,
            base_url=BASE,
            course=course,
            quiz=quiz,
        )
    root = ET.fromstring(out.getvalue().encode("utf-8"))
    category, *questions = root.findall("question")
    assert category.findtext("category/text") == f"$course$/top/{course.title}/{quiz.title}"
    keys = list(quiz.slots.order_by("position").values_list("question__key", flat=True))
    assert [q.findtext("name/text") for q in questions] == keys
    assert questions[2].findtext("defaultgrade") == "2.5"
    assert questions[0].findtext("defaultgrade") == "1"
    assert "?reading=river-flow" in questions[0].findtext("generalfeedback/text")
    assert result.written == len(keys) and result.notes == []


def test_an_all_or_nothing_quiz_notes_that_moodle_scores_multiple_response_right_minus_wrong(
    course,
):
    quiz = Quiz.objects.get(course=course, slug="dates")
    assert quiz.multiple_scoring == Quiz.MultipleScoring.ALL_OR_NOTHING
    assert quiz.questions.filter(kind="multiple").exists()
    result = export_questions(
        questions=bank_questions(),
        fmt="gift",
        out=io.StringIO(),
        base_url=BASE,
        course=course,
        quiz=quiz,
    )
    assert result.notes == [
        "This quiz scores multiple-response questions all or nothing; Moodle's multiple-choice "
        "type cannot, so in Moodle they score right minus wrong (each right pick earns its share "
        "of the right choices, each wrong pick costs its share of the wrong ones)."
    ]


@pytest.mark.parametrize(
    ("scoring", "wrong"), [("proportional", "-33.33333"), ("right_minus_wrong", "-100")]
)
def test_a_quiz_exports_multiple_response_with_its_own_scoring(course, scoring, wrong):
    quiz = Quiz.objects.get(course=course, slug="river-flow")
    Quiz.objects.filter(pk=quiz.pk).update(multiple_scoring=scoring)
    quiz.refresh_from_db()
    for fmt in ("moodle", "gift"):
        out = io.StringIO()
        export_questions(
            questions=bank_questions(), fmt=fmt, out=out, base_url=BASE, course=course, quiz=quiz
        )
        if fmt == "moodle":
            node = parse_xml(out.getvalue())["flow-dam-effects"]
            assert fractions(node) == [D("33.33333")] * 3 + [D(wrong)]
        else:
            item = parse_gift(out.getvalue())["flow-dam-effects"]
            assert [a.weight for a in item.answers] == [D("33.33333")] * 3 + [D(wrong)]


def test_short_answer_patterns_become_moodle_wildcard_answers():
    data = {"accepted": ["Lake City", "A*B"], "patterns": ["lake city *", "(river|lake) silt"]}
    text, skipped = export([question("short", data)], moodle_xml.write)
    assert skipped == []
    node = parse_xml(text)["q-short"]
    assert [(a.get("fraction"), a.findtext("text")) for a in node.findall("answer")] == [
        ("100", "Lake City"),
        ("100", "A\\*B"),
        ("100", "lake city*"),
        ("100", "river silt"),
        ("100", "lake silt"),
    ]
    moodle_xml_checker.check(text)
    gift_text, skipped = export([question("short", data)])
    assert skipped == []
    item = parse_gift(gift_text)["q-short"]
    assert [(a.text, a.weight) for a in item.answers] == [
        ("Lake City", 100),
        ("A\\*B", 100),
        ("lake city*", 100),
        ("river silt", 100),
        ("lake silt", 100),
    ]


def test_patterns_standing_for_too_many_moodle_answers_skip_the_question_with_a_reason():
    data = {"accepted": ["silt"], "patterns": ["(a|b|c|d) (e|f|g|h) (i|j|k|l) silt"]}
    for writer in (moodle_xml.write, gift.write):
        text, skipped = export([question("short", data)], writer)
        assert skipped == ["q-short"]
        assert "its patterns stand for more than 50 answers in Moodle" in text


def test_bank_filters_select_by_status_kind_source_objective_and_tag(course):
    draft = make_question("draft-question", kind="single")
    draft.status = Question.Status.DRAFT
    draft.tags = ["timeline", "café"]
    draft.save(update_fields=["status", "tags"])
    published = Question.objects.filter(status="published")
    assert set(bank_questions()) == set(published)
    assert draft in bank_questions(status=None) and draft not in bank_questions()
    assert set(bank_questions(kinds=["numeric", "short"])) == set(
        published.filter(kind__in=["numeric", "short"])
    )
    assert set(bank_questions(objective="river-flow")) == set(
        published.filter(objectives__code="river-flow")
    )
    timeline = [q for q in published if "timeline" in q.tags]
    assert timeline and set(bank_questions(tag="timeline")) == set(timeline)
    assert list(bank_questions(status=None, tag="café")) == [draft]
    assert list(bank_questions(status=None, tag="caf")) == []
    citing = [
        q
        for q in published
        if q.current_version().citations.filter(source__slug="river-survey").exists()
    ]
    assert citing and set(bank_questions(source="river-survey")) == set(citing)


def test_a_question_without_a_version_is_reported_not_exported(course):
    Question.objects.create(key="empty-question", kind="single", status="published")
    result = export_questions(
        questions=Question.objects.filter(key__in=["empty-question", GOLDEN_KEYS[0]]),
        fmt="moodle",
        out=io.StringIO(),
        base_url=BASE,
        course=course,
    )
    assert result.written == 1
    assert [(s.key, s.reason) for s in result.skipped] == [
        ("empty-question", "it has no content yet (no version); write it in the admin first.")
    ]


# --- The command --------------------------------------------------------------------------------


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export_questions", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_writes_a_quizs_questions_to_a_file(course, tmp_path):
    path = tmp_path / "river-flow.xml"
    out, err = run(
        "--quiz", "river-flow", "--format", "moodle", "--output", str(path), "--base-url", BASE
    )
    quiz = Quiz.objects.get(slug="river-flow")
    keys = list(quiz.slots.order_by("position").values_list("question__key", flat=True))
    assert list(parse_xml(path.read_text(encoding="utf-8"))) == keys
    assert out == ""
    assert f"Wrote {len(keys)} questions as Moodle XML to {path} (0 skipped)." in err


def test_command_writes_the_same_text_to_standard_output_as_to_a_file(course, tmp_path):
    for fmt in ("moodle", "gift"):
        path = tmp_path / f"bank.{fmt}"
        args = ("--format", fmt, "--base-url", BASE, "--objective", "river-flow")
        out, _ = run(*args)
        run(*args, "--output", str(path))
        assert out == path.read_text(encoding="utf-8")
        assert out.endswith("\n") and not out.endswith("\n\n")


def test_command_writes_gift_to_standard_output_and_lists_skipped_questions(course):
    out, err = run("--quiz", "river-flow", "--format", "gift", "--base-url", BASE + "/")
    orderings = Quiz.objects.get(slug="river-flow").questions.filter(kind="ordering")
    assert orderings.exists()
    assert out.startswith("// Questions exported from Fuente.")
    for key in orderings.values_list("key", flat=True):
        assert f"Skipped {key}: GIFT has no ordering question" in err
        assert f"::{key}::" not in out
    assert f"{BASE}/courses/{course.slug}/cite/" in out.replace("\\:", ":")


def test_command_filters_the_bank(course):
    out, err = run(
        *("--format", "moodle", "--base-url", BASE, "--kind", "numeric", "--kind", "short"),
        *("--source", "delta-news"),
    )
    expected = bank_questions(kinds=["numeric", "short"], source="delta-news")
    assert set(expected.values_list("kind", flat=True)) == {"numeric", "short"}
    assert list(parse_xml(out)) == list(expected.values_list("key", flat=True))
    assert (
        f"Wrote {expected.count()} questions as Moodle XML to standard output (0 skipped)." in err
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quiz", "no-such-quiz"], r"No quiz 'no-such-quiz'; quizzes: .*river-flow"),
        (
            ["--quiz", "river-flow", "--course", "nope"],
            r"No course 'nope'; courses: rivers",
        ),
        (["--source", "nope"], r"No source 'nope'; sources: .*delta-news"),
        (["--objective", "nope"], r"No objective 'nope'; objectives: .*river-flow"),
        (["--tag", "nope"], r"No questions match: check the filters"),
        (["--base-url", "fuente.example.edu"], r"must be the site's absolute address"),
    ],
)
def test_command_explains_bad_input(course, args, message):
    base = [] if "--base-url" in args else ["--base-url", BASE]
    with pytest.raises(CommandError, match=message):
        run("--format", "gift", *base, *args)


def test_command_needs_a_course_when_there_are_several(course):
    CourseFactory(slug="another-course")
    with pytest.raises(CommandError, match=r"Give --course: .*another-course, rivers"):
        run("--format", "gift", "--base-url", BASE)
    out, _ = run("--format", "gift", "--base-url", BASE, "--course", "rivers", "--kind", "short")
    assert "/courses/rivers/cite/" in out.replace("\\:", ":")


def test_command_picks_the_quiz_of_the_course_given(course):
    other = CourseFactory(slug="another-course")
    make_quiz(other, [Question.objects.get(key=GOLDEN_KEYS[0])], slug="river-flow")
    with pytest.raises(CommandError, match="Several courses have a quiz 'river-flow'"):
        run("--quiz", "river-flow", "--format", "gift", "--base-url", BASE)
    out, _ = run(
        *("--quiz", "river-flow", "--course", "another-course", "--format", "moodle"),
        *("--base-url", BASE),
    )
    assert list(parse_xml(out)) == [GOLDEN_KEYS[0]]
    assert "/courses/another-course/cite/" in out


def test_command_reports_a_file_it_cannot_write(course, tmp_path):
    with pytest.raises(CommandError, match="Cannot write"):
        run("--format", "gift", "--base-url", BASE, "--output", str(tmp_path / "no" / "x.txt"))

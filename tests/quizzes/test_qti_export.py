"""QTI 2.1 content package (quizzes.exchange.qti): every kind, every file valid against the
IMS XSDs vendored in tests/fixtures/xsd/ (offline), the manifest's references, and each
item's responseProcessing scoring sample responses as Fuente's grading does."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.core.management import call_command
from lxml import etree

from quizzes.exchange import qti
from quizzes.exchange.model import Citation, ExportQuestion
from quizzes.grading import grade
from quizzes.models import Quiz
from tests.quizzes.qti_evaluator import score

XSD = Path(__file__).parents[1] / "fixtures" / "xsd"
BASE = "https://fuente.example.edu"
CP = "{http://www.imsglobal.org/xsd/imscp_v1p1}"
NS = "{http://www.imsglobal.org/xsd/imsqti_v2p1}"
CITATION = Citation("A source", "2024", "the quoted <words> & more", f"{BASE}/c/1/?reading=r")
DATA = {
    "single": {
        "choices": [
            {"id": "a", "text": "Right [1]", "correct": True, "feedback": "Yes."},
            {"id": "b", "text": "Wrong", "correct": False, "feedback": "No."},
            {"id": "c", "text": "Also wrong", "correct": False},
        ]
    },
    "multiple": {
        "choices": [
            {"id": "a", "text": "A", "correct": True},
            {"id": "b", "text": "B", "correct": True},
            {"id": "c", "text": "C", "correct": True},
            {"id": "d", "text": "D", "correct": False},
        ]
    },
    "true_false": {"answer": False, "feedback_true": "Not so."},
    "numeric": {"answer": 137000, "tolerance": 500, "unit": "people"},
    "short": {"accepted": ["The Río Bravo", "Rio Grande"]},
    "ordering": {"items": [{"id": i, "text": i.upper()} for i in "wxyz"]},
    "matching": {
        "pairs": [
            {"id": "p", "left": "L1", "right": "R1"},
            {"id": "q", "left": "L2", "right": "R2"},
            {"id": "r", "left": "L3", "right": "R3"},
        ],
        "distractors": [{"id": "d", "text": "Nobody"}],
    },
}
RANGE = {"min": 0.1, "max": 0.3}


def question(kind: str, data: dict | None = None, key: str | None = None) -> ExportQuestion:
    return ExportQuestion(
        key=key or f"q-{kind}",
        kind=kind,
        stem=f"A {kind} question?\n\nSecond paragraph.",
        data=data or DATA[kind],
        explanation="Because the source says so.",
        citations=(CITATION,),
        points=D("2"),
    )


ALL = [question(kind) for kind in DATA] + [question("numeric", RANGE, "q-range")]


def package(questions=ALL, **options) -> zipfile.ZipFile:
    out = io.BytesIO()
    assert qti.write(questions, out, title="A quiz", identifier="a-quiz", **options) == []
    return zipfile.ZipFile(out)


@pytest.fixture(scope="module")
def schemas():
    return {
        "qti": etree.XMLSchema(etree.parse(str(XSD / "qti21" / "qtiv2p1" / "imsqti_v2p1.xsd"))),
        "cp": etree.XMLSchema(etree.parse(str(XSD / "qti21" / "imscp_v1p1.xsd"))),
    }


def item_file(zipped: zipfile.ZipFile, key: str) -> bytes:
    return zipped.read(f"items/{key}.xml")


def test_it_validates_every_file_against_the_ims_schemas(schemas):
    zipped = package()
    for name in zipped.namelist():
        schema = schemas["cp" if name == "imsmanifest.xml" else "qti"]
        document = etree.fromstring(zipped.read(name))
        assert schema.validate(document), (name, schema.error_log)


def test_the_schemas_refuse_a_broken_item(schemas):
    broken = item_file(package(), "q-single").replace(b"maxChoices", b"maxChoice")
    assert not schemas["qti"].validate(etree.fromstring(broken))


def test_the_manifest_references_every_file_and_every_reference_is_in_the_zip():
    zipped = package()
    manifest = ET.fromstring(zipped.read("imsmanifest.xml"))
    hrefs = {f.get("href") for f in manifest.iter(f"{CP}file")}
    assert hrefs == set(zipped.namelist()) - {"imsmanifest.xml"}
    resources = {r.get("identifier"): r for r in manifest.iter(f"{CP}resource")}
    test = next(r for r in resources.values() if r.get("type") == "imsqti_test_xmlv2p1")
    depends = [d.get("identifierref") for d in test.iter(f"{CP}dependency")]
    assert sorted(depends) == sorted(
        i for i, r in resources.items() if r.get("type") == "imsqti_item_xmlv2p1"
    )
    assert len(depends) == len(ALL)


def test_the_test_lists_every_item_in_order_weighted_by_its_points():
    zipped = package()
    test = ET.fromstring(zipped.read("assessmentTest.xml"))
    refs = list(test.iter(f"{NS}assessmentItemRef"))
    assert [r.get("href") for r in refs] == [f"items/{q.key}.xml" for q in ALL]
    assert {w.get("value") for w in test.iter(f"{NS}weight")} == {"2"}
    for ref in refs:
        assert ref.get("href") in zipped.namelist()


def test_every_item_carries_its_citations_in_feedback_shown_after_answering():
    zipped = package()
    for q in ALL:
        item = ET.fromstring(item_file(zipped, q.key))
        general = item.find(f"{NS}modalFeedback[@identifier='GENERAL']")
        text = "".join(general.itertext())
        assert "the quoted <words> & more" in text
        assert general.find(f".//{NS}a").get("href") == CITATION.link
        assert score(item_file(zipped, q.key), None)["FEEDBACK"] == ["GENERAL"]


def test_identifiers_that_are_not_xml_names_are_made_into_ones():
    zipped = package([question("single", key="1 odd/key")])
    assert "items/Q_1_odd_key.xml" in zipped.namelist()


def test_a_question_with_broken_data_is_left_out_with_the_reason():
    broken = question("single", {"choices": []})
    skipped = qti.write([broken], io.BytesIO(), title="t", identifier="t")
    assert [s.key for s in skipped] == ["q-single"]
    assert "not valid" in skipped[0].reason


# Scoring: Fuente's grade and the item's responseProcessing agree on sample responses.
# Each case: kind, QTI response, Fuente answer.
CASES = [
    ("single", "C1", "a"),
    ("single", "C2", "b"),
    ("single", None, None),
    ("true_false", "FALSE", False),
    ("true_false", "TRUE", True),
    ("multiple", ["C1", "C2", "C3"], ["a", "b", "c"]),
    ("multiple", ["C1"], ["a"]),
    ("multiple", ["C1", "C2"], ["a", "b"]),
    ("multiple", ["C1", "C4"], ["a", "d"]),
    ("multiple", ["C4"], ["d"]),
    ("multiple", ["C1", "C2", "C3", "C4"], ["a", "b", "c", "d"]),
    ("multiple", None, None),
    ("numeric", 137000.0, "137000"),
    ("numeric", 136500.0, "136500"),
    ("numeric", 137500.0, "137,500"),
    ("numeric", 137501.0, "137501"),
    ("numeric", 136499.0, "136499"),
    ("numeric", None, None),
    ("short", "the río bravo", "the río bravo"),
    ("short", "Rio Bravo", "Rio Bravo"),
    ("short", "RIO GRANDE", "RIO GRANDE"),
    ("short", "The Rio Grande", "The Rio Grande"),
    ("short", "Nile", "Nile"),
    ("short", None, None),
    ("ordering", ["O1", "O2", "O3", "O4"], {"w": 1, "x": 2, "y": 3, "z": 4}),
    ("ordering", ["O4", "O3", "O2", "O1"], {"w": 4, "x": 3, "y": 2, "z": 1}),
    ("ordering", ["O2", "O1", "O3", "O4"], {"x": 1, "w": 2, "y": 3, "z": 4}),
    ("ordering", ["O1", "O4", "O3", "O2"], {"w": 1, "z": 2, "y": 3, "x": 4}),
    ("ordering", None, None),
    ("matching", ["L1 R1", "L2 R2", "L3 R3"], {"p": "p", "q": "q", "r": "r"}),
    ("matching", ["L1 R1", "L2 D1", "L3 R2"], {"p": "p", "q": "d", "r": "q"}),
    ("matching", ["L1 R2", "L2 R2"], {"p": "q", "q": "q"}),
    ("matching", None, None),
]


@pytest.mark.parametrize(("kind", "response", "answer"), CASES)
def test_the_item_scores_a_response_as_fuente_does(kind, response, answer):
    zipped = package()
    outcome = score(item_file(zipped, f"q-{kind}"), response)["SCORE"]
    expected = grade(kind, DATA[kind], answer).points
    assert D(str(round(outcome, 2))) == expected


@pytest.mark.parametrize(
    ("response", "answer"), [(0.1, "0.1"), (0.3, "0.3"), (0.2, ".2"), (0.31, "0.31"), (0.0, "0")]
)
def test_a_range_includes_both_ends_as_in_fuente(response, answer):
    outcome = score(item_file(package(), "q-range"), response)["SCORE"]
    assert D(str(outcome)) == grade("numeric", RANGE, answer).points


@pytest.mark.parametrize(
    ("response", "answer"),
    [(["C1", "C2", "C3"], ["a", "b", "c"]), (["C1", "C2"], ["a", "b"]), (["C4"], ["d"])],
)
def test_all_or_nothing_multiple_response_is_kept(response, answer):
    zipped = package([question("multiple")], multiple_scoring="all_or_nothing")
    outcome = score(item_file(zipped, "q-multiple"), response)["SCORE"]
    expected = grade("multiple", DATA["multiple"], answer, multiple_scoring="all_or_nothing")
    assert D(str(outcome)) == expected.points


def test_picked_choices_show_their_own_feedback():
    zipped = package()
    assert score(item_file(zipped, "q-single"), "C2")["FEEDBACK"] == ["C2", "GENERAL"]
    item = ET.fromstring(item_file(zipped, "q-single"))
    assert {m.get("identifier") for m in item.iter(f"{NS}modalFeedback")} == {
        "C1",
        "C2",
        "GENERAL",
    }


def test_the_unit_is_shown_after_the_box():
    item = ET.fromstring(item_file(package(), "q-numeric"))
    box = item.find(f".//{NS}textEntryInteraction")
    assert box.tail.strip() == "people"


def test_the_command_writes_a_quiz_as_a_valid_package(course, tmp_path, schemas):
    quiz = Quiz.objects.filter(course=course, practice_for__isnull=True).first()
    assert quiz is not None
    target = tmp_path / "quiz.zip"
    call_command(
        "export_questions",
        "--quiz",
        quiz.slug,
        "--course",
        course.slug,
        "--format",
        "qti",
        "--status",
        "any",
        "--base-url",
        BASE,
        "--output",
        str(target),
        stderr=io.StringIO(),
    )
    zipped = zipfile.ZipFile(target)
    items = [n for n in zipped.namelist() if n.startswith("items/")]
    assert len(items) == quiz.slots.count()
    for name in zipped.namelist():
        schema = schemas["cp" if name == "imsmanifest.xml" else "qti"]
        assert schema.validate(etree.fromstring(zipped.read(name))), (name, schema.error_log)


def test_the_command_refuses_to_write_a_zip_to_standard_output(course):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--output"):
        call_command(
            "export_questions",
            "--course",
            course.slug,
            "--format",
            "qti",
            "--status",
            "any",
            "--base-url",
            BASE,
        )


FIVE = {
    "choices": [
        {"id": "a", "text": "A", "correct": True},
        {"id": "b", "text": "B", "correct": True},
        {"id": "c", "text": "C", "correct": False},
        {"id": "d", "text": "D", "correct": False},
        {"id": "e", "text": "E", "correct": False},
    ]
}


@pytest.mark.parametrize("scoring", ["right_minus_wrong", "proportional", "all_or_nothing"])
@pytest.mark.parametrize("data", [DATA["multiple"], FIVE])
def test_every_set_of_picks_scores_as_fuente_does_under_each_scoring(scoring, data):
    zipped = package([question("multiple", data)], multiple_scoring=scoring)
    item = item_file(zipped, "q-multiple")
    ids = [c["id"] for c in data["choices"]]
    for mask in range(1, 2 ** len(ids)):
        picked = [i for n, i in enumerate(ids) if mask >> n & 1]
        response = [f"C{ids.index(i) + 1}" for i in picked]
        expected = grade("multiple", data, picked, multiple_scoring=scoring).points
        assert D(str(round(score(item, response)["SCORE"], 2))) == expected, picked


def test_ticking_every_box_scores_nothing_by_default():
    item = item_file(package([question("multiple")]), "q-multiple")
    assert score(item, ["C1", "C2", "C3", "C4"])["SCORE"] == 0


@pytest.mark.parametrize(
    ("typed", "points"),
    [("el mando unico", "1.00"), ("Mando Unico", "1.00"), ("Monstruos", "1.00"), ("Una", "0.00")],
)
def test_an_accepted_answer_starting_with_any_article_is_also_listed_without_it(typed, points):
    # QTI lists forms: "the" is added to every answer, any article is taken off one that has
    # it; other articles typed before an answer (Fuente ignores them) are not listed.
    data = {"accepted": ["monstruos", "El Mando Único"]}
    item = item_file(package([question("short", data)]), "q-short")
    assert D(str(score(item, typed)["SCORE"])) == D(points)
    assert grade("short", data, typed).points == D(points)

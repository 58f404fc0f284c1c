"""IMS Common Cartridge 1.1 (quizzes.exchange.cc): every file valid against the cartridge's
XSDs (vendored in tests/fixtures/xsd/cc11, offline), the manifest's references, and what
Moodle's importer (backup/cc/entity11.quiz.class.php) reads from each item: its type from
cc_profile, the text, the general feedback with the citations, each answer's score."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from lxml import etree

from quizzes.exchange import cc
from quizzes.models import Quiz
from tests.quizzes.test_qti_export import ALL, BASE, CITATION, question

XSD = Path(__file__).parents[1] / "fixtures" / "xsd" / "cc11"
CP = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"
Q = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"


@pytest.fixture(scope="module")
def schemas():
    return {
        "qti": etree.XMLSchema(etree.parse(str(XSD / "ccv1p1_qtiasiv1p2p1_v1p0.xsd"))),
        "cp": etree.XMLSchema(etree.parse(str(XSD / "ccv1p1_imscp_v1p2_v1p0.xsd"))),
    }


def cartridge(questions=ALL):
    out = io.BytesIO()
    skipped = cc.write(questions, out, title="A quiz", identifier="a-quiz")
    return zipfile.ZipFile(out), skipped


def items(zipped) -> dict[str, ET.Element]:
    root = ET.fromstring(zipped.read("a-quiz/assessment.xml"))
    return {item.get("title"): item for item in root.iter(f"{Q}item")}


def moodle_reads(item: ET.Element) -> dict:
    """What Moodle's Common Cartridge 1.1 importer takes from an item (after its xpaths)."""
    fields = {
        f.findtext(f"{Q}fieldlabel"): f.findtext(f"{Q}fieldentry")
        for f in item.iter(f"{Q}qtimetadatafield")
    }
    conditions = item.findall(f"{Q}resprocessing/{Q}respcondition")
    feedback = {
        f.get("ident"): f.findtext(f"{Q}flow_mat/{Q}material/{Q}mattext")
        for f in item.findall(f"{Q}itemfeedback")
    }
    general = [
        feedback[d.get("linkrefid")]
        for c in conditions
        if c.get("continue", "").lower() == "yes"
        for d in c.findall(f"{Q}displayfeedback")
    ]
    answers = {}
    profile = fields["cc_profile"]
    if profile == "cc.fib.v0p1":
        right = next(c for c in conditions if c.findtext(f"{Q}setvar") == "100")
        answers = {v.text: 1 for v in right.findall(f"{Q}conditionvar/{Q}varequal")}
    else:
        # //setvar[.=100]/../conditionvar//varequal[@case='Yes'][not(parent::not)]
        correct = set()
        for c in conditions:
            if c.findtext(f"{Q}setvar") == "100":
                negated = {id(v) for n in c.iter(f"{Q}not") for v in n}
                for v in c.iter(f"{Q}varequal"):
                    if v.get("case") == "Yes" and id(v) not in negated:
                        correct.add(v.text)
        for label in item.iter(f"{Q}response_label"):
            ident = label.get("ident")
            if profile == "cc.multiple_response.v0p1":
                answers[ident] = round(1 / len(correct), 7) if ident in correct else 0
            else:
                scored = [
                    c.findtext(f"{Q}setvar")
                    for c in conditions
                    if c.findtext(f"{Q}conditionvar/{Q}varequal") == ident
                ]
                answers[ident] = 1 if any(scored) else 0
    return {
        "profile": profile,
        "weight": fields.get("cc_weighting"),
        "text": item.findtext(f"{Q}presentation/{Q}material/{Q}mattext"),
        "general": " ".join(general),
        "answers": answers,
    }


def test_it_validates_every_file_against_the_cartridge_schemas(schemas):
    zipped, _skipped = cartridge()
    for name in zipped.namelist():
        schema = schemas["cp" if name == "imsmanifest.xml" else "qti"]
        assert schema.validate(etree.fromstring(zipped.read(name))), (name, schema.error_log)


def test_the_manifest_references_the_assessment_and_nothing_else_is_in_the_zip():
    zipped, _skipped = cartridge()
    manifest = ET.fromstring(zipped.read("imsmanifest.xml"))
    hrefs = {f.get("href") for f in manifest.iter(f"{CP}file")}
    assert hrefs == set(zipped.namelist()) - {"imsmanifest.xml"}
    (resource,) = manifest.iter(f"{CP}resource")
    assert resource.get("type") == "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"
    refs = [i.get("identifierref") for i in manifest.iter(f"{CP}item") if i.get("identifierref")]
    assert refs == [resource.get("identifier")]


def test_kinds_the_profile_lacks_are_left_out_with_the_reason():
    _zipped, skipped = cartridge()
    assert sorted(s.key for s in skipped) == ["q-matching", "q-numeric", "q-ordering", "q-range"]
    assert all("QTI 2.1" in s.reason for s in skipped)


def test_moodle_reads_each_kind_with_its_answers_and_citations():
    zipped, _skipped = cartridge()
    read = {key: moodle_reads(item) for key, item in items(zipped).items()}
    assert {k: r["profile"] for k, r in read.items()} == {
        "q-single": "cc.multiple_choice.v0p1",
        "q-multiple": "cc.multiple_response.v0p1",
        "q-true_false": "cc.true_false.v0p1",
        "q-short": "cc.fib.v0p1",
    }
    for r in read.values():
        assert "the quoted &lt;words&gt; &amp; more" in r["general"]
        assert CITATION.link in r["general"]
        assert r["text"].startswith("<p>A ")
        assert r["weight"] == "2"
    assert read["q-single"]["answers"] == {"C1": 1, "C2": 0, "C3": 0}
    assert read["q-multiple"]["answers"] == {
        "C1": 0.3333333,
        "C2": 0.3333333,
        "C3": 0.3333333,
        "C4": 0,
    }
    assert read["q-true_false"]["answers"] == {"true": 0, "false": 1}
    assert set(read["q-short"]["answers"]) >= {"The Río Bravo", "Rio Grande", "rio bravo"}


def test_choice_feedback_never_leaks_into_the_general_feedback():
    zipped, _skipped = cartridge([question("single")])
    general = moodle_reads(items(zipped)["q-single"])["general"]
    assert "Yes." not in general and "No." not in general


def test_a_cartridge_with_nothing_it_can_hold_is_refused():
    with pytest.raises(ValueError):
        cartridge([question("ordering")])


def test_the_command_writes_a_quiz_as_a_valid_cartridge(course, tmp_path, schemas):
    quiz = Quiz.objects.filter(course=course, practice_for__isnull=True).first()
    target = tmp_path / "quiz.imscc"
    stderr = io.StringIO()
    call_command(
        "export_questions",
        "--quiz",
        quiz.slug,
        "--course",
        course.slug,
        "--format",
        "cc",
        "--status",
        "any",
        "--base-url",
        BASE,
        "--output",
        str(target),
        stderr=stderr,
    )
    zipped = zipfile.ZipFile(target)
    for name in zipped.namelist():
        schema = schemas["cp" if name == "imsmanifest.xml" else "qti"]
        assert schema.validate(etree.fromstring(zipped.read(name))), (name, schema.error_log)
    assert "Common Cartridge" in stderr.getvalue()

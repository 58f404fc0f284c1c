"""A reader of Moodle XML written after Moodle 4.5's own importer, for the tests.

It reads a file the way qformat_xml (question/format/xml/format.php: import_headers,
import_answer, import_combined_feedback, import_hints, import_<type>, import_category) and each
question type's import_from_xml and save_question_options do, and stops where Moodle would
stop, with Moodle's reason:

* a question without a name, an unknown type, a ``<text>`` that is not plain text (invalidxml);
* a fraction outside Moodle's list of grades (question_bank::fraction_options_full, matched
  within 0.00001 by match_grade_options; a mismatch refuses the whole file);
* multichoice: fewer than 2 non-blank answers (an error that rolls the import back); a single
  answer question whose best answer is not 100%, or multiple response whose positive
  fractions do not add up to 100% (Moodle asks the teacher to fix them);
* truefalse: its answers must be "true" and "false", each with a fraction;
* shortanswer and numerical: the best answer must be 100%; a numerical answer or tolerance must
  be a number qtype_numerical can parse;
* matching: a subquestion with text but no answer (a notice, which ends the import there);
  fewer than 2 subquestions or 3 answers (Moodle's form refuses to save them);
* ordering: fewer than 2 items (a notice that ends the import), and no ``<shownumcorrect>``:
  qtype_ordering::import_from_xml then invents hints with no format, and saving them fails
  ("Error writing to database": question_hints.hintformat is NOT NULL);
* a category ``<info>`` without a format attribute (read without a check).

And what Moodle does silently, reported rather than refused: an ID number that already exists in
its category (qformat_default::importprocess drops it and imports the question anyway), and a
name longer than 255 characters (truncated).

`read(text, existing=...)` returns the questions as Moodle would store them (`Imported`);
`check(text)` also refuses a question without an ID number or one whose ID number Moodle would
drop, which is what Fuente promises.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from decimal import Decimal

FORMATS = {"moodle_auto_format", "html", "plain_text", "wiki_like", "markdown"}
CORE_TYPES = {
    "multichoice",
    "truefalse",
    "shortanswer",
    "numerical",
    "description",
    "matching",
    "match",
    "cloze",
    "multianswer",
    "essay",
    "calculated",
    "calculatedsimple",
    "calculatedmulti",
    "category",
}
PLUGIN_TYPES = {"ordering"}  # standard plugins that import through import_from_xml
_RAW = ["0.9", "0.8333333", "0.8", "0.75", "0.7", "0.6666667", "0.6", "0.5", "0.4", "0.3333333"]
_RAW += ["0.3", "0.25", "0.2", "0.1666667", "0.1428571", "0.125", "0.1111111", "0.1", "0.05"]
GRADES = [Decimal(0), Decimal(1), Decimal(-1)] + [s * Decimal(r) for r in _RAW for s in (1, -1)]
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?")
ANSWER_NUMBERING = {"abc", "ABCD", "123", "iii", "IIII", "none"}
MAX_IDNUMBER = 100


class MoodleRefuses(Exception):
    """Moodle would stop the import here (or refuse to save the question)."""


@dataclass
class Answer:
    text: str
    fraction: Decimal
    feedback: str = ""
    tolerance: str = ""


@dataclass
class Imported:
    qtype: str
    name: str
    category: str
    idnumber: str | None  # as stored: None when absent or dropped on a clash
    idnumber_in_file: str | None
    questiontext: str
    generalfeedback: str
    defaultmark: Decimal
    answers: list[Answer] = field(default_factory=list)
    subquestions: list[tuple[str, str]] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)


def _text(node: ET.Element | None, *, default: str = "") -> str:
    """getpath(..., ['#', 'text', 0, '#'], default, istext=true)."""
    if node is None:
        return default
    text = node.find("text")
    if text is None:
        return default
    if len(text):
        raise MoodleRefuses("invalidxml: a <text> holds elements, not text")
    return (text.text or "").strip()


def _format(node: ET.Element | None) -> None:
    if node is not None and "format" in node.attrib and node.get("format", "") not in FORMATS:
        raise MoodleRefuses(f"unrecognised text format {node.get('format')!r}")


def _value(node: ET.Element, tag: str, default: str) -> str:
    child = node.find(tag)
    return default if child is None else (child.text or "")


def _fraction(answer: ET.Element) -> Decimal:
    raw = answer.get("fraction", "0")
    try:
        return Decimal(raw) / 100
    except ArithmeticError as error:
        raise MoodleRefuses(f"fraction {raw!r} is not a number") from error


def _blank(html: str) -> bool:
    return not re.sub(r"<[^>]*>|&nbsp;|\s", "", html)


def _answers(node: ET.Element) -> list[Answer]:
    found = []
    for answer in node.findall("answer"):
        _format(answer)
        feedback = answer.find("feedback")
        _format(feedback)
        found.append(
            Answer(
                _text(answer),
                _fraction(answer),
                _text(feedback),
                _value(answer, "tolerance", "0").strip(),
            )
        )
    return found


def _check_grades(name: str, answers: list[Answer]) -> None:
    # qformat_default::importprocess, before anything is saved.
    for answer in answers:
        if not any(abs(answer.fraction - grade) < Decimal("0.00001") for grade in GRADES):
            raise MoodleRefuses(f"{name}: invalidgradequestion ({answer.fraction * 100}%)")


def _best_is_full(name: str, answers: list[Answer]) -> None:
    if max((a.fraction for a in answers), default=Decimal(-1)) < Decimal("0.99999"):
        raise MoodleRefuses(f"{name}: fractionsnomax (no answer is worth 100%)")


def _multichoice(q: Imported, node: ET.Element) -> None:
    q.options["single"] = _value(node, "single", "true")
    numbering = _value(node, "answernumbering", "abc") or "abc"
    if numbering not in ANSWER_NUMBERING:
        raise MoodleRefuses(f"{q.name}: unknown answernumbering {numbering!r}")
    q.options["answernumbering"] = numbering
    q.options["shownumcorrect"] = str(node.find("shownumcorrect") is not None)
    if sum(1 for a in q.answers if a.text != "") < 2:
        raise MoodleRefuses(f"{q.name}: notenoughanswers (a multichoice needs 2)")
    if q.options["single"] not in ("false", "0", ""):
        _best_is_full(q.name, q.answers)
    else:
        total = sum((a.fraction for a in q.answers if a.fraction > 0), Decimal(0))
        if round(total, 2) != 1:
            raise MoodleRefuses(f"{q.name}: fractionsaddwrong ({total * 100}%)")


def _truefalse(q: Imported, node: ET.Element) -> None:
    texts = sorted(a.text for a in q.answers)
    if texts != ["false", "true"]:
        raise MoodleRefuses(f"{q.name}: truefalse answers must be 'true' and 'false', not {texts}")
    if any("fraction" not in a.attrib for a in node.findall("answer")):
        raise MoodleRefuses(f"{q.name}: a truefalse answer has no fraction")


def _shortanswer(q: Imported, node: ET.Element) -> None:
    q.options["usecase"] = _value(node, "usecase", "0")
    _best_is_full(q.name, q.answers)


def _numerical(q: Imported, node: ET.Element) -> None:
    for answer in q.answers:
        if answer.text != "*" and not NUMBER.fullmatch(answer.text.replace(" ", "")):
            raise MoodleRefuses(f"{q.name}: invalidnumericanswer {answer.text!r}")
        if answer.tolerance and not NUMBER.fullmatch(answer.tolerance):
            raise MoodleRefuses(f"{q.name}: invalidnumerictolerance {answer.tolerance!r}")
    _best_is_full(q.name, q.answers)
    units = [
        (_value(u, "unit_name", "").strip(), _value(u, "multiplier", "1"))
        for u in node.iter("unit")
    ]
    q.options["units"] = ",".join(name for name, _ in units)
    q.options["showunits"] = _value(node, "showunits", "3" if not units else "0")


def _match(q: Imported, node: ET.Element) -> None:
    for sub in node.findall("subquestion"):
        _format(sub)
        answer = sub.find("answer")
        q.subquestions.append((_text(sub), _text(answer)))
    for text, answer in q.subquestions:
        if text != "" and answer == "":
            raise MoodleRefuses(f"{q.name}: nomatchinganswer for {text!r} (the import stops)")
    stems = [text for text, _ in q.subquestions if text != ""]
    choices = {answer for _, answer in q.subquestions if answer != ""}
    if len(stems) < 2 or len(choices) < 3:
        raise MoodleRefuses(f"{q.name}: a matching question needs 2 questions and 3 answers")
    q.options["shownumcorrect"] = str(node.find("shownumcorrect") is not None)


def _ordering(q: Imported, node: ET.Element) -> None:
    if node.find("shownumcorrect") is None and node.find("hint") is None:
        raise MoodleRefuses(
            f"{q.name}: no <shownumcorrect>: qtype_ordering makes hints without a hintformat "
            "(Error writing to database)"
        )
    for hint in node.findall("hint"):
        if "format" not in hint.attrib:
            raise MoodleRefuses(f"{q.name}: a <hint> without a format")
    items = [a for a in q.answers if not _blank(a.text)]
    if len(items) < 2:
        raise MoodleRefuses(f"{q.name}: notenoughanswers (an ordering needs 2 items)")
    for tag, default in (
        ("layouttype", "VERTICAL"),
        ("selecttype", "RANDOM"),
        ("selectcount", "6"),
        ("gradingtype", "RELATIVE"),
        ("showgrading", "1"),
        ("numberingstyle", "1"),
    ):
        q.options[tag] = _value(node, tag, default)
    # Every answer is stored with the fraction 1 (its place is its order in the file).
    for answer in q.answers:
        answer.fraction = Decimal(1)


TYPES = {
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "matching": _match,
    "match": _match,
    "ordering": _ordering,
}


def read(text: str, *, existing: dict[str, set[str]] | None = None) -> list[Imported]:
    """The questions Moodle would store from this file, in order; raises MoodleRefuses where
    Moodle would stop. existing: ID numbers already in each category (by path)."""
    taken = {path: set(ids) for path, ids in (existing or {}).items()}
    root = ET.fromstring(text)
    if root.tag != "quiz":
        raise MoodleRefuses("the document element is not <quiz>")
    category = "$course$/top/Default"
    imported: list[Imported] = []
    for node in root.findall("question"):
        qtype = node.get("type", "")
        if qtype == "category":
            category = _text(node.find("category"))
            info = node.find("info")
            if info is not None and "format" not in info.attrib:
                raise MoodleRefuses("a category <info> without a format")
            continue
        if qtype not in CORE_TYPES | PLUGIN_TYPES:
            raise MoodleRefuses(f"xmltypeunsupported: {qtype!r}")
        name = _text(node.find("name"))
        if name == "":
            raise MoodleRefuses("xmlimportnoname: a question without a name")
        for tag in ("questiontext", "generalfeedback"):
            _format(node.find(tag))
        in_file = node.findtext("idnumber")
        stored = in_file if in_file not in (None, "") else None
        ids = taken.setdefault(category, set())
        if stored is not None and stored in ids:
            stored = None  # importprocess: "We cannot have duplicate idnumbers in a category"
        if stored is not None:
            ids.add(stored)
        question = Imported(
            qtype=qtype,
            name=name[:255],
            category=category,
            idnumber=stored,
            idnumber_in_file=in_file,
            questiontext=_text(node.find("questiontext")),
            generalfeedback=_text(node.find("generalfeedback")),
            defaultmark=Decimal(_value(node, "defaultgrade", "1")),
            answers=_answers(node),
            tags=[_text(tag) for tag in node.findall("tags/tag")],
        )
        if qtype in TYPES:
            TYPES[qtype](question, node)
        _check_grades(name, question.answers)
        imported.append(question)
    return imported


def check(text: str, *, existing: dict[str, set[str]] | None = None) -> list[Imported]:
    """`read`, and also refuse what Fuente promises never to write: a question without an ID
    number, one longer than Moodle's 100 characters, or one Moodle would drop."""
    questions = read(text, existing=existing)
    for question in questions:
        idnumber = question.idnumber_in_file
        if not idnumber:
            raise MoodleRefuses(f"{question.name}: no <idnumber>")
        if len(idnumber) > MAX_IDNUMBER or idnumber != idnumber.strip():
            raise MoodleRefuses(f"{question.name}: ID number {idnumber!r} does not fit Moodle")
        if question.idnumber is None:
            raise MoodleRefuses(f"{question.name}: ID number {idnumber!r} is taken; dropped")
    return questions

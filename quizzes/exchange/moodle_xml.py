"""Moodle XML, for Moodle's Question bank > Import > Moodle XML format (qformat_xml).

A UTF-8 ``<quiz>`` document: first a category "question" (``$course$/top/…``), then one
``<question type="…">`` per question, with the question's key as its name and ID number, the
stem as the question text, and the explanation and citations (quoted words and a link that
opens them highlighted) as the general feedback. Texts are escaped HTML in the "html" format
(see render). Types:

* single → ``multichoice``, ``<single>true</single>``, fractions 100 for the key, 0 otherwise;
* multiple → ``multichoice``, ``<single>false</single>``, each of the R correct choices 100/R
  and each of the W incorrect ones -100/W (the quiz's right_minus_wrong scoring, and the
  bank's) or -100/R (proportional): Moodle adds the picked fractions and keeps the total
  between 0 and 1, which is Fuente's rule. Fuente's all-or-nothing quiz setting has no
  equivalent in Moodle's core types; such questions score right minus wrong;
* true_false → ``truefalse`` with the feedback for each answer;
* numeric → ``numerical``: answer and absolute tolerance (a min–max range becomes its middle
  ± half its width, the same range); the unit, if any, as an optional unit (students may type
  it or not; Moodle does not show it beside the box, so the stems name it);
* short → ``shortanswer``, case-insensitive, every accepted answer at 100%, then each phrasing
  of each pattern with Moodle's "*" wildcard (render.pattern_answers). Fuente also ignores
  accents, punctuation and leading articles; Moodle does not;
* matching → ``matching``: a subquestion per pair, and a subquestion with an empty text per
  distractor (Moodle's extra wrong answers); graded by the share of pairs right, like Fuente;
* ordering → ``ordering`` (a standard type since Moodle 4.4, the qtype_ordering plugin before):
  all items, graded "relative to all the previous and next items", which is Fuente's share of
  pairs in the right order.

Choices and matching answers are shuffled; the default mark is the question's points.

What Moodle's importer (question/format/xml/format.php and each type's import_from_xml and
save_question_options) needs written, because it mishandles the element's absence:

* ordering: ``<shownumcorrect>``. Without it qtype_ordering invents hints with no text and no
  format, and Moodle 4.4+ stops the import at that question ("Error writing to database":
  question_hints.hintformat cannot be null);
* every question: ``<idnumber>``, from the Fuente key (a key longer than Moodle's 100
  characters is shortened with a hash, still stable). ID numbers are unique per category, and
  on a clash the importer silently drops the new question's ID number and imports it anyway:
  re-importing a file adds copies *without* an ID number, the originals keep theirs (the
  category's description says so, in Moodle);
* multichoice, matching and ordering: the combined feedback (empty, as Fuente shows none) and,
  for multiple response and matching, ``<shownumcorrect/>`` ("You have 2 correct"), as Moodle's
  own exporter writes them, rather than leaving them to the importer's defaults;
* every question: ``<penalty>`` (Moodle's defaults for a new question: 1 for true/false, a
  third otherwise; it only applies in Moodle's interactive and adaptive quiz modes).

What Moodle refuses, and so Fuente leaves out (render.problem): a multiple-response question
with more correct choices than Moodle has shares for, a matching question with fewer than 3
answers. tests/quizzes/moodle_xml_checker.py reads the files as Moodle's importer does.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from quizzes.grading import DEFAULT_SCORING

from .model import ExportQuestion, Skipped
from .render import (
    category_path,
    choice_percents,
    clean,
    general_feedback,
    html_block,
    html_inline,
    numeric,
    pattern_answers,
    plain,
    problem,
    short_answer,
)

QTYPES = {
    "single": "multichoice",
    "multiple": "multichoice",
    "true_false": "truefalse",
    "numeric": "numerical",
    "short": "shortanswer",
    "matching": "matching",
    "ordering": "ordering",
}
MAX_IDNUMBER = 100  # Moodle's question_bank_entries.idnumber is a varchar(100)
CATEGORY_INFO = (
    "Questions exported from Fuente. Each question's ID number is its key in Fuente. Moodle "
    "gives an ID number to one question per category only: importing the same file again adds "
    "copies without an ID number, which you can find and delete."
)
# Moodle's penalty for each wrong try (interactive and adaptive modes), as for a new question.
PENALTY = {"true_false": "1"}
DEFAULT_PENALTY = "0.3333333"


def idnumber(key: str) -> str:
    """The question's Moodle ID number: its Fuente key, or, for a key longer than Moodle's 100
    characters, its start and a hash of the whole (stable, and still unique)."""
    if len(key) <= MAX_IDNUMBER:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:8]
    return f"{key[: MAX_IDNUMBER - len(digest) - 1]}-{digest}"


def write(
    questions: Iterable[ExportQuestion],
    out: TextIO,
    *,
    category: Sequence[str] = (),
    multiple_scoring: str = DEFAULT_SCORING,
) -> list[Skipped]:
    """Write the questions as a Moodle XML document; return those left out, with the reason.
    multiple_scoring is the quiz's rule for multiple response (see render.choice_percents).

    The whole document is built before anything is written: a question bank is at most a few
    thousand questions, and a half-written XML file would be useless anyway.
    """
    root = ET.Element("quiz")
    if category:
        node = ET.SubElement(root, "question", {"type": "category"})
        _text(node, "category", category_path(category), text_format=None)
        _text(node, "info", html_block(CATEGORY_INFO))
    skipped = []
    for question in questions:
        reason = problem(question, multiple_scoring)
        if reason is not None:
            skipped.append(Skipped(question.key, reason))
            continue
        _question(root, question, multiple_scoring)
    for left_out in skipped:
        # "--" cannot appear inside an XML comment.
        note = " ".join(f"Not exported: {left_out.key}: {left_out.reason}".split())
        root.append(ET.Comment(" " + note.replace("--", "- -") + " "))
    ET.indent(root, space="  ")
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    # Empty elements are written <text></text>, as Moodle's own export writes them.
    out.write(ET.tostring(root, encoding="unicode", short_empty_elements=False))
    out.write("\n")
    return skipped


def _text(
    parent: ET.Element, tag: str, text: str, *, text_format: str | None = "html"
) -> ET.Element:
    node = ET.SubElement(parent, tag, {"format": text_format} if text_format else {})
    ET.SubElement(node, "text").text = clean(text)
    return node


def _value(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, tag).text = value


def _question(root: ET.Element, question: ExportQuestion, scoring: str) -> None:
    node = ET.SubElement(root, "question", {"type": QTYPES[question.kind]})
    _text(node, "name", question.key, text_format=None)
    _text(node, "questiontext", html_block(question.stem))
    _text(node, "generalfeedback", general_feedback(question))
    _value(node, "defaultgrade", plain(question.points))
    _value(node, "penalty", PENALTY.get(question.kind, DEFAULT_PENALTY))
    _value(node, "hidden", "0")
    _value(node, "idnumber", idnumber(question.key))
    if question.kind == "multiple":
        _choices(node, question.data, multiple=True, scoring=scoring)
    else:
        WRITERS[question.kind](node, question.data)
    if question.tags:
        tags = ET.SubElement(node, "tags")
        for tag in question.tags:
            _text(tags, "tag", tag, text_format=None)


def _answer(
    parent: ET.Element, fraction: str, text: str, *, text_format: str = "html", feedback: str = ""
) -> ET.Element:
    node = _text(parent, "answer", text, text_format=text_format)
    node.set("fraction", fraction)
    if feedback.strip():
        _text(node, "feedback", html_block(feedback))
    return node


def _combined_feedback(node: ET.Element, *, shownumcorrect: bool) -> None:
    # Fuente shows no "Your answer is correct" texts; written empty, as Moodle's export does.
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        _text(node, tag, "")
    if shownumcorrect:
        ET.SubElement(node, "shownumcorrect")


def _choices(
    node: ET.Element, data: Any, *, multiple: bool, scoring: str = DEFAULT_SCORING
) -> None:
    _value(node, "single", "false" if multiple else "true")
    _value(node, "shuffleanswers", "true")
    _value(node, "answernumbering", "none")  # Fuente shows no letters before the choices
    # "Select one:" or "Select one or more:" above the choices, as for a new Moodle question.
    _value(node, "showstandardinstruction", "1")
    _combined_feedback(node, shownumcorrect=multiple)
    for choice, percent in zip(
        data["choices"], choice_percents(data, multiple=multiple, scoring=scoring), strict=True
    ):
        _answer(node, percent, html_inline(choice["text"]), feedback=choice.get("feedback", ""))


def _single(node: ET.Element, data: Any) -> None:
    _choices(node, data, multiple=False)


def _true_false(node: ET.Element, data: Any) -> None:
    # Moodle matches the answers by their text, "true" and "false".
    for value in (True, False):
        _answer(
            node,
            "100" if data["answer"] is value else "0",
            "true" if value else "false",
            text_format="moodle_auto_format",
            feedback=data.get(f"feedback_{'true' if value else 'false'}", ""),
        )


def _numeric(node: ET.Element, data: Any) -> None:
    value = numeric(data)
    answer = _answer(node, "100", plain(value.answer), text_format="moodle_auto_format")
    _value(answer, "tolerance", plain(value.tolerance))
    if value.unit:
        unit = ET.SubElement(ET.SubElement(node, "units"), "unit")
        _value(unit, "multiplier", "1")
        _value(unit, "unit_name", clean(value.unit))
    _value(node, "unitgradingtype", "0")  # a unit is optional and never costs marks
    _value(node, "unitpenalty", "0")
    # 0: students may type the unit after the number; 3: no units at all.
    _value(node, "showunits", "0" if value.unit else "3")
    _value(node, "unitsleft", "0")


def _short(node: ET.Element, data: Any) -> None:
    _value(node, "usecase", "0")
    for accepted in data["accepted"]:
        _answer(node, "100", short_answer(accepted), text_format="moodle_auto_format")
    for wildcard in pattern_answers(data):
        _answer(node, "100", wildcard, text_format="moodle_auto_format")


def _matching(node: ET.Element, data: Any) -> None:
    _value(node, "shuffleanswers", "true")
    _combined_feedback(node, shownumcorrect=True)
    rows = [(html_inline(pair["left"]), pair["right"]) for pair in data["pairs"]]
    rows += [("", item["text"]) for item in data.get("distractors", ())]
    for left, right in rows:
        sub = _text(node, "subquestion", left)
        answer = ET.SubElement(sub, "answer")
        ET.SubElement(answer, "text").text = clean(right).strip()


def _ordering(node: ET.Element, data: Any) -> None:
    items = data["items"]
    _value(node, "layouttype", "VERTICAL")
    _value(node, "selecttype", "ALL")
    _value(node, "selectcount", str(len(items)))
    _value(node, "gradingtype", "RELATIVE_ALL_PREVIOUS_AND_NEXT")
    _value(node, "showgrading", "SHOW")
    _value(node, "numberingstyle", "none")
    _combined_feedback(node, shownumcorrect=False)
    # Without it, qtype_ordering's import_from_xml makes hints with no format, and the import
    # stops at this question (see the module docstring).
    _value(node, "shownumcorrect", "1")
    # The fraction of an ordering answer is its place in the right order.
    for place, item in enumerate(items, start=1):
        _answer(node, str(place), html_inline(item["text"]))


WRITERS = {
    "single": _single,
    "true_false": _true_false,
    "numeric": _numeric,
    "short": _short,
    "matching": _matching,
    "ordering": _ordering,
}

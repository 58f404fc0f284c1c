"""GIFT, for Moodle's Question bank > Import > GIFT format (qformat_gift).

One question per block, blocks separated by a blank line, written as Moodle's own GIFT export
writes them:

    ::key::[html]<p>Stem</p>{
        =Right answer#Its feedback
        ~Wrong answer#Its feedback
        ####<p>Explanation</p><blockquote>…</blockquote><p><a href="…">…</a></p>
    }

* single: ``=`` marks the key, ``~`` the others; multiple: every choice ``~%w%`` with
  w = 100/R for each of the R correct choices and -100/W for each of the W others
  (right_minus_wrong) or -100/R (proportional; see render.choice_percents); true_false:
  ``{TRUE#wrong-answer feedback#right-answer feedback}``; numeric: ``{#answer:tolerance}`` or
  ``{#min..max}``; short: ``=%100%answer`` for each accepted answer, then for each phrasing
  of each pattern with Moodle's "*" wildcard; matching: ``=left -> right`` for each pair and
  ``= -> distractor`` for each distractor (an empty left side is Moodle's extra wrong answer).
* ordering is left out: GIFT has no ordering question (Moodle's ordering plugin reads a GIFT
  extension of its own, but it has no general feedback, so the citation would be lost).
* Text is HTML (the ``[html]`` marker on the stem; answers and feedback inherit it), except
  short answers and the right-hand side of matching pairs, which Moodle stores as plain text.
* The general feedback (after ``####``) holds the explanation and the citations with links.
* Escaping: ``\\`` ``~`` ``=`` ``#`` ``{`` ``}`` ``:`` get a backslash and a newline is
  written ``\\n``, in every text (short answers and matching answers included), so no
  character in a stem or answer can end or split it. ``$CATEGORY:`` names are not unescaped by
  Moodle, so they are written as they are. What GIFT cannot escape in its plain texts leaves
  the question out, with the reason (`why_not`): "->" or a leading "[html]" (any format name)
  in a short answer, or one of the importer's own placeholders ("&&058;" …).

* Each question is preceded by a comment line ``// [id:key] [tag:…]``: Moodle (3.6 and later)
  reads the question's ID number and tags from it (extract_idnumber_and_tags_from_comment),
  ``]`` written ``\\]``. A tag with ``<``, ``>``, a backtick or a control character cannot be
  written there and is left out.

Lost in GIFT: the question's default mark (Moodle uses 1; a quiz's marks are set in the
quiz), tags Moodle's comment syntax cannot hold, the unit of a numeric answer (Fuente shows
it beside the box; the stems name it), and Fuente's looser
short-answer matching (Moodle ignores case only).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from quizzes.grading import DEFAULT_SCORING

from . import moodle_xml
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

HEADER = "// Questions exported from Fuente. In Moodle: Question bank > Import > GIFT format.\n"
NO_ORDERING = (
    "GIFT has no ordering question (Moodle's ordering plugin has a GIFT form of its own, but "
    "without general feedback the citation would be lost); export it as Moodle XML."
)
NO_ARROW_IN_SHORT = (
    'an accepted answer contains "->", which GIFT reads as a matching pair and cannot escape; '
    "export it as Moodle XML."
)
NO_FORMAT_IN_SHORT = (
    "an accepted answer starts with {marker!r}, which GIFT reads as a text format and cannot "
    "escape; export it as Moodle XML."
)
NO_PLACEHOLDER = (
    "a short answer or matching answer contains {found!r}, which Moodle's GIFT importer turns "
    "into another character; export it as Moodle XML."
)
_RESERVED = {char: f"\\{char}" for char in "\\~=#{}:"} | {"\n": "\\n"}
# Short answers and right-hand sides are plain text in Moodle, so the HTML character references
# that keep other texts safe are not available there, and two things cannot be escaped: a
# leading text format (qformat_gift::parse_text_with_format, short answers only), and the
# placeholders the importer swaps escaped characters for (escapedchar_post), which it would
# turn into those characters.
_FORMAT_MARKER = re.compile(r"\[(?:moodle|html|plain|markdown)\]")
_PLACEHOLDER = re.compile(r"&&0(?:58;|35;|61;|123;|125;|126;|10)")


def escape(text: str) -> str:
    """Text safe anywhere in a GIFT question: GIFT's special characters get a backslash."""
    return "".join(_RESERVED.get(char, char) for char in clean(text))


def why_not(question: ExportQuestion, scoring: str = DEFAULT_SCORING) -> str | None:
    """Why this question cannot be written as GIFT, or None."""
    if question.kind == "ordering":
        return NO_ORDERING
    found = problem(question, scoring)
    if found is not None:
        return found
    data = question.data
    if question.kind == "short":
        accepted = [short_answer(answer) for answer in data["accepted"]]
        accepted += pattern_answers(data)
        if any("->" in answer for answer in accepted):
            return NO_ARROW_IN_SHORT
        for answer in accepted:
            marker = _FORMAT_MARKER.match(answer)
            if marker:
                return NO_FORMAT_IN_SHORT.format(marker=marker.group())
        plain_texts = accepted
    elif question.kind == "matching":
        plain_texts = [pair["right"] for pair in data["pairs"]]
        plain_texts += [item["text"] for item in data.get("distractors", ())]
    else:
        return None
    for text in plain_texts:
        placeholder = _PLACEHOLDER.search(text)
        if placeholder:
            return NO_PLACEHOLDER.format(found=placeholder.group())
    return None


def write(
    questions: Iterable[ExportQuestion],
    out: TextIO,
    *,
    category: Sequence[str] = (),
    multiple_scoring: str = DEFAULT_SCORING,
) -> list[Skipped]:
    """Write the questions as GIFT; return those left out, with the reason. multiple_scoring
    is the quiz's rule for multiple response (see render.choice_percents)."""
    out.write(HEADER)
    if category:
        out.write(f"\n$CATEGORY: {category_path(category)}\n")
    skipped = []
    for question in questions:
        reason = why_not(question, multiple_scoring)
        if reason is not None:
            skipped.append(Skipped(question.key, reason))
            continue
        out.write("\n" + id_and_tags(question) + question_text(question, multiple_scoring))
    for left_out in skipped:
        out.write(f"\n// Not exported: {left_out.key}: {' '.join(left_out.reason.split())}\n")
    return skipped


_NOT_IN_TAG = re.compile(r"[<>`\x00-\x1f\x7f]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def id_and_tags(question: ExportQuestion) -> str:
    """The comment line Moodle reads a question's ID number and tags from."""
    idnumber = moodle_xml.idnumber(_CONTROL.sub("", question.key))
    bits = [f"[id:{_bracketed(idnumber)}]"]
    for tag in question.tags:
        tag = " ".join(tag.split())
        if tag and not _NOT_IN_TAG.search(tag):
            bits.append(f"[tag:{_bracketed(tag)}]")
    return f"// {' '.join(bits)}\n"


def _bracketed(text: str) -> str:
    return text.replace("]", "\\]")


def question_text(question: ExportQuestion, scoring: str = DEFAULT_SCORING) -> str:
    """One question as a GIFT block (ending in a newline), for a question why_not accepts."""
    head = f"::{escape(question.key)}::[html]{escape(html_block(question.stem))}"
    feedback = escape(general_feedback(question))
    data = question.data
    if question.kind == "true_false":
        return head + _true_false(data, feedback) + "\n"
    lines = _answers(question.kind, data, scoring)
    if feedback:
        lines.append(f"####{feedback}")
    opening = "{#" if question.kind == "numeric" else "{"
    return head + opening + "\n" + "".join(f"\t{line}\n" for line in lines) + "}\n"


def _answers(kind: str, data: Any, scoring: str) -> list[str]:
    if kind in ("single", "multiple"):
        lines = []
        percents = choice_percents(data, multiple=kind == "multiple", scoring=scoring)
        for choice, percent in zip(data["choices"], percents, strict=True):
            mark = ("=" if choice["correct"] else "~") if kind == "single" else f"~%{percent}%"
            line = mark + escape(html_inline(choice["text"]))
            if choice.get("feedback", "").strip():
                line += "#" + escape(html_block(choice["feedback"]))
            lines.append(line)
        return lines
    if kind == "numeric":
        value = numeric(data)
        if value.is_range:
            return [f"={plain(value.low)}..{plain(value.high)}"]
        return [f"={plain(value.answer)}:{plain(value.tolerance)}"]
    if kind == "short":
        # An explicit weight, so that an answer starting "%50%" is not read as one.
        accepted = [short_answer(answer) for answer in data["accepted"]]
        return [f"=%100%{escape(answer)}" for answer in accepted + pattern_answers(data)]
    lines = [
        f"={escape(html_inline(pair['left']))} -> {escape(pair['right'].strip())}"
        for pair in data["pairs"]
    ]
    lines += [f"= -> {escape(item['text'].strip())}" for item in data.get("distractors", ())]
    return lines


def _true_false(data: Any, feedback: str) -> str:
    answer = bool(data["answer"])
    on_true = html_block(data.get("feedback_true", ""))
    on_false = html_block(data.get("feedback_false", ""))
    # GIFT gives the feedback for the wrong answer first, then for the right one.
    right, wrong = (on_true, on_false) if answer else (on_false, on_true)
    text = "{" + ("TRUE" if answer else "FALSE")
    if wrong or right:
        text += "#" + escape(wrong)
    if right:
        text += "#" + escape(right)
    if feedback:
        text += "####" + feedback
    return text + "}"

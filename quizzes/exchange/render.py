"""What the Moodle XML and GIFT writers share: text as HTML, the general feedback that carries
the citations, numbers, multiple-response weights, and the checks every format needs.

Stems, choices and explanations are plain text in Fuente (shown escaped, never as markup), so
both writers send them to Moodle as HTML-escaped text in the "html" format: Moodle stores and
shows HTML as it is, its editor opens it unchanged, and the citation link in the general
feedback can be a real link. The other formats would change the text: "moodle_auto_format"
and "markdown" read it as markup (a "<" or "*" in a stem would be lost or become emphasis),
and "plain_text" cannot carry a link.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Any

from quizzes.grading import DEFAULT_SCORING, SpecError, validate_spec
from quizzes.short_answers import expand_pattern

from .model import ExportQuestion

# Moodle accepts an answer's fraction only from its list of grades (question_bank::
# fraction_options_full: 1/1 … 1/10, 1/20 and a few others). Each correct choice of a
# multiple-response question is worth 1/(number of correct choices), so at most 10; with
# right_minus_wrong scoring each incorrect one costs 1/(number of incorrect choices), so at
# most 10 of those too.
MAX_CORRECT_CHOICES = 10
# A short answer's patterns go to Moodle as answers with its "*" wildcard, brackets multiplied
# out (render.pattern_answers); more than this many is no longer a pattern a teacher can check.
MAX_PATTERN_ANSWERS = 50
# Matching: Moodle's match type needs at least 3 answers to choose from (pairs + distractors).
MIN_MATCHING_OPTIONS = 3

_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def clean(text: str) -> str:
    """Text with Windows line endings made plain and characters XML cannot hold dropped."""
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _inline(text: str) -> str:
    return escape(text, quote=False).replace("\n", "<br>")


def html_block(text: str) -> str:
    """Plain text as HTML paragraphs (a blank line starts a new one; a newline is a <br>)."""
    paragraphs = _PARAGRAPH_BREAK.split(clean(text).strip())
    return "".join(f"<p>{_inline(p.strip())}</p>" for p in paragraphs if p.strip())


def html_inline(text: str) -> str:
    """Plain text as HTML without a paragraph, for a choice, an item or a left-hand side."""
    html = _inline(clean(text).strip())
    # GIFT reads a leading "[name]" as a text format and a leading "%n%" as a weight. As
    # character references they mean nothing to GIFT and the same to a browser.
    if html[:1] in ("[", "%"):
        html = f"&#{ord(html[0])};{html[1:]}"
    return html


def general_feedback(question: ExportQuestion) -> str:
    """The explanation, then each citation as Fuente shows it: the quoted words and a link
    that opens them highlighted in the reading."""
    parts = [html_block(question.explanation)]
    for citation in question.citations:
        title = citation.source_title
        if citation.published:
            title += f" ({citation.published})"
        parts.append(f"<blockquote><p>“{_inline(clean(citation.quote).strip())}”</p></blockquote>")
        parts.append(
            f'<p><a href="{escape(clean(citation.link), quote=True)}">'
            f"{_inline(clean(title))} — open at these words</a></p>"
        )
    return "".join(parts)


def short_answer(text: str) -> str:
    """An accepted answer as Moodle's short-answer type reads it: "*" is its wildcard, so a
    literal asterisk is written "\\*"."""
    return clean(text).strip().replace("*", "\\*")


_STAR = re.compile(r"\s*\*\s*")


def pattern_answers(data: Mapping[str, Any]) -> list[str]:
    """A short answer's patterns as Moodle short answers: each phrasing of each pattern, its
    "*" Moodle's wildcard (any characters, so "lake city *" becomes "lake city*"). Moodle
    ignores case only: the pattern's words go as the teacher wrote them. At most
    MAX_PATTERN_ANSWERS + 1 (problem() refuses more)."""
    answers: list[str] = []
    for pattern in data.get("patterns", ()):
        for phrasing in expand_pattern(pattern, MAX_PATTERN_ANSWERS - len(answers)):
            answer = _STAR.sub("*", clean(phrasing)).strip()
            if answer and answer.casefold() not in {a.casefold() for a in answers}:
                answers.append(answer)
        if len(answers) > MAX_PATTERN_ANSWERS:
            break
    return answers


def category_path(names: Sequence[str]) -> str:
    """A Moodle question category path under the course's top category ("/" in a name is
    written "//", as Moodle reads it)."""
    cleaned = [" ".join(clean(name).split()).replace("/", "//") for name in names]
    return "/".join(["$course$", "top", *(name for name in cleaned if name)])


def number(value: Any) -> Decimal:
    """A number from question data as the teacher wrote it (0.1, not the float's binary value)."""
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def plain(value: Decimal) -> str:
    """A number written plainly: no exponent, no thousands separators, no trailing zeros."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True)
class Numeric:
    """A numeric question's answer both ways: answer ± tolerance, and the inclusive range."""

    answer: Decimal
    tolerance: Decimal
    low: Decimal
    high: Decimal
    is_range: bool  # the teacher gave min and max rather than answer and tolerance
    unit: str


def numeric(data: Mapping[str, Any]) -> Numeric:
    unit = str(data.get("unit", "")).strip()
    if "answer" in data:
        answer = number(data["answer"])
        tolerance = number(data.get("tolerance", 0))
        return Numeric(answer, tolerance, answer - tolerance, answer + tolerance, False, unit)
    low, high = number(data["min"]), number(data["max"])
    # Halving a finite decimal is exact, so Moodle's answer ± tolerance is the same range.
    return Numeric((low + high) / 2, (high - low) / 2, low, high, True, unit)


def choice_percents(
    data: Mapping[str, Any], *, multiple: bool, scoring: str = DEFAULT_SCORING
) -> list[str]:
    """Each choice's share of the marks in percent, as Moodle and GIFT write it.

    Single choice: 100 for the key, 0 otherwise. Multiple response: each of the R correct
    choices 100/R; each of the W incorrect ones -100/W (right_minus_wrong, Fuente's default)
    or -100/R (proportional). Moodle adds up the picked choices' fractions and keeps the total
    between 0 and 1, which is Fuente's rule either way. Moodle has no all-or-nothing scoring
    for its multiple-choice type: such a quiz's questions get right_minus_wrong's shares.
    The shares are rounded to 5 decimal places, well within the 0.00001 Moodle allows when it
    matches them to its list of grades.
    """
    choices = data["choices"]
    if not multiple:
        return ["100" if choice["correct"] else "0" for choice in choices]
    correct = sum(1 for choice in choices if choice["correct"])
    wrong = len(choices) - correct if scoring != "proportional" else correct
    right_share, wrong_share = (
        plain((Decimal(100) / count).quantize(Decimal("0.00001"))) for count in (correct, wrong)
    )
    return [right_share if choice["correct"] else f"-{wrong_share}" for choice in choices]


def problem(question: ExportQuestion, scoring: str = DEFAULT_SCORING) -> str | None:
    """Why no format can carry this question as it is, or None."""
    try:
        validate_spec(question.kind, question.data)
    except SpecError as error:
        return f"its answer data is not valid ({error}); fix it in the admin first."
    if question.kind == "multiple":
        choices = question.data["choices"]
        correct = sum(1 for choice in choices if choice["correct"])
        wrong = len(choices) - correct if scoring != "proportional" else 0
        for count, which in ((correct, "correct"), (wrong, "incorrect")):
            if count > MAX_CORRECT_CHOICES:
                return (
                    f"it has {count} {which} choices, and Moodle only takes a choice's share "
                    f"of the marks from its own list (1, 1/2 … 1/{MAX_CORRECT_CHOICES}); give "
                    f"it at most {MAX_CORRECT_CHOICES}."
                )
    if question.kind == "short" and len(pattern_answers(question.data)) > MAX_PATTERN_ANSWERS:
        return (
            f"its patterns stand for more than {MAX_PATTERN_ANSWERS} answers in Moodle (each "
            "phrase in brackets multiplies them); write fewer or simpler patterns."
        )
    if question.kind == "matching":
        options = len(question.data["pairs"]) + len(question.data.get("distractors", ()))
        if options < MIN_MATCHING_OPTIONS:
            return (
                f"Moodle's matching question needs at least {MIN_MATCHING_OPTIONS} answers to "
                f"choose from and this one has {options}; add a distractor."
            )
    return None

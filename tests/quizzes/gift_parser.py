"""A GIFT reader for the tests, following Moodle's own importer (qformat_gift::readquestions
and readquestion in question/format/gift/format.php) step by step, so that what it reads
back is what Moodle would import:

* blocks are separated by blank lines; each line is trimmed; lines starting with // are
  comments;
* escapes first: "\\\\" is a backslash, "\\:" "\\#" "\\=" "\\{" "\\}" "\\~" stand for the
  character, "\\n" for a newline; they become Moodle's placeholders ("&&058;" …) and are
  restored only after the question is taken apart (so a placeholder in the text is read as
  its character, as Moodle does);
* "$CATEGORY:" starts a category; "::name::" names a question; the answers are between the
  first "{" and the first "}"; "####" starts the general feedback; a text may start with its
  format in brackets ("[html]"), and answers and feedback default to the question's format;
* the type: "#" first is numerical, any "~" is multiple choice ("=" present: single answer),
  "=" with "->" is matching, T/TRUE/F/FALSE is true/false, anything else short answer;
* weights are "%n%" before an answer, in percent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

# Moodle's own placeholders (escapedchar_pre/escapedchar_post), so that text which happens to
# contain one reads back as Moodle reads it.
_ESCAPES = {
    ":": "&&058;",
    "#": "&&035;",
    "=": "&&061;",
    "{": "&&123;",
    "}": "&&125;",
    "~": "&&126;",
}
_NEWLINE = "&&010"
_BACKSLASH = "&&092;"
_WEIGHT = re.compile(r"^%-*([0-9]{1,2})\.?([0-9]*)%")
_FORMATS = ("moodle", "html", "plain", "markdown")


class GiftError(ValueError):
    pass


@dataclass
class Answer:
    text: str
    weight: Decimal  # percent of the marks: 100, 33.33333, -50, 0
    feedback: str = ""


@dataclass
class Question:
    name: str
    kind: str  # Moodle's type: multichoice, truefalse, shortanswer, numerical, match, …
    text: str
    text_format: str
    general_feedback: str
    single: bool = True
    answers: list[Answer] = field(default_factory=list)
    # numerical: (answer, tolerance) per answer, as Moodle stores them
    numbers: list[tuple[Decimal, Decimal]] = field(default_factory=list)
    ranges: list[tuple[Decimal, Decimal]] = field(default_factory=list)  # as written, min..max
    pairs: list[tuple[str, str]] = field(default_factory=list)  # matching (left "" = distractor)
    truth: bool | None = None
    feedback_true: str = ""
    feedback_false: str = ""


@dataclass
class Category:
    path: str


def parse(text: str) -> list[Question | Category]:
    items: list[Question | Category] = []
    block: list[str] = []
    for line in [*text.splitlines(), ""]:
        line = line.strip()
        if line:
            block.append(line)
        elif block:
            item = _read(block)
            if item is not None:
                items.append(item)
            block = []
    return items


def _pre(text: str) -> str:
    text = text.replace("\\\\", _BACKSLASH)
    for char, placeholder in _ESCAPES.items():
        text = text.replace("\\" + char, placeholder)
    text = text.replace("\\n", _NEWLINE)
    return text.replace(_BACKSLASH, "\\")


def _post(text: str) -> str:
    for char, placeholder in _ESCAPES.items():
        text = text.replace(placeholder, char)
    return text.replace(_NEWLINE, "\n")


def _with_format(text: str, default: str) -> tuple[str, str]:
    fmt = default
    if text.startswith("[") and "]" in text:
        name = text[1 : text.index("]")]
        if name in _FORMATS:
            fmt, text = name, text[text.index("]") + 1 :]
    return _post(text).strip(), fmt


def _comment(answer: str, default: str) -> tuple[str, str]:
    text, _, feedback = answer.partition("#")
    return _with_format(text.strip(), default)[0], _with_format(feedback.strip(), default)[0]


def _weight(answer: str) -> tuple[Decimal | None, str]:
    if not _WEIGHT.match(answer):
        return None, answer
    end = answer.index("%", 1)
    return Decimal(answer[1:end]), answer[end + 1 :]


def _read(lines: list[str]) -> Question | Category | None:
    lines = [" " if line.startswith("//") else line for line in lines]
    text = "\n".join(lines).strip()
    if not text:
        return None
    text = _pre(text)
    if text.startswith("$CATEGORY:"):
        return Category(text[len("$CATEGORY:") :].strip())
    name = ""
    if text.startswith("::") and "::" in text[2:]:
        end = text.index("::", 2)
        name, text = _post(text[2:end]), text[end + 2 :].strip()
    start, finish = text.find("{"), text.find("}")
    if start == -1 or finish == -1:
        raise GiftError(f"No answer block in {name or text[:40]!r}.")
    body = text[start + 1 : finish].strip()
    # Answers inside the text leave a blank there (Moodle's "missing word" form).
    stem = text[:start] + ("" if text.endswith("}") else "_____") + text[finish + 1 :]
    general = ""
    if "####" in body:
        cut = body.rindex("####")
        general, body = body[cut + 4 :], body[:cut].strip()
    stem_text, stem_format = _with_format(stem, "moodle")
    feedback, _ = _with_format(general, stem_format)
    question = Question(name, "", stem_text, stem_format, feedback)
    if body.startswith("#"):
        _numerical(question, body[1:], stem_format)
    elif "~" in body:
        _multichoice(question, body, stem_format)
    elif "=" in body and "->" in body:
        _match(question, body, stem_format)
    elif body.partition("#")[0].strip() in ("T", "TRUE", "F", "FALSE"):
        _true_false(question, body, stem_format)
    else:
        _short(question, body, stem_format)
    return question


def _split(body: str, mark: str) -> list[str]:
    parts = [part.strip() for part in body.split(mark)]
    return parts[1:] if parts and not parts[0] else parts


def _multichoice(question: Question, body: str, fmt: str) -> None:
    question.kind, question.single = "multichoice", "=" in body
    for answer in _split(body.replace("=", "~="), "~"):
        if answer.startswith("="):
            weight, answer = Decimal(100), answer[1:]
        else:
            found, answer = _weight(answer)
            weight = Decimal(0) if found is None else found
        text, feedback = _comment(answer, fmt)
        question.answers.append(Answer(text, weight, feedback))


def _match(question: Question, body: str, fmt: str) -> None:
    question.kind = "match"
    for answer in _split(body, "="):
        if "->" not in answer:
            raise GiftError(f"A matching answer without '->' in {question.name!r}.")
        left, _, right = answer.partition("->")
        question.pairs.append((_with_format(left.strip(), fmt)[0], _post(right).strip()))


def _true_false(question: Question, body: str, fmt: str) -> None:
    question.kind = "truefalse"
    parts = body.split("#", 2)
    answer = _with_format(parts[0].strip(), fmt)[0]
    wrong = _with_format(parts[1].strip(), fmt)[0] if len(parts) > 1 else ""
    right = _with_format(parts[2].strip(), fmt)[0] if len(parts) > 2 else ""
    question.truth = answer in ("T", "TRUE")
    if question.truth:
        question.feedback_true, question.feedback_false = right, wrong
    else:
        question.feedback_true, question.feedback_false = wrong, right


def _short(question: Question, body: str, fmt: str) -> None:
    question.kind = "shortanswer"
    for answer in _split(body, "="):
        found, answer = _weight(answer)
        text, feedback = _comment(answer, fmt)
        question.answers.append(Answer(text, Decimal(100) if found is None else found, feedback))


def _numerical(question: Question, body: str, fmt: str) -> None:
    question.kind = "numerical"
    body = body.partition("~")[0]
    for answer in _split(body, "="):
        found, answer = _weight(answer)
        text, feedback = _comment(answer, fmt)
        weight = Decimal(100) if found is None else found
        question.answers.append(Answer(text, weight, feedback))
        if ".." in text[1:]:
            low, high = (Decimal(part.strip()) for part in text.split("..", 1))
            question.ranges.append((low, high))
            question.numbers.append(((low + high) / 2, (high - low) / 2))
        elif ":" in text[1:]:
            value, tolerance = (Decimal(part.strip()) for part in text.split(":", 1))
            question.numbers.append((value, tolerance))
        else:
            question.numbers.append((Decimal(text), Decimal(0)))

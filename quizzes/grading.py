"""Checking question data, reading students' answers and grading them: plain data in and out.

A question version stores its kind (one of KINDS) and a JSON-able ``data`` dict, checked by
validate_spec. parse_answer turns a POSTed form into the answer that is stored; grade,
feedback_for and correct_answer_text read stored answers back. No Django here but gettext
(messages come out in the active language): the quizzes views and models call in with plain
values. Numbers are read by a convention (quizzes.numbers), the one of the student's language when
they answered, which a numeric answer stores.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from quizzes.numbers import (
    NUMBER_CONVENTIONS,
    format_number,
    numeric_text,
    numeric_value,
    parse_number,
)
from quizzes.specs import (
    KINDS,
    ChoiceSpec,
    MatchingSpec,
    NumericSpec,
    OrderingSpec,
    ShortSpec,
    Spec,
    SpecError,
    TrueFalseSpec,
    load_spec,
    validate_spec,
)

__all__ = [
    "DEFAULT_SCORING",
    "KINDS",
    "MAX_NUMBER_TEXT",
    "MAX_TEXT",
    "SCORINGS",
    "AnswerError",
    "Result",
    "SpecError",
    "correct_answer_text",
    "correct_answers",
    "feedback_for",
    "grade",
    "labelled_feedback",
    "number_format_hint",
    "parse_answer",
    "shuffled",
    "validate_spec",
]

MAX_TEXT = 500
MAX_NUMBER_TEXT = 40  # a numeric answer as typed: room for "137,000 ± 500 people" and more
# How a multiple-response question is scored, chosen per quiz (see docs/scoring.md). The
# default gives nothing for ticking every box.
SCORINGS: tuple[str, ...] = ("right_minus_wrong", "proportional", "all_or_nothing")
DEFAULT_SCORING = "right_minus_wrong"


class AnswerError(ValueError):
    """A submitted answer cannot be read; str(error) is a sentence the student can act on."""


# Reading answers


# Messages are functions, not constants: gettext must run in the student's language.
def _choose_shown() -> str:
    return _("Choose one of the options shown.")


def _not_in_question() -> str:
    return _(
        "Your answer mentions an item that is not in this question; "
        "reload the page and answer again."
    )


def _unreadable() -> str:
    return _("Your answer could not be read; reload the page and answer again.")


def _too_long() -> str:
    return _("Your answer is longer than %(limit)s characters.") % {"limit": MAX_TEXT}


# Example numbers for the "enter a number" hints, far apart so that no range holds them all.
_EXAMPLE_NUMBERS = (1234, 98765, 4321000)
_EXAMPLE_DECIMALS = (Decimal("2.5"), Decimal("0.75"), Decimal("31.6"))


def parse_answer(
    kind: str,
    data: Mapping[str, Any],
    form: Mapping[str, list[str]],
    *,
    convention: str = "en",
    stored: Any = None,
) -> Any:
    """Turn a submitted form into the answer to store, or None when the student left it blank.

    form maps field names to lists of strings, like dict(request.POST.lists()); fields this
    question does not own (the CSRF token and so on) are ignored. The answer, by kind:
    single "a"; multiple ["a", "c"] (sorted, unique); true_false True or False; numeric
    {"text": the stripped text as typed, "convention": how it was read} (convention is one
    of NUMBER_CONVENTIONS: the student's language when they answered, see parse_number);
    short the stripped text as typed; ordering {"a": 1, "b": 3} from "position-<id>" fields
    (blank positions left out; repeated positions allowed, so that a student part-way
    through reordering loses nothing); matching {"a": "x1"} from "match-<pair id>" fields.

    `stored` is the answer saved before, if any: a numeric answer whose text has not changed
    keeps the reading it was given with, so a page posted again after the student switched
    language neither refuses nor silently re-reads an answer they did not touch.

    Raises AnswerError, whose message the student can act on, for an id that is not in this
    question, more values than the question allows, a value over MAX_TEXT characters, a
    number that does not read as one, a position outside 1..n, or an unknown kind; raises
    SpecError if the question data itself is malformed, and ValueError for an unknown
    convention.
    """
    if convention not in NUMBER_CONVENTIONS:
        raise ValueError(f"convention must be one of {NUMBER_CONVENTIONS}, not {convention!r}.")
    if kind not in KINDS:
        raise AnswerError(
            _(
                "This question cannot be answered because its type is not recognised; "
                "please tell your teacher."
            )
        )
    spec = load_spec(kind, data)
    if isinstance(spec, ChoiceSpec):
        return _parse_choices(spec, form)
    if isinstance(spec, TrueFalseSpec):
        value = _one_value(form, "answer", _("Choose either True or False, not both."))
        if value is None:
            return None
        if value.strip().lower() not in ("true", "false"):
            raise AnswerError(_("Choose True or False."))
        return value.strip().lower() == "true"
    if isinstance(spec, NumericSpec):
        value = _one_value(form, "answer", _("Enter one number only."))
        if value is None:
            return None
        if numeric_text(stored) == value.strip() and numeric_value(stored) is not None:
            return stored
        if len(value.strip()) > MAX_NUMBER_TEXT:
            raise AnswerError(
                _("Enter a number of at most %(limit)s characters.") % {"limit": MAX_NUMBER_TEXT}
            )
        if parse_number(value, convention) is None:
            raise AnswerError(_number_error(spec, value, convention))
        return {"text": value.strip(), "convention": convention}
    if isinstance(spec, ShortSpec):
        value = _one_value(form, "answer", _("Enter one answer only."))
        # PostgreSQL cannot store NUL in text or JSON; it is invisible, and grading ignores it.
        text = value.replace("\x00", "").strip() if value is not None else ""
        return text or None
    if isinstance(spec, OrderingSpec):
        return _parse_ordering(spec, form)
    return _parse_matching(spec, form)


def _outside(spec: NumericSpec, examples: Iterable[Decimal | int]) -> Decimal | int | None:
    # An example that happened to be a right answer would give it away.
    return next((e for e in examples if not spec.low <= Fraction(e) <= spec.high), None)


def _number_error(spec: NumericSpec, text: str, convention: str) -> str:
    """Why `text` is not a number in `convention`, with examples the student can copy."""
    other = "es" if convention == "en" else "en"
    decimal = _outside(spec, _EXAMPLE_DECIMALS)
    if parse_number(text, other) is not None and decimal is not None:
        # "2,5" typed in English or "2.5" in Spanish: the decimal mark of the other language.
        if convention == "es":
            message = _("Write decimals with a comma, such as %(example)s.")
        else:
            message = _("Write decimals with a point, such as %(example)s.")
        return message % {"example": format_number(decimal, convention)}
    example = _outside(spec, _EXAMPLE_NUMBERS)
    if example is not None:
        return _("Enter a number, such as %(plain)s or %(grouped)s.") % {
            "plain": example,
            "grouped": format_number(example, convention),
        }
    if convention == "es":
        return _("Enter a number in digits, with points or spaces between thousands if you like.")
    return _("Enter a number in digits, with commas or spaces between thousands if you like.")


def number_format_hint(kind: str, data: Mapping[str, Any], convention: str) -> str:
    """How to type the answer to a numeric question in `convention`, for the attempt page:
    the decimal mark and the thousands separators, with examples that are not the answer.
    Empty for other kinds and for data that does not load."""
    try:
        spec = load_spec(kind, data)
    except SpecError:
        return ""
    if not isinstance(spec, NumericSpec):
        return ""
    decimal = _outside(spec, _EXAMPLE_DECIMALS)
    grouped = _outside(spec, _EXAMPLE_NUMBERS)
    if decimal is None or grouped is None:
        if convention == "es":
            return _("Use a comma for decimals; points or spaces between thousands are optional.")
        return _("Use a point for decimals; commas or spaces between thousands are optional.")
    values = {
        "decimal": format_number(decimal, convention),
        "grouped": format_number(grouped, convention),
    }
    if convention == "es":
        return (
            _("Write decimals with a comma (%(decimal)s); thousands may be grouped (%(grouped)s).")
            % values
        )
    return (
        _("Write decimals with a point (%(decimal)s); thousands may be grouped (%(grouped)s).")
        % values
    )


def _parse_choices(spec: ChoiceSpec, form: Mapping[str, list[str]]) -> Any:
    if not spec.multiple:
        value = _one_value(form, "answer", _("Choose only one option."))
        if value is None:
            return None
        if value not in spec.ids:
            raise AnswerError(_choose_shown())
        return value
    values = _values(form, "answer")
    if len(values) > len(spec.choices):
        raise AnswerError(_("Choose each option at most once."))
    picked = {value for value in values if value.strip()}
    if not picked <= spec.ids:
        raise AnswerError(_choose_shown())
    return sorted(picked) or None


def _parse_ordering(spec: OrderingSpec, form: Mapping[str, list[str]]) -> Any:
    _refuse_unknown_fields(form, "position-", {item.id for item in spec.items})
    count = len(spec.items)
    positions: dict[str, int] = {}
    for item in spec.items:
        value = _one_value(form, f"position-{item.id}", _("Choose one position for each item."))
        if value is None:
            continue
        text = value.strip()
        # Only ASCII digits: int() would also take "+1", "1_0" and other scripts' digits.
        if not re.fullmatch(r"[0-9]{1,6}", text) or not 1 <= int(text) <= count:
            raise AnswerError(
                _("Choose a position from 1 to %(count)s for each item.") % {"count": count}
            )
        positions[item.id] = int(text)
    return positions or None


def _parse_matching(spec: MatchingSpec, form: Mapping[str, list[str]]) -> Any:
    _refuse_unknown_fields(form, "match-", {pair.id for pair in spec.pairs})
    options = spec.option_ids
    matches: dict[str, str] = {}
    for pair in spec.pairs:
        value = _one_value(form, f"match-{pair.id}", _("Choose one match for each item."))
        if value is None:
            continue
        if value not in options:
            raise AnswerError(_choose_shown())
        matches[pair.id] = value
    return matches or None


def _refuse_unknown_fields(form: Mapping[str, list[str]], prefix: str, ids: set[str]) -> None:
    # A field named for an item this question lacks means a stale page or another
    # question's form; saving the rest silently would drop part of what the student did.
    for name in form:
        if isinstance(name, str) and name.startswith(prefix) and name[len(prefix) :] not in ids:
            raise AnswerError(_not_in_question())


def _values(form: Mapping[str, list[str]], name: str) -> list[str]:
    raw: object = form.get(name)
    if raw is None:
        return []
    # Tolerate dict(request.POST) (one string per name) as well as .lists().
    values = [raw] if isinstance(raw, str) else raw
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        raise AnswerError(_unreadable())
    if any(len(value) > MAX_TEXT for value in values):
        raise AnswerError(_too_long())
    return list(values)


def _one_value(form: Mapping[str, list[str]], name: str, too_many: str) -> str | None:
    values = _values(form, name)
    if len(values) > 1:
        raise AnswerError(too_many)
    if not values or not values[0].strip():
        return None
    return values[0]


# Grading


@dataclass(frozen=True)
class Result:
    """The grade of one answer.

    points is in [0, max_points] with two decimal places; outcome is "correct" (full marks),
    "partial" or "incorrect" (no marks, including no answer); parts says which parts were
    right: per choice id for single/multiple (was picking, or not picking, it right), per
    pair id for matching, per "a<b" pair of items for ordering, {"answer": ...} otherwise.
    """

    points: Decimal
    max_points: Decimal
    outcome: str
    parts: dict[str, bool]


def grade(
    kind: str,
    data: Mapping[str, Any],
    answer: Any,
    *,
    max_points: Decimal = Decimal(1),
    multiple_scoring: str = DEFAULT_SCORING,
) -> Result:
    """Grade a stored answer; any answer value at all grades without raising.

    None, values of the wrong type and ids that are not in the question earn nothing (ids
    not in the question are ignored, so the rest of an answer still counts). Raises
    SpecError if the question data is malformed and ValueError if max_points is not a
    positive amount with at most two decimal places or multiple_scoring is unknown.

    single, true_false, numeric, short: full marks or none. Numeric answers are read like
    parse_answer reads them and compared exactly: within answer ± tolerance, or between min
    and max, both ends included. Short answers match when they equal an accepted answer
    once case, accents, punctuation, hyphens, spacing and leading articles are ignored, or
    fit one of the question's patterns (quizzes.short_answers).

    multiple, right_minus_wrong (the default): the share of the correct choices picked minus
    the share of the incorrect choices picked, R correct and W incorrect choices:
    max(0, right/R - wrong/W). Ticking every box earns 0; so does picking nothing.
    multiple, all_or_nothing: full marks only for exactly the correct choices.
    multiple, proportional: each correct choice picked earns 1/R of the marks, each
    incorrect choice picked takes the same amount away, and the total never goes below zero
    (ticking every box of a question with 3 of 4 choices correct earns 2/3).
    Choices left unpicked neither earn nor cost anything.

    ordering: every pair of items (i before j in the right order) is a part; it is right
    when both have positions and i's is strictly smaller. Marks are the share of right pairs.

    matching: marks are the share of left-hand items matched to their own right-hand option.

    Points are rounded half-up to 0.01, except that an answer partly right never rounds to
    full marks or to zero (unless max_points is 0.01, which leaves no room in between).
    """
    if multiple_scoring not in SCORINGS:
        raise ValueError(
            f"multiple_scoring must be one of {', '.join(SCORINGS)}, not {multiple_scoring!r}."
        )
    max_cents = _cents(max_points)
    spec = load_spec(kind, data)
    fraction, parts = _score(spec, answer, multiple_scoring)
    return _result(fraction, max_cents, parts)


def _cents(max_points: Decimal) -> int:
    try:
        value = Decimal(max_points)
    except (TypeError, ValueError) as error:
        raise ValueError(f"max_points must be a Decimal, not {max_points!r}.") from error
    if not value.is_finite() or value <= 0:
        raise ValueError(f"max_points must be greater than zero, not {max_points}.")
    cents = Fraction(value) * 100
    if cents.denominator != 1:
        # Off the 0.01 grid, full marks would round to more than max_points.
        raise ValueError(f"max_points can have at most two decimal places, not {max_points}.")
    return cents.numerator


def _from_cents(cents: int) -> Decimal:
    # Built from text so that no decimal context (28 digits) can round it.
    return Decimal(f"{cents // 100}.{cents % 100:02d}")


def _result(fraction: Fraction, max_cents: int, parts: dict[str, bool]) -> Result:
    if fraction >= 1:
        cents = max_cents
    elif fraction <= 0:
        cents = 0
    else:
        cents = math.floor(fraction * max_cents + Fraction(1, 2))
        # "correct" and "incorrect" must mean what they say: 0.999 is not full marks.
        if max_cents > 1:
            cents = min(max(cents, 1), max_cents - 1)
    if cents == max_cents:
        outcome = "correct"
    elif cents == 0:
        outcome = "incorrect"
    else:
        outcome = "partial"
    return Result(
        points=_from_cents(cents),
        max_points=_from_cents(max_cents),
        outcome=outcome,
        parts=parts,
    )


def _score(spec: Spec, answer: Any, scoring: str) -> tuple[Fraction, dict[str, bool]]:
    if isinstance(spec, ChoiceSpec):
        return _score_choices(spec, answer, scoring)
    if isinstance(spec, TrueFalseSpec):
        return _all_or_none(isinstance(answer, bool) and answer == spec.answer)
    if isinstance(spec, NumericSpec):
        number = numeric_value(answer)
        return _all_or_none(number is not None and spec.low <= Fraction(number) <= spec.high)
    if isinstance(spec, ShortSpec):
        return _all_or_none(isinstance(answer, str) and spec.accepts(answer))
    if isinstance(spec, OrderingSpec):
        return _score_ordering(spec, answer)
    return _score_matching(spec, answer)


def _all_or_none(right: bool) -> tuple[Fraction, dict[str, bool]]:
    return Fraction(int(right)), {"answer": right}


def _picked(spec: ChoiceSpec, answer: Any) -> frozenset[str]:
    values: Iterable[Any]
    if spec.multiple:
        values = answer if isinstance(answer, list | tuple | set | frozenset) else ()
    else:
        values = (answer,)
    # Checked for str before the set lookup: junk may be unhashable.
    return frozenset(value for value in values if isinstance(value, str) and value in spec.ids)


def _score_choices(spec: ChoiceSpec, answer: Any, scoring: str) -> tuple[Fraction, dict[str, bool]]:
    picked = _picked(spec, answer)
    correct = spec.correct_ids
    parts = {choice.id: (choice.id in picked) == choice.correct for choice in spec.choices}
    if not spec.multiple or scoring == "all_or_nothing":
        return Fraction(int(picked == correct)), parts
    right, wrong = len(picked & correct), len(picked - correct)
    if scoring == "right_minus_wrong":
        share = Fraction(right, len(correct)) - Fraction(wrong, len(spec.choices) - len(correct))
    else:
        share = Fraction(right - wrong, len(correct))
    return max(Fraction(0), share), parts


def _score_ordering(spec: OrderingSpec, answer: Any) -> tuple[Fraction, dict[str, bool]]:
    positions: dict[str, int] = {}
    if isinstance(answer, Mapping):
        for item in spec.items:
            position = answer.get(item.id)
            if isinstance(position, int) and not isinstance(position, bool):
                positions[item.id] = position
    parts = {}
    for index, first in enumerate(spec.items):
        for second in spec.items[index + 1 :]:
            parts[f"{first.id}<{second.id}"] = (
                first.id in positions
                and second.id in positions
                and positions[first.id] < positions[second.id]
            )
    return Fraction(sum(parts.values()), len(parts)), parts


def _score_matching(spec: MatchingSpec, answer: Any) -> tuple[Fraction, dict[str, bool]]:
    matches = answer if isinstance(answer, Mapping) else {}
    parts = {}
    for pair in spec.pairs:
        chosen = matches.get(pair.id)
        parts[pair.id] = isinstance(chosen, str) and chosen == pair.id
    return Fraction(sum(parts.values()), len(parts)), parts


def feedback_for(kind: str, data: Mapping[str, Any], answer: Any) -> list[str]:
    """The teacher's feedback texts that apply to this answer, in choice order.

    single: the picked choice's feedback; multiple: the feedback of every picked choice;
    true_false: feedback_true or feedback_false for the value picked. Empty feedback is
    left out, and other kinds, blank and unreadable answers give [].
    """
    return [text for _, text in labelled_feedback(kind, data, answer)]


def labelled_feedback(kind: str, data: Mapping[str, Any], answer: Any) -> list[tuple[str, str]]:
    """feedback_for's texts, each with what it is about: the picked choice's text, or "True" /
    "False", as (about, feedback) pairs."""
    spec = load_spec(kind, data)
    if isinstance(spec, ChoiceSpec):
        picked = _picked(spec, answer)
        return [(c.text, c.feedback) for c in spec.choices if c.id in picked and c.feedback.strip()]
    if isinstance(spec, TrueFalseSpec) and isinstance(answer, bool):
        text = spec.feedback_true if answer else spec.feedback_false
        return [("True" if answer else "False", text)] if text.strip() else []
    return []


def correct_answer_text(kind: str, data: Mapping[str, Any], *, convention: str = "en") -> str:
    """The right answer, stated for people.

    single/multiple: the correct choices' texts joined with "; "; true_false "True" or
    "False"; numeric "137,000", "137,000 ± 500" or "200,000 to 500,000", followed by the
    unit if any; short: the first accepted answer; ordering: the item texts joined with
    " → "; matching: "left → right" for each pair, joined with "; ".
    """
    return (" → " if kind == "ordering" else "; ").join(
        correct_answers(kind, data, convention=convention)
    )


def correct_answers(kind: str, data: Mapping[str, Any], *, convention: str = "en") -> list[str]:
    """correct_answer_text's parts, one per line for a list: every correct choice, the ordering
    items in order, each matching pair as "left → right"; one line for the other kinds."""
    spec = load_spec(kind, data)
    if isinstance(spec, ChoiceSpec):
        return [choice.text for choice in spec.choices if choice.correct]
    if isinstance(spec, TrueFalseSpec):
        return ["True" if spec.answer else "False"]
    if isinstance(spec, NumericSpec):
        return [spec.statement(convention)]
    if isinstance(spec, ShortSpec):
        return [spec.accepted[0]]
    if isinstance(spec, OrderingSpec):
        return [item.text for item in spec.items]
    return [f"{pair.left} → {pair.right}" for pair in spec.pairs]


def shuffled(ids: Sequence[str], seed: str) -> list[str]:
    """The ids in an order fixed by seed (such as f"{attempt_id}:{question_id}").

    The same seed gives the same order on every call, in every process and on every
    machine; different seeds give (usually) different orders.
    """
    # hash() is salted per process, so it would reshuffle a student's quiz on each request.
    digest = hashlib.sha256(seed.encode("utf-8", "surrogatepass")).digest()
    order = list(ids)
    random.Random(int.from_bytes(digest, "big")).shuffle(order)
    return order

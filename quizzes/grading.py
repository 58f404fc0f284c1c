"""Checking question data, reading students' answers and grading them: plain data in and out.

A question version stores its kind (one of KINDS) and a JSON-able ``data`` dict, checked by
validate_spec. parse_answer turns a POSTed form into the answer that is stored; grade,
feedback_for and correct_answer_text read stored answers back. No Django here but gettext
(messages come out in the active language): the quizzes views and models call in with plain
values. Numbers are read by a convention (NUMBER_CONVENTIONS; parse_number), the one of the
student's language when they answered, which a numeric answer stores.
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
from django.utils.translation import pgettext

from quizzes.short_answers import (
    MAX_PATTERNS,
    Pattern,
    PatternError,
    normalised,
)

__all__ = [
    "DEFAULT_SCORING",
    "KINDS",
    "MAX_TEXT",
    "NUMBER_CONVENTIONS",
    "SCORINGS",
    "AnswerError",
    "Result",
    "SpecError",
    "correct_answer_text",
    "correct_answers",
    "feedback_for",
    "format_number",
    "grade",
    "labelled_feedback",
    "number_convention",
    "number_format_hint",
    "numeric_text",
    "numeric_value",
    "parse_answer",
    "parse_number",
    "shuffled",
    "validate_spec",
]

KINDS: tuple[str, ...] = (
    "single",
    "multiple",
    "true_false",
    "numeric",
    "short",
    "ordering",
    "matching",
)
MAX_TEXT = 500
# How a multiple-response question is scored, chosen per quiz (see docs/scoring.md). The
# default gives nothing for ticking every box.
SCORINGS: tuple[str, ...] = ("right_minus_wrong", "proportional", "all_or_nothing")
DEFAULT_SCORING = "right_minus_wrong"

_LABELS = {
    "single": "A single-answer question",
    "multiple": "A multiple-response question",
    "true_false": "A true/false question",
    "numeric": "A numeric question",
    "short": "A short-answer question",
    "ordering": "An ordering question",
    "matching": "A matching question",
}
_DATA = "The question data"


class SpecError(ValueError):
    """A question's data is malformed; str(error) tells the teacher what to fix."""


class AnswerError(ValueError):
    """A submitted answer cannot be read; str(error) is a sentence the student can act on."""


# Spec: the question data once checked, so that nothing past _load reads the raw dict.


@dataclass(frozen=True)
class _Choice:
    id: str
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class _ChoiceSpec:
    multiple: bool
    choices: tuple[_Choice, ...]

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(choice.id for choice in self.choices)

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(choice.id for choice in self.choices if choice.correct)


@dataclass(frozen=True)
class _TrueFalseSpec:
    answer: bool
    feedback_true: str
    feedback_false: str


@dataclass(frozen=True)
class _NumericSpec:
    # Inclusive bounds as exact fractions, so that answer ± tolerance is never rounded.
    low: Fraction
    high: Fraction
    # As the teacher gave them: the answer and tolerance, or (answer None) min and max.
    answer: Decimal | None
    tolerance: Decimal
    minimum: Decimal
    maximum: Decimal
    unit: str

    def statement(self, convention: str) -> str:
        """For people, written the reader's way: "137,000", "60 ± 5" or "200,000 to 500,000"
        ("137.000", "200.000 a 500.000" in Spanish), then the unit if any."""
        suffix = f" {self.unit}" if self.unit else ""
        if self.answer is not None:
            text = format_number(self.answer, convention)
            if self.tolerance:
                text += f" ± {format_number(self.tolerance, convention)}"
            return text + suffix
        return (
            _("%(min)s to %(max)s")
            % {
                "min": format_number(self.minimum, convention),
                "max": format_number(self.maximum, convention),
            }
            + suffix
        )


@dataclass(frozen=True)
class _ShortSpec:
    accepted: tuple[str, ...]
    normalised: frozenset[str]
    patterns: tuple[Pattern, ...]

    def accepts(self, text: str) -> bool:
        return normalised(text) in self.normalised or any(p.match(text) for p in self.patterns)


@dataclass(frozen=True)
class _Item:
    id: str
    text: str


@dataclass(frozen=True)
class _OrderingSpec:
    items: tuple[_Item, ...]


@dataclass(frozen=True)
class _Pair:
    id: str
    left: str
    right: str


@dataclass(frozen=True)
class _MatchingSpec:
    pairs: tuple[_Pair, ...]
    distractors: tuple[_Item, ...]

    @property
    def option_ids(self) -> frozenset[str]:
        return frozenset(
            [pair.id for pair in self.pairs] + [option.id for option in self.distractors]
        )


_Spec = _ChoiceSpec | _TrueFalseSpec | _NumericSpec | _ShortSpec | _OrderingSpec | _MatchingSpec


def validate_spec(kind: str, data: Mapping[str, Any]) -> None:
    """Check a question's data for its kind; raise SpecError naming the first problem.

    Refused: an unknown kind; missing keys, keys of the wrong type and unknown keys (the
    optional ones are "feedback" on choices, "feedback_true"/"feedback_false" on true/false,
    "tolerance" and "unit" on numeric, "distractors" on matching); empty or duplicate ids
    (pair and distractor ids share one namespace; ordering ids cannot contain "<"); fewer
    than 2 choices, items or pairs; choice, item, left or right-option texts that students
    could not tell apart; a single-answer question without exactly one correct choice; a
    multiple-response question without at least one correct and one incorrect choice; a
    numeric question with neither "answer" nor "min"/"max", with both, with min > max or a
    negative tolerance; a short-answer question with no accepted answers, an accepted answer
    that is empty once normalised, or a pattern (the optional "patterns") that cannot be read,
    would accept any answer, or is one too many (quizzes.short_answers says how they read).
    """
    _load(kind, data)


def _load(kind: str, data: Mapping[str, Any]) -> _Spec:
    if kind not in KINDS:
        raise SpecError(f"Unknown question type {kind!r}; expected one of {', '.join(KINDS)}.")
    data = _mapping(data, _DATA)
    if kind in ("single", "multiple"):
        return _load_choices(kind, data)
    if kind == "true_false":
        return _load_true_false(data)
    if kind == "numeric":
        return _load_numeric(data)
    if kind == "short":
        return _load_short(data)
    if kind == "ordering":
        return _load_ordering(data)
    return _load_matching(data)


def _load_choices(kind: str, data: Mapping[str, Any]) -> _ChoiceSpec:
    _check_keys(data, _DATA, required=("choices",))
    raw = _list(data, "choices", _DATA)
    _at_least_two(raw, kind, "choices")
    ids: dict[str, str] = {}
    texts: dict[str, str] = {}
    choices = []
    for number, value in enumerate(raw, start=1):
        where = _("Choice %(n)s") % {"n": number}
        obj = _mapping(value, where)
        _check_keys(obj, where, required=("id", "text", "correct"), optional=("feedback",))
        correct = obj["correct"]
        if not isinstance(correct, bool):
            raise SpecError(f"{where}: 'correct' must be true or false, not {_json_type(correct)}.")
        choices.append(
            _Choice(
                id=_new_id(obj, where, ids),
                text=_new_text(obj, "text", where, texts),
                correct=correct,
                feedback=_optional_string(obj, "feedback", where),
            )
        )
    spec = _ChoiceSpec(multiple=kind == "multiple", choices=tuple(choices))
    n_correct = len(spec.correct_ids)
    if kind == "single" and n_correct != 1:
        raise SpecError(
            _("A single-answer question needs exactly one correct choice; this one has %(count)s.")
            % {"count": n_correct}
        )
    if kind == "multiple" and n_correct == 0:
        raise SpecError(_("A multiple-response question needs at least one correct choice."))
    if kind == "multiple" and n_correct == len(choices):
        raise SpecError(
            _(
                "A multiple-response question needs at least one incorrect choice; "
                "otherwise choosing everything is always right."
            )
        )
    return spec


def _load_true_false(data: Mapping[str, Any]) -> _TrueFalseSpec:
    _check_keys(data, _DATA, required=("answer",), optional=("feedback_true", "feedback_false"))
    answer = data["answer"]
    if not isinstance(answer, bool):
        raise SpecError(f"'answer' must be true or false, not {_json_type(answer)}.")
    return _TrueFalseSpec(
        answer=answer,
        feedback_true=_optional_string(data, "feedback_true", _DATA),
        feedback_false=_optional_string(data, "feedback_false", _DATA),
    )


def _load_numeric(data: Mapping[str, Any]) -> _NumericSpec:
    _check_keys(data, _DATA, optional=("answer", "tolerance", "min", "max", "unit"))
    has_answer = "answer" in data
    has_range = "min" in data or "max" in data
    if not has_answer and not has_range:
        raise SpecError(
            _(
                "A numeric question needs either 'answer' (with an optional 'tolerance') "
                "or both 'min' and 'max'."
            )
        )
    if has_answer and has_range:
        raise SpecError(
            _(
                "A numeric question takes either 'answer' (with an optional 'tolerance') "
                "or 'min' and 'max', not both."
            )
        )
    unit = _optional_string(data, "unit", _DATA).strip()
    if has_answer:
        answer = _number(data, "answer")
        tolerance = _number(data, "tolerance") if "tolerance" in data else Decimal(0)
        if tolerance < 0:
            raise SpecError(
                _("'tolerance' cannot be negative (it is %(tolerance)s).")
                % {"tolerance": tolerance}
            )
        return _NumericSpec(
            low=Fraction(answer) - Fraction(tolerance),
            high=Fraction(answer) + Fraction(tolerance),
            answer=answer,
            tolerance=tolerance,
            minimum=answer - tolerance,
            maximum=answer + tolerance,
            unit=unit,
        )
    if "tolerance" in data:
        raise SpecError(_("'tolerance' goes with 'answer'; with 'min' and 'max', leave it out."))
    for key in ("min", "max"):
        if key not in data:
            raise SpecError(
                _("A numeric question with a range needs both 'min' and 'max'; %(key)s is missing.")
                % {"key": repr(key)}
            )
    low, high = _number(data, "min"), _number(data, "max")
    if low > high:
        raise SpecError(
            _("'min' (%(min)s) is greater than 'max' (%(max)s).") % {"min": low, "max": high}
        )
    return _NumericSpec(
        low=Fraction(low),
        high=Fraction(high),
        answer=None,
        tolerance=Decimal(0),
        minimum=low,
        maximum=high,
        unit=unit,
    )


def _load_short(data: Mapping[str, Any]) -> _ShortSpec:
    _check_keys(data, _DATA, required=("accepted",), optional=("patterns",))
    raw = _list(data, "accepted", _DATA)
    if not raw:
        raise SpecError(_("A short-answer question needs at least one accepted answer."))
    accepted = []
    for number, value in enumerate(raw, start=1):
        if not isinstance(value, str):
            raise SpecError(f"Accepted answer {number} must be a string, not {_json_type(value)}.")
        if not normalised(value):
            raise SpecError(
                _(
                    "Accepted answer %(number)s (%(value)s) is empty once case, accents and "
                    "punctuation are ignored, so no student's answer could ever match it."
                )
                % {"number": number, "value": repr(value)}
            )
        accepted.append(value)
    return _ShortSpec(
        accepted=tuple(accepted),
        normalised=frozenset(normalised(text) for text in accepted),
        patterns=_load_patterns(data),
    )


def _load_patterns(data: Mapping[str, Any]) -> tuple[Pattern, ...]:
    raw = _list(data, "patterns", _DATA) if "patterns" in data else []
    if len(raw) > MAX_PATTERNS:
        raise SpecError(
            _("A short-answer question takes at most %(limit)s patterns; this one has %(count)s.")
            % {"limit": MAX_PATTERNS, "count": len(raw)}
        )
    patterns = []
    for number, value in enumerate(raw, start=1):
        if not isinstance(value, str):
            raise SpecError(f"Pattern {number} must be a string, not {_json_type(value)}.")
        try:
            patterns.append(Pattern.read(value))
        except PatternError as error:
            shown = value if len(value) <= 40 else value[:40] + "…"
            raise SpecError(
                _("Pattern %(number)s (%(shown)s): %(error)s.")
                % {"number": number, "shown": repr(shown), "error": error}
            ) from error
    return tuple(patterns)


def _load_ordering(data: Mapping[str, Any]) -> _OrderingSpec:
    _check_keys(data, _DATA, required=("items",))
    raw = _list(data, "items", _DATA)
    _at_least_two(raw, "ordering", "items")
    ids: dict[str, str] = {}
    texts: dict[str, str] = {}
    items = []
    for number, value in enumerate(raw, start=1):
        where = _("Item %(n)s") % {"n": number}
        obj = _mapping(value, where)
        _check_keys(obj, where, required=("id", "text"))
        item_id = _new_id(obj, where, ids)
        # Result.parts names each pair of items "a<b"; a "<" inside an id would make two
        # different pairs share a name.
        if "<" in item_id:
            raise SpecError(f"{where}: the id {item_id!r} cannot contain '<'.")
        items.append(_Item(id=item_id, text=_new_text(obj, "text", where, texts)))
    return _OrderingSpec(items=tuple(items))


def _load_matching(data: Mapping[str, Any]) -> _MatchingSpec:
    _check_keys(data, _DATA, required=("pairs",), optional=("distractors",))
    raw_pairs = _list(data, "pairs", _DATA)
    _at_least_two(raw_pairs, "matching", "pairs")
    # Students pick right-hand options by id and see only their texts, so pairs and
    # distractors share one namespace for ids and one for option texts.
    ids: dict[str, str] = {}
    lefts: dict[str, str] = {}
    rights: dict[str, str] = {}
    pairs = []
    for number, value in enumerate(raw_pairs, start=1):
        where = _("Pair %(n)s") % {"n": number}
        obj = _mapping(value, where)
        _check_keys(obj, where, required=("id", "left", "right"))
        pairs.append(
            _Pair(
                id=_new_id(obj, where, ids),
                left=_new_text(obj, "left", where, lefts),
                right=_new_text(obj, "right", where, rights),
            )
        )
    raw_distractors = _list(data, "distractors", _DATA) if "distractors" in data else []
    distractors = []
    for number, value in enumerate(raw_distractors, start=1):
        where = _("Distractor %(n)s") % {"n": number}
        obj = _mapping(value, where)
        _check_keys(obj, where, required=("id", "text"))
        distractors.append(
            _Item(id=_new_id(obj, where, ids), text=_new_text(obj, "text", where, rights))
        )
    return _MatchingSpec(pairs=tuple(pairs), distractors=tuple(distractors))


def _json_type(value: object) -> str:
    # Teachers see question data as JSON, so problems are described in JSON's terms.
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float | Decimal):
        return "a number"
    if isinstance(value, str):
        return f"the string {value!r}" if len(value) <= 40 else "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise SpecError(f"{where} must be an object with named fields, not {_json_type(value)}.")
    return value


def _check_keys(
    obj: Mapping[str, Any],
    where: str,
    *,
    required: tuple[str, ...] = (),
    optional: tuple[str, ...] = (),
) -> None:
    for key in obj:
        if key not in required and key not in optional:
            allowed = ", ".join(repr(name) for name in (*required, *optional))
            raise SpecError(f"{where} has an unknown key {key!r}; the keys allowed are {allowed}.")
    for key in required:
        if key not in obj:
            raise SpecError(f"{where} is missing {key!r}.")


def _list(obj: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = obj[key]
    if not isinstance(value, list | tuple):
        raise SpecError(f"{where}: {key!r} must be a list, not {_json_type(value)}.")
    return list(value)


def _at_least_two(values: list[Any], kind: str, what: str) -> None:
    if len(values) < 2:
        messages = {
            "single": _("A single-answer question needs at least 2 choices; this one has %(n)s."),
            "multiple": _(
                "A multiple-response question needs at least 2 choices; this one has %(n)s."
            ),
            "ordering": _("An ordering question needs at least 2 items; this one has %(n)s."),
            "matching": _("A matching question needs at least 2 pairs; this one has %(n)s."),
        }
        message = messages.get(
            kind, f"{_LABELS[kind]} needs at least 2 {what}; this one has %(n)s."
        )
        raise SpecError(message % {"n": len(values)})


def _new_id(obj: Mapping[str, Any], where: str, seen: dict[str, str]) -> str:
    value = obj["id"]
    if not isinstance(value, str) or not value.strip():
        raise SpecError(f"{where}: 'id' must be a non-empty string, not {_json_type(value)}.")
    if value in seen:
        raise SpecError(
            f"{where} has the id {value!r}, already used by {seen[value]}; ids must be unique."
        )
    seen[value] = where.lower()
    return value


def _new_text(obj: Mapping[str, Any], key: str, where: str, seen: dict[str, str]) -> str:
    value = obj[key]
    if not isinstance(value, str) or not value.strip():
        raise SpecError(f"{where}: {key!r} must be a non-empty string, not {_json_type(value)}.")
    # Texts that differ only in case or spacing look the same on the page.
    folded = " ".join(value.split()).casefold()
    part = _part(key)
    if folded in seen:
        raise SpecError(
            _(
                "%(where)s's %(part)s is the same as %(other)s (%(value)s); "
                "students could not tell them apart."
            )
            % {"where": where, "part": part, "other": seen[folded], "value": repr(value)}
        )
    seen[folded] = _("%(where)s's %(part)s") % {"where": where.lower(), "part": part}
    return value


def _part(key: str) -> str:
    """A text's name in a question's data ("text", "left", "right"), for people."""
    names = {
        "text": pgettext("part of a question", "text"),
        "left": pgettext("part of a question", "left"),
        "right": pgettext("part of a question", "right"),
    }
    return names.get(key, key)


def _optional_string(obj: Mapping[str, Any], key: str, where: str) -> str:
    value = obj.get(key, "")
    if not isinstance(value, str):
        raise SpecError(f"{where}: {key!r} must be a string, not {_json_type(value)}.")
    return value


def _number(obj: Mapping[str, Any], key: str) -> Decimal:
    value = obj[key]
    if isinstance(value, str):
        raise SpecError(f"{key!r} must be a number written without quotes, not {value!r}.")
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise SpecError(f"{key!r} must be a number, not {_json_type(value)}.")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SpecError(f"{key!r} must be a finite number, not {value}.")
        # repr gives the shortest decimal that reads back as this float: the number the
        # teacher wrote (0.1), not its binary approximation (0.1000000000000000055...).
        return Decimal(repr(value))
    number = Decimal(value)
    if not number.is_finite():
        raise SpecError(f"{key!r} must be a finite number, not {value}.")
    return number


_SWAP_MARKS = str.maketrans(",.", ".,")


def format_number(number: Decimal | int, convention: str) -> str:
    """A number as people using `convention` write it, thousands grouped: 137,000 and 2.5
    ("en"); 137.000 and 2,5 ("es"). No trailing zeros, and no "-0"."""
    text = format(Decimal(number), ",f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    if convention == "es":
        text = text.translate(_SWAP_MARKS)
    return text


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
    spec = _load(kind, data)
    if isinstance(spec, _ChoiceSpec):
        return _parse_choices(spec, form)
    if isinstance(spec, _TrueFalseSpec):
        value = _one_value(form, "answer", _("Choose either True or False, not both."))
        if value is None:
            return None
        if value.strip().lower() not in ("true", "false"):
            raise AnswerError(_("Choose True or False."))
        return value.strip().lower() == "true"
    if isinstance(spec, _NumericSpec):
        value = _one_value(form, "answer", _("Enter one number only."))
        if value is None:
            return None
        if numeric_text(stored) == value.strip() and _stored_number(stored) is not None:
            return stored
        if parse_number(value, convention) is None:
            raise AnswerError(_number_error(spec, value, convention))
        return {"text": value.strip(), "convention": convention}
    if isinstance(spec, _ShortSpec):
        value = _one_value(form, "answer", _("Enter one answer only."))
        # PostgreSQL cannot store NUL in text or JSON; it is invisible, and grading ignores it.
        text = value.replace("\x00", "").strip() if value is not None else ""
        return text or None
    if isinstance(spec, _OrderingSpec):
        return _parse_ordering(spec, form)
    return _parse_matching(spec, form)


def _outside(spec: _NumericSpec, examples: Iterable[Decimal | int]) -> Decimal | int | None:
    # An example that happened to be a right answer would give it away.
    return next((e for e in examples if not spec.low <= Fraction(e) <= spec.high), None)


def _number_error(spec: _NumericSpec, text: str, convention: str) -> str:
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
        spec = _load(kind, data)
    except SpecError:
        return ""
    if not isinstance(spec, _NumericSpec):
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


def _parse_choices(spec: _ChoiceSpec, form: Mapping[str, list[str]]) -> Any:
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


def _parse_ordering(spec: _OrderingSpec, form: Mapping[str, list[str]]) -> Any:
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


def _parse_matching(spec: _MatchingSpec, form: Mapping[str, list[str]]) -> Any:
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


# How numbers are written, by convention: "en" reads 2,006 as 2006 and 2.5 as two and a half;
# "es" reads 2.006 as 2006 and 2,5 as two and a half. A number's text is read by the
# convention of the student's language when they answered, which is stored with it.
NUMBER_CONVENTIONS: tuple[str, ...] = ("en", "es")
_MARKS = {"en": (",", "."), "es": (".", ",")}  # (thousands separator, decimal mark)


def _number_pattern(group: str, decimal: str) -> re.Pattern[str]:
    g, d = re.escape(group), re.escape(decimal)
    return re.compile(
        rf"""
        [+-]?
        (?:
            (?:
                [0-9]{{1,3}} (?: {g}[0-9]{{3}} )+     # 137,000 (en), 137.000 (es)
              | [0-9]{{1,3}} (?: \ [0-9]{{3}} )+     # 137 000
              | [0-9]+                              # 137000
            )
            (?: {d}[0-9]* )?
          | {d}[0-9]+                               # .5 (en), ,5 (es)
        )
        """,
        re.VERBOSE,
    )


_NUMBER = {convention: _number_pattern(*marks) for convention, marks in _MARKS.items()}
# No-break and thin spaces are what some keyboards and copy-pastes put between thousands;
# U+2212 is the typographic minus sign.
_NUMBER_CHARS = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2212": "-"})


def number_convention(language: str | None) -> str:
    """The convention numbers are written in for a language code: "es" for Spanish ("es",
    "es-mx", "es_MX"), "en" for everything else."""
    code = (language or "").lower().replace("_", "-")
    return "es" if code == "es" or code.startswith("es-") else "en"


def parse_number(text: str, convention: str) -> Decimal | None:
    """The number `text` reads as in `convention` (one of NUMBER_CONVENTIONS), or None.

    Digits 0-9 only, an optional sign (+, - or the minus sign U+2212), the convention's
    decimal mark, and thousands grouped by its separator or by spaces (no-break and thin
    spaces too), in groups of three. So "1,234" is 1234 in "en" and 1.234 in "es", while
    "2.5" is refused in "es" and "2,5" in "en" (a decimal group of other than three digits
    cannot be thousands). Exponents, NaN and infinity never match, and grouping must be
    standard thousands (one separator, groups of three) so that "12,34,5" is refused rather
    than guessed at. Raises ValueError for an unknown convention.
    """
    if convention not in _MARKS:
        raise ValueError(f"convention must be one of {NUMBER_CONVENTIONS}, not {convention!r}.")
    if len(text) > MAX_TEXT:
        return None
    cleaned = text.strip().translate(_NUMBER_CHARS)
    if not _NUMBER[convention].fullmatch(cleaned):
        return None
    group, decimal = _MARKS[convention]
    return Decimal(cleaned.replace(group, "").replace(" ", "").replace(decimal, "."))


def _stored_number(answer: Any) -> Decimal | None:
    # Numeric answers stored before conventions were recorded are bare strings, and were
    # read the English way.
    if isinstance(answer, str):
        return parse_number(answer, "en")
    if (
        isinstance(answer, Mapping)
        and set(answer) == {"text", "convention"}
        and isinstance(answer["text"], str)
        and answer["convention"] in NUMBER_CONVENTIONS
    ):
        return parse_number(answer["text"], answer["convention"])
    return None


def numeric_text(answer: Any) -> str:
    """A stored numeric answer's text as the student typed it ("" for none or junk)."""
    if isinstance(answer, str):
        return answer
    if isinstance(answer, Mapping) and isinstance(answer.get("text"), str):
        return str(answer["text"])
    return ""


def numeric_value(answer: Any) -> Decimal | None:
    """The number a stored numeric answer was read as when it was given, or None."""
    return _stored_number(answer)


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
    spec = _load(kind, data)
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


def _score(spec: _Spec, answer: Any, scoring: str) -> tuple[Fraction, dict[str, bool]]:
    if isinstance(spec, _ChoiceSpec):
        return _score_choices(spec, answer, scoring)
    if isinstance(spec, _TrueFalseSpec):
        return _all_or_none(isinstance(answer, bool) and answer == spec.answer)
    if isinstance(spec, _NumericSpec):
        number = _stored_number(answer)
        return _all_or_none(number is not None and spec.low <= Fraction(number) <= spec.high)
    if isinstance(spec, _ShortSpec):
        return _all_or_none(isinstance(answer, str) and spec.accepts(answer))
    if isinstance(spec, _OrderingSpec):
        return _score_ordering(spec, answer)
    return _score_matching(spec, answer)


def _all_or_none(right: bool) -> tuple[Fraction, dict[str, bool]]:
    return Fraction(int(right)), {"answer": right}


def _picked(spec: _ChoiceSpec, answer: Any) -> frozenset[str]:
    values: Iterable[Any]
    if spec.multiple:
        values = answer if isinstance(answer, list | tuple | set | frozenset) else ()
    else:
        values = (answer,)
    # Checked for str before the set lookup: junk may be unhashable.
    return frozenset(value for value in values if isinstance(value, str) and value in spec.ids)


def _score_choices(
    spec: _ChoiceSpec, answer: Any, scoring: str
) -> tuple[Fraction, dict[str, bool]]:
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


def _score_ordering(spec: _OrderingSpec, answer: Any) -> tuple[Fraction, dict[str, bool]]:
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


def _score_matching(spec: _MatchingSpec, answer: Any) -> tuple[Fraction, dict[str, bool]]:
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
    spec = _load(kind, data)
    if isinstance(spec, _ChoiceSpec):
        picked = _picked(spec, answer)
        return [(c.text, c.feedback) for c in spec.choices if c.id in picked and c.feedback.strip()]
    if isinstance(spec, _TrueFalseSpec) and isinstance(answer, bool):
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
    spec = _load(kind, data)
    if isinstance(spec, _ChoiceSpec):
        return [choice.text for choice in spec.choices if choice.correct]
    if isinstance(spec, _TrueFalseSpec):
        return ["True" if spec.answer else "False"]
    if isinstance(spec, _NumericSpec):
        return [spec.statement(convention)]
    if isinstance(spec, _ShortSpec):
        return [spec.accepted[0]]
    if isinstance(spec, _OrderingSpec):
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

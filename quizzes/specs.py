"""A question's data, checked: each kind's spec (quizzes.grading reads answers against it and
grades them). validate_spec tells a teacher what to fix; load_spec gives the checked spec, so
that nothing past it reads the raw dict. No Django here but gettext (messages come out in the
active language)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from quizzes.numbers import format_number
from quizzes.short_answers import (
    MAX_PATTERNS,
    Pattern,
    PatternError,
    normalised,
)

KINDS: tuple[str, ...] = (
    "single",
    "multiple",
    "true_false",
    "numeric",
    "short",
    "ordering",
    "matching",
)
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


# Spec: the question data once checked, so that nothing past load_spec reads the raw dict.


@dataclass(frozen=True)
class _Choice:
    id: str
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class ChoiceSpec:
    multiple: bool
    choices: tuple[_Choice, ...]

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(choice.id for choice in self.choices)

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(choice.id for choice in self.choices if choice.correct)


@dataclass(frozen=True)
class TrueFalseSpec:
    answer: bool
    feedback_true: str
    feedback_false: str


@dataclass(frozen=True)
class NumericSpec:
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
class ShortSpec:
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
class OrderingSpec:
    items: tuple[_Item, ...]


@dataclass(frozen=True)
class _Pair:
    id: str
    left: str
    right: str


@dataclass(frozen=True)
class MatchingSpec:
    pairs: tuple[_Pair, ...]
    distractors: tuple[_Item, ...]

    @property
    def option_ids(self) -> frozenset[str]:
        return frozenset(
            [pair.id for pair in self.pairs] + [option.id for option in self.distractors]
        )


Spec = ChoiceSpec | TrueFalseSpec | NumericSpec | ShortSpec | OrderingSpec | MatchingSpec


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
    load_spec(kind, data)


# Specs already read, by kind and data (as canonical JSON): every student's submit read every
# question's data again, more than half of the grading's time. Specs are frozen, so one may be
# shared; data that is not JSON (a test's odd value) is read every time.
_LOADED: dict[tuple[str, str], Spec] = {}
_LOADED_MAX = 4096


def load_spec(kind: str, data: Mapping[str, Any]) -> Spec:
    """The question data checked and read into a Spec; SpecError says what is wrong."""
    try:
        key = (kind, json.dumps(data, sort_keys=True, allow_nan=False))
    except (TypeError, ValueError):
        return _load_spec(kind, data)
    spec = _LOADED.get(key)
    if spec is None:
        spec = _load_spec(kind, data)
        if len(_LOADED) >= _LOADED_MAX:
            _LOADED.clear()
        _LOADED[key] = spec
    return spec


def _load_spec(kind: str, data: Mapping[str, Any]) -> Spec:
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


def _load_choices(kind: str, data: Mapping[str, Any]) -> ChoiceSpec:
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
    spec = ChoiceSpec(multiple=kind == "multiple", choices=tuple(choices))
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


def _load_true_false(data: Mapping[str, Any]) -> TrueFalseSpec:
    _check_keys(data, _DATA, required=("answer",), optional=("feedback_true", "feedback_false"))
    answer = data["answer"]
    if not isinstance(answer, bool):
        raise SpecError(f"'answer' must be true or false, not {_json_type(answer)}.")
    return TrueFalseSpec(
        answer=answer,
        feedback_true=_optional_string(data, "feedback_true", _DATA),
        feedback_false=_optional_string(data, "feedback_false", _DATA),
    )


def _load_numeric(data: Mapping[str, Any]) -> NumericSpec:
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
        return NumericSpec(
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
    return NumericSpec(
        low=Fraction(low),
        high=Fraction(high),
        answer=None,
        tolerance=Decimal(0),
        minimum=low,
        maximum=high,
        unit=unit,
    )


def _load_short(data: Mapping[str, Any]) -> ShortSpec:
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
    return ShortSpec(
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


def _load_ordering(data: Mapping[str, Any]) -> OrderingSpec:
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
    return OrderingSpec(items=tuple(items))


def _load_matching(data: Mapping[str, Any]) -> MatchingSpec:
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
    return MatchingSpec(pairs=tuple(pairs), distractors=tuple(distractors))


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

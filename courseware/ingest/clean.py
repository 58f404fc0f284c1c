"""Removing web-page leftovers from source text, by general rules and per-source rules."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields

__all__ = ["CleanRules", "RemovedLine", "clean_lines", "unwrap_lines"]


@dataclass(frozen=True)
class CleanRules:
    """Per-source cleaning rules, usually read from a TOML table with from_mapping.

    Regexes must match a whole line (after normalising and stripping).
    drop_lines: lines to remove. cut_from: the first matching line and every line after
    it are removed. cut_until: every line before the first matching line is removed.
    unwrap: repair hard-wrapped lines. headings / not_headings: exact line texts (after
    cleaning and unwrapping) forced to be, or never to be, headings.
    """

    drop_lines: tuple[str, ...] = ()
    cut_from: tuple[str, ...] = ()
    cut_until: tuple[str, ...] = ()
    unwrap: bool = False
    headings: tuple[str, ...] = ()
    not_headings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("drop_lines", "cut_from", "cut_until"):
            for pattern in getattr(self, name):
                try:
                    re.compile(pattern)
                except re.error as error:
                    raise ValueError(
                        f"{name}: {pattern!r} is not a valid regular expression ({error})."
                    ) from error

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> CleanRules:
        """Build rules from a mapping such as a parsed TOML table.

        Raises ValueError naming the key for an unknown key or a value of the wrong
        type, and naming the pattern for an invalid regular expression.
        """
        known = {field.name for field in fields(cls)}
        for key in data:
            if key not in known:
                raise ValueError(
                    f"Unknown cleaning rule {key!r}; expected one of {', '.join(sorted(known))}."
                )
        unwrap = data.get("unwrap", False)
        if not isinstance(unwrap, bool):
            raise ValueError(f"unwrap must be true or false, not {unwrap!r}.")
        return cls(
            drop_lines=_strings(data, "drop_lines"),
            cut_from=_strings(data, "cut_from"),
            cut_until=_strings(data, "cut_until"),
            unwrap=unwrap,
            headings=_strings(data, "headings"),
            not_headings=_strings(data, "not_headings"),
        )


def _strings(data: Mapping[str, object], key: str) -> tuple[str, ...]:
    value = data.get(key, ())
    # A bare string is iterable too, and would silently become one rule per character.
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValueError(f"{key} must be a list of strings, not {value!r}.")
    items = tuple(value)
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"{key} must be a list of strings; {item!r} is not a string.")
    return items


@dataclass(frozen=True)
class RemovedLine:
    """A line dropped from the source, with its 1-based line number and the reason."""

    line_no: int
    text: str
    reason: str


def _line_rule(pattern: str) -> Callable[[str], bool]:
    compiled = re.compile(pattern, re.IGNORECASE)
    return lambda line: compiled.fullmatch(line) is not None


_ARROW = r"(?:\s*(?:>|»|›|→|\.\.\.|…))?"
# Whole lines that are page furniture on any site. Each is anchored to the full line so
# that a sentence merely mentioning "read more" is never touched.
_BOILERPLATE: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("Scroll to Top", _line_rule(r"scroll to top|back to top")),
    ("Read more link", _line_rule(rf"(?:read more|continue reading){_ARROW}")),
    ("comment counter", _line_rule(r"(?:no|\d+) comments?:?")),
    ("Post a Comment", _line_rule(r"post a comment")),
    ("blog navigation", _line_rule(r"newer post|older post|subscribe to: post comments.*")),
    ("loading placeholder", _line_rule(r"loading(?:\.\.\.|…).*")),
    ("bare URL", _line_rule(r"(?:https?://|www\.)\S+")),
    ("advertisement", _line_rule(r"advertisement|skip to (?:main )?content")),
    ("share buttons", _line_rule(r"share(?: this(?: article| post| page)?)?:?")),
)
_DONATION: tuple[Callable[[str], bool], ...] = (
    _line_rule(r"keep [\w .&'’-]{1,60}? independent[.!]?"),
    _line_rule(
        r"(?:donate|support us|become a (?:member|supporter|patron))(?: (?:now|today))?[.!]?"
    ),
    # A money request is short and says, in one sentence, that the gift "helps us"; a
    # paragraph that merely discusses donations does not.
    lambda line: (
        len(line) <= 400
        and re.search(
            r"\b(?:donation|donating|contribution|gift)s?\b[^.!?]*\bhelps? us\b",
            line,
            re.IGNORECASE,
        )
        is not None
    ),
)
_QUESTIONS_INTRO = _line_rule(
    r"(?:want to (?:dive|go|learn|read) (?:deeper|further|more)|related questions|"
    r"related searches|people also ask|suggested questions|you might also ask)[?:.]?"
)
_TRAILER = _line_rule(
    r"(?:more|related) (?:commentary|articles|stories|posts|news|reading)|"
    r"you (?:may|might) also like|recommended for you|read next"
)
# A trailer heading near the top is more likely navigation than the end of the article;
# cutting there would throw the article away, so it must follow this share of the text.
_TRAILER_MIN_SHARE_BEFORE = 0.25


def clean_lines(lines: Sequence[str], rules: CleanRules) -> tuple[list[str], list[RemovedLine]]:
    """Blank out leftover lines, first by the general rules, then by the source's rules.

    lines are normalised, stripped lines; the result has the same length, with removed
    lines replaced by "" so that line positions and paragraph breaks survive.
    """
    reasons: dict[int, str] = {}
    _general(lines, reasons)
    _source_rules(lines, rules, reasons)
    kept = ["" if index in reasons else line for index, line in enumerate(lines)]
    removed = [
        RemovedLine(index + 1, lines[index], reason)
        for index, reason in sorted(reasons.items())
        if lines[index]
    ]
    return kept, removed


def _general(lines: Sequence[str], reasons: dict[int, str]) -> None:
    total = sum(len(line) for line in lines)
    seen = 0
    in_questions = False
    intro = ""
    for index, line in enumerate(lines):
        if not line:
            continue
        if in_questions and line.endswith("?"):
            reasons[index] = f"suggested questions: after {intro!r}"
            continue
        in_questions = False
        reason = _boilerplate(line)
        if reason is not None:
            reasons[index] = reason
        elif any(matches(line) for matches in _DONATION):
            reasons[index] = "donation banner"
        elif _QUESTIONS_INTRO(line):
            reasons[index] = f"suggested questions: {line}"
            in_questions = True
            intro = line
        elif _TRAILER(line) and seen >= _TRAILER_MIN_SHARE_BEFORE * total:
            reasons[index] = f"trailer: {line}"
            for later in range(index + 1, len(lines)):
                reasons[later] = _boilerplate(lines[later]) or f"trailer: after {line!r}"
            return
        seen += len(line)


def _boilerplate(line: str) -> str | None:
    for name, matches in _BOILERPLATE:
        if matches(line):
            return f"boilerplate: {name}"
    return None


def _source_rules(lines: Sequence[str], rules: CleanRules, reasons: dict[int, str]) -> None:
    remaining = [index for index in range(len(lines)) if index not in reasons and lines[index]]
    for pattern in rules.cut_until:
        compiled = re.compile(pattern)
        first = next((i for i in remaining if compiled.fullmatch(lines[i])), None)
        if first is not None:
            for index in remaining:
                if index < first:
                    reasons.setdefault(index, f"source rule: cut_until {pattern!r}")
    for pattern in rules.cut_from:
        compiled = re.compile(pattern)
        first = next((i for i in remaining if compiled.fullmatch(lines[i])), None)
        if first is not None:
            for index in remaining:
                if index >= first:
                    reasons.setdefault(index, f"source rule: cut_from {pattern!r}")
    for pattern in rules.drop_lines:
        compiled = re.compile(pattern)
        for index in remaining:
            if compiled.fullmatch(lines[index]):
                reasons.setdefault(index, f"source rule: drop_lines {pattern!r}")


_SENTENCE_END = re.compile(r"[.?!…][\"'”’)\]]*$")


def unwrap_lines(lines: Sequence[str]) -> list[str]:
    """Join hard-wrapped lines back together; blank lines stay paragraph breaks.

    A line is joined to the next non-blank line with one space when it does not end in
    sentence punctuation and either the next line starts with a lowercase letter or the
    line is a single word ("Bilateral" + "cooperation with the U.S.", "In" + "August…").
    """
    result: list[str] = []
    for line in lines:
        previous = result[-1] if result else ""
        if line and previous and _continues(previous, line):
            result[-1] = f"{previous} {line}"
        else:
            result.append(line)
    return result


def _continues(line: str, following: str) -> bool:
    if _SENTENCE_END.search(line):
        return False
    return following[0].islower() or len(line.split()) == 1

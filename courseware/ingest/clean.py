"""Removing web-page leftovers from source text, by general rules and per-source rules."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

from courseware.ingest.boilerplate import furniture, is_navigation_word, trailing_furniture

__all__ = ["CleanRules", "RemovedLine", "clean_lines", "removal_reasons", "trailing_links"]


@dataclass(frozen=True)
class CleanRules:
    """Per-source cleaning rules, usually read from a TOML table with from_mapping.

    Regexes must match a whole line (after normalising and stripping).
    drop_lines: lines to remove. keep_lines: lines to keep although a general rule would
    remove them (the source's own rules still apply). cut_from: the first matching line
    and every line after it are removed. cut_until: every line before the first matching
    line is removed. unwrap: repair hard-wrapped lines — true always, false never, unset
    when the text looks wrapped at a fixed width. headings / not_headings: exact line
    texts (after cleaning and unwrapping) forced to be, or never to be, headings.
    """

    drop_lines: tuple[str, ...] = ()
    keep_lines: tuple[str, ...] = ()
    cut_from: tuple[str, ...] = ()
    cut_until: tuple[str, ...] = ()
    unwrap: bool | None = None
    headings: tuple[str, ...] = ()
    not_headings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("drop_lines", "keep_lines", "cut_from", "cut_until"):
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
        unwrap = data.get("unwrap")
        if unwrap is not None and not isinstance(unwrap, bool):
            raise ValueError(f"unwrap must be true or false, not {unwrap!r}.")
        return cls(
            drop_lines=_strings(data, "drop_lines"),
            keep_lines=_strings(data, "keep_lines"),
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


_QUESTIONS_INTRO = re.compile(
    r"(?:want to (?:dive|go|learn|read) (?:deeper|further|more)|related questions|"
    r"related searches|people also ask|suggested questions|you might also ask)[?:.]?",
    re.IGNORECASE,
)
_TRAILER = re.compile(
    r"(?:more|related) (?:commentary|articles|stories|posts|news|reading)|"
    r"you (?:may|might) also like|recommended for you|read next",
    re.IGNORECASE,
)
# A trailer heading near the top is more likely navigation than the end of the article;
# cutting there would throw the article away, so it must follow this share of the text.
_TRAILER_MIN_SHARE_BEFORE = 0.25
# A block of page furniture (a site header, a cookie box) holds short lines that no single
# rule names: the site's name, "Manage preferences". A run of adjacent short lines is
# furniture when most of it is, and one of its lines is unmistakable (more than a section
# name, which a real list of regions or topics could hold).
_RUN_LINE_MAX_WORDS = 6
_STRONG_NAVIGATION = frozenset(("home", "menu", "main menu", "search", "log in", "login"))
_IN_FURNITURE = "boilerplate: in a block of page furniture"


def clean_lines(lines: Sequence[str], rules: CleanRules) -> tuple[list[str], list[RemovedLine]]:
    """Blank out leftover lines, first by the general rules, then by the source's rules.

    lines are normalised, stripped lines; the result has the same length, with removed
    lines replaced by "" so that line positions and paragraph breaks survive.
    """
    reasons = removal_reasons(lines, rules)
    kept = ["" if index in reasons else line for index, line in enumerate(lines)]
    removed = [
        RemovedLine(index + 1, lines[index], reason)
        for index, reason in sorted(reasons.items())
        if lines[index]
    ]
    return kept, removed


def removal_reasons(lines: Sequence[str], rules: CleanRules) -> dict[int, str]:
    """Why each removed line goes, by index: the general rules (unless the source's
    `keep_lines` keeps the line), then the source's own rules. Blank lines may be listed."""
    reasons: dict[int, str] = {}
    _general(lines, reasons)
    _furniture_runs(lines, reasons)
    for pattern in rules.keep_lines:
        compiled = re.compile(pattern)
        for index in [i for i in reasons if compiled.fullmatch(lines[i])]:
            del reasons[index]
    _source_rules(lines, rules, reasons)
    return reasons


def trailing_links(lines: Sequence[str], rules: CleanRules) -> dict[int, int]:
    """Lines that end in a dead link ("… Click here to read Part II."), by index: where the
    link begins. A line the source's `keep_lines` keeps is left whole."""
    kept = [re.compile(pattern) for pattern in rules.keep_lines]
    found: dict[int, int] = {}
    for index, line in enumerate(lines):
        at = trailing_furniture(line) if line else None
        if at is not None and not any(pattern.fullmatch(line) for pattern in kept):
            found[index] = at
    return found


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
        reason = furniture(line)
        if reason is not None:
            reasons[index] = reason
        elif _QUESTIONS_INTRO.fullmatch(line):
            reasons[index] = f"suggested questions: {line}"
            in_questions = True
            intro = line
        elif _TRAILER.fullmatch(line) and seen >= _TRAILER_MIN_SHARE_BEFORE * total:
            reasons[index] = f"trailer: {line}"
            for later in range(index + 1, len(lines)):
                reasons[later] = furniture(lines[later]) or f"trailer: after {line!r}"
            return
        seen += len(line)


def _furniture_runs(lines: Sequence[str], reasons: dict[int, str]) -> None:
    """Short lines inside a block that is mostly page furniture are furniture too."""
    run: list[int] = []
    for index in range(len(lines) + 1):
        line = lines[index] if index < len(lines) else ""
        if line and (index in reasons or _short(line)):
            run.append(index)
            continue
        _judge_run(lines, run, reasons)
        run = []


def _short(line: str) -> bool:
    return len(line.split()) <= _RUN_LINE_MAX_WORDS and not line.endswith((".", "?", "!", ":"))


def _judge_run(lines: Sequence[str], run: list[int], reasons: dict[int, str]) -> None:
    named = [i for i in run if i in reasons or is_navigation_word(lines[i])]
    strong = any(
        reasons.get(i, "").startswith("boilerplate")
        or lines[i].strip(" .:").casefold() in _STRONG_NAVIGATION
        for i in named
    )
    if len(named) < 2 or 2 * len(named) <= len(run) or not strong:
        return
    for index in run:
        if index not in reasons:
            navigation = is_navigation_word(lines[index])
            reasons[index] = "boilerplate: navigation menu" if navigation else _IN_FURNITURE


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

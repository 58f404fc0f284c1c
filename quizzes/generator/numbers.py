"""Quantities and years in a sentence: money, percentages, counts with their unit, ranges.

Used by stage 3 (keys) and by the pool that distractors come from. Number words and the
words that end a unit come from the language file; the money and percent shapes are English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from quizzes.generator.lexicon import Language
from quizzes.generator.text import fold

YEAR = re.compile(r"(?<![\w$.,/-])(1[89]\d\d|20\d\d)(?![\w/-]|,\d|\.\d)")
NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
MONEY = re.compile(
    rf"(?<![\w.])(?:USD\s?)?\$(?P<n>{NUM})(?:\s?(?P<scale>million|billion|trillion|bn|m)\b)?"
)
RANGE = re.compile(
    rf"(?<![\w.,$-])(?:between\s+)?(?P<a>{NUM})\s+(?:to|and)\s+(?P<b>{NUM})(?![\w,-]|\.\d)"
    r"(?=(?P<rest>\s[^.;:!?]*))"
)
QUALIFIER_UP = re.compile(
    r"(?:over|more than|at least|above|exceeding|upwards of|in excess of)\s+(?:USD\s?)?\$?$"
)
QUALIFIER_DOWN = re.compile(r"(?:under|fewer than|less than|at most|up to|below)\s+\$?$")
_SCALES = {"million": "million", "m": "million", "billion": "billion", "bn": "billion"}


@dataclass(frozen=True)
class Number:
    value: float
    text: str  # as the pool writes it: "137,000", "3.6", "127.1"
    group: str  # count, percent, money-million, money-billion, money


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    number: Number
    unit: str
    key_start: int  # the part the blank replaces: the digits (and word-number)
    key_end: int


@dataclass(frozen=True)
class _Patterns:
    percent: re.Pattern[str]
    count: re.Pattern[str]
    day: re.Pattern[str]


@cache
def _patterns(language: Language) -> _Patterns:
    word_num = language.number_word_names
    return _Patterns(
        percent=re.compile(
            rf"(?<![\w.,$-])(?P<n>{NUM}|(?i:{word_num}))(?P<unit>\s?(?:percent|per cent|%))"
        ),
        count=re.compile(
            rf"(?<![\w.,$/-])(?P<n>{NUM}|(?i:{word_num}))(?![\w,-]|\.\d)"
            r"(?=(?P<rest>\s[^\s][^.;:!?]*))"
        ),
        day=re.compile(rf"(?:{language.month_names})\s+$"),
    )


def value_of(text: str, language: Language) -> float:
    folded = text.lower()
    if folded in language.number_words:
        return float(language.number_words[folded])
    return float(text.replace(",", ""))


def unit_after(rest: str, language: Language) -> str:
    """The noun phrase right after a number: up to four words, before any function word."""
    taken: list[str] = []
    for token in rest.split():
        clean = token.strip(',“”"()')
        if not clean or fold(clean) in language.unit_stop or not re.fullmatch(r"[.\w’'-]+", clean):
            break
        if taken and clean.endswith("ed"):
            break  # "26 cartel figures wanted by …": the unit ends before the participle
        taken.append(clean)
        if token.endswith((",", ")", "”", '"')) or len(taken) == 4:
            break
    # A unit must end in a lowercase word ("gun dealers"), not a name ("60 Minutes").
    while (
        taken
        and not taken[-1][:1].islower()
        and not taken[-1].startswith(".")
        and not re.fullmatch(r"[A-Z][a-z]+(?:ans|ese)", taken[-1])  # "108,000 Americans"
    ):
        taken.pop()
    return " ".join(taken)


def numbers_found(text: str, language: Language) -> list[Found]:
    """Quantities in text: money, percentages and counts with a unit (years excluded)."""
    patterns = _patterns(language)
    found: list[Found] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for match in MONEY.finditer(text):
        scale = _SCALES.get((match.group("scale") or "").lower(), "")
        group = f"money-{scale}" if scale else "money"
        unit = f"{scale} dollars" if scale else "dollars"
        number = Number(value_of(match.group("n"), language), match.group("n"), group)
        found.append(Found(match.start(), match.end(), number, unit, *match.span("n")))
        taken.append(match.span())
    for match in patterns.percent.finditer(text):
        if not free(*match.span()):
            continue
        number = Number(value_of(match.group("n"), language), match.group("n"), "percent")
        found.append(Found(match.start(), match.end(), number, "percent", *match.span("n")))
        taken.append(match.span())
    for match in patterns.count.finditer(text):
        if not free(*match.span("n")):
            continue
        digits = match.group("n")
        before = text[max(0, match.start() - 12) : match.start()]
        if re.fullmatch(r"(?:1[89]|20)\d\d", digits):
            continue  # a year
        if patterns.day.search(before) or re.search(r"[A-Za-z]-?$", before):
            continue  # a day of a month, or part of a name (Mi-17, Bell 429)
        unit = unit_after(match.group("rest"), language)
        if not unit:
            continue
        number = Number(value_of(digits, language), digits, "count")
        end = (
            match.start("rest")
            + match.group("rest").index(unit.split()[-1])
            + len(unit.split()[-1])
        )
        found.append(Found(match.start(), end, number, unit, *match.span("n")))
        taken.append(match.span("n"))
    return sorted(found, key=lambda item: item.start)


def year_in_range(text: str, start: int, end: int) -> bool:
    before, after = text[max(0, start - 20) : start], text[end : end + 20]
    return bool(
        (
            re.search(r"\b(?:from|between)\s+$", before, re.I)
            and re.match(r"\s*(?:to|and|–|-)\s*\d{4}", after)
        )
        or re.search(r"\d{4}\s*(?:to|and|–|-|through)\s+$|\d{4}\s*[–-]\s*$", before)
        or re.match(r"\s*[–-]\s*\d{4}", after)
    )

"""The generator's data in and out: sources, sentences (units), keys and drafts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from courseware.ingest import Block

BLANK = "_____"


@dataclass(frozen=True)
class SourceText:
    """One source as the generator sees it: its cleaned text and blocks, and how to name it."""

    slug: str
    label: str  # "Al Jazeera", "Evan Ellis": who says it, for stems and explanations
    published: str  # "2026-03-03", "2025" or ""
    text: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Draft:
    """A proposed question: kind and data as quizzes.grading expects, one citation."""

    key: str
    source: str
    rule: str
    kind: str
    stem: str
    data: dict[str, Any]
    answer: str
    blank: str  # the words of the quote that the stem shows as BLANK
    quote: str  # == source text[start:end]
    start: int
    end: int
    explanation: str


@dataclass(frozen=True)
class Unit:
    """A sentence (or the part of it worth citing) with its offsets in the source text."""

    text: str
    start: int
    end: int
    quoted_before: bool = False  # the block had an open quotation where the unit starts


@dataclass(frozen=True)
class Key:
    """What a question asks for, found in a unit: span is [start, end) of unit.text.

    kind: range, number, year, month, term, or one of the lexicon's named kinds (its group,
    region, city and agency kinds: cartel, state, city and agency in the course pack).
    """

    kind: str
    text: str
    start: int
    end: int
    identity: str = ""
    accepted: tuple[str, ...] = ()
    value: float = 0.0
    high: float = 0.0
    unit: str = ""
    group: str = ""  # number: count/percent/money…; place and agency: the lexicon's groups

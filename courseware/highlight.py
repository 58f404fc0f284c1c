"""Laying out passages for a page and marking a cited span in them (pure; no database)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

SPAN = re.compile(r"^(\d{1,9})-(\d{1,9})$")
FIRST_MARK, MARK, PLAIN = "first", "mark", ""


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def parse_span(value: str) -> Span | None:
    """'120-180' -> Span(120, 180); anything else (or an empty span) -> None."""
    match = SPAN.match(value.strip())
    if not match:
        return None
    start, end = int(match[1]), int(match[2])
    return Span(start, end) if end > start else None


def pieces(text: str, offset: int, span: Span | None) -> list[tuple[str, bool]]:
    """Split a passage (starting at `offset` in its source) into (chunk, is_marked) pieces."""
    if span is None or span.end <= offset or span.start >= offset + len(text):
        return [(text, False)]
    lo, hi = max(span.start - offset, 0), min(span.end - offset, len(text))
    parts = ((text[:lo], False), (text[lo:hi], True), (text[hi:], False))
    return [(chunk, marked) for chunk, marked in parts if chunk]


@dataclass
class Block:
    """What a template draws: a heading, a paragraph, or a list of items.

    Each entry of `items` is (passage, [(chunk, state)]) where state is "first" for the first
    marked chunk on the page (it gets the #hl anchor), "mark" for the other marked chunks and ""
    for plain text.
    """

    kind: str
    items: list[tuple[Any, list[tuple[str, str]]]] = field(default_factory=list)


@dataclass
class Part:
    source: Any
    blocks: list[Block]


def layout(
    passages: Iterable[Any], span: Span | None = None, source_id: int | None = None
) -> list[Part]:
    """Group passages into runs of one source, and each run into blocks (consecutive list items
    share one list); mark `span` in the passages of `source_id`.

    `passages` need .kind, .text, .start, .source_id and .source.
    """
    parts: list[Part] = []
    seen_mark = False
    for _, grouped in groupby(passages, key=lambda p: p.source_id):
        run = list(grouped)
        blocks: list[Block] = []
        for passage in run:
            states = []
            for chunk, marked in pieces(
                passage.text, passage.start, span if passage.source_id == source_id else None
            ):
                state = PLAIN if not marked else (MARK if seen_mark else FIRST_MARK)
                seen_mark |= marked
                states.append((chunk, state))
            kind = "list" if passage.kind == "list_item" else passage.kind
            if not (kind == "list" and blocks and blocks[-1].kind == "list"):
                blocks.append(Block(kind=kind))
            blocks[-1].items.append((passage, states))
        parts.append(Part(source=run[0].source, blocks=blocks))
    return parts

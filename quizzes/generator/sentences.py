"""Stage 1: cutting a source into units, the sentences a citation can quote.

Paragraphs and list items are cut into sentences, each with its offsets in the cleaned text.
A leading list label ("Drone attacks: …") or dateline, and trailing reference numbers
("… [1] [2].") are left out of the citation.
"""

from __future__ import annotations

import re

from courseware.ingest.sentences import split_sentences, words
from quizzes.generator.model import SourceText, Unit
from quizzes.generator.text import quote_depths

_LABEL = re.compile(r"^(?P<label>[A-Z“\"][^:!?;]{0,60}?):\s+(?=[A-Z“\"])")
_DATELINE = re.compile(r"^(?:date\s+)?\d{4}-\d{2}-\d{2}\s+")
_TRAILING_REFS = re.compile(r"(?:\s*\[\d+\])+\s*\.?\s*$")


def _lead_length(piece: str) -> int:
    """How much of a sentence's start to leave out: a dateline, then a short list label."""
    cut = 0
    for pattern in (_DATELINE, _LABEL):
        match = pattern.match(piece[cut:])
        if match and (
            pattern is _DATELINE
            or (
                len(words(match.group("label"))) <= 6
                and not re.search(r"[a-z]\. [A-Z]", match.group())
            )
        ):
            cut += match.end()
    return cut


def units(source: SourceText) -> list[Unit]:
    """The source's sentences with their offsets, from paragraphs and list items only.

    A list label of at most six words before a colon, a leading ISO dateline and trailing
    bracketed reference numbers are cut off, so the unit is what a citation should quote.
    """
    found: list[Unit] = []
    for block in source.blocks:
        if block.kind not in ("paragraph", "list_item"):
            continue
        depths = quote_depths(block.text)
        cursor = 0
        for sentence in split_sentences(block.text):
            at = block.text.find(sentence, cursor)
            if at < 0:
                continue
            cursor = at + len(sentence)
            end = at + len(sentence)
            begin = at + _lead_length(block.text[at:end])
            piece = block.text[begin:end]
            refs = _TRAILING_REFS.search(piece)
            if refs and refs.start() > 0:
                end = begin + refs.start()
                piece = block.text[begin:end]
            found.append(
                Unit(
                    text=piece,
                    start=block.start + begin,
                    end=block.start + end,
                    quoted_before=bool(depths[begin]) if begin < len(depths) else False,
                )
            )
    return found
